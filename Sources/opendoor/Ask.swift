import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor ask "what if i relapsed"`: one message, one reply, as a visitor would see it.
    struct Ask: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the reply to one message, as a visitor would see it.",
            discussion: """
                Examples:
                  opendoor ask "what if i relapsed"
                  opendoor ask --explain "will they be mad at me"
                  opendoor ask --json "do you take insurance"
                """)

        @OptionGroup var options: KnowledgeOptions

        @Flag(help: "Also print the normalized tokens, the top three intents and the decision.")
        var explain = false

        @Flag(help: "Print the reply object as one line of JSON.")
        var json = false

        @Argument(help: "What the visitor typed.")
        var message: [String]

        func validate() throws {
            if message.joined().allSatisfy(\.isWhitespace) {
                throw ValidationError("Give a message to answer, e.g. opendoor ask \"can i come back\".")
            }
            if explain && json {
                throw ValidationError("Choose --explain or --json, not both.")
            }
        }

        func run() async throws {
            let assistant = try options.loadAssistant()
            let text = message.joined(separator: " ")
            // The reply a visitor would get as their first message: the crisis check comes first, as in
            // every conversation.
            var conversation = assistant.makeConversation(channel: .terminal)
            _ = conversation.start()
            guard case .reply(let reply) = conversation.receive(text) else {
                printError("This message asks to save a callback, which one message can't do.")
                throw ExitCode(1)
            }
            if json {
                print(try ReplyJSON.encode(reply))
                return
            }
            print(ReplyFormatter.plain(reply))
            if explain {
                print("")
                if let finding = assistant.safety.assess(text) {
                    let reply = finding.level == .crisis ? "the full crisis reply" : "the check-in question"
                    print("safety:   level \(finding.level) (\(reply)), category \(finding.category)")
                    print("rule:     \(finding.ruleID)" + (finding.note.map { " (\($0))" } ?? ""))
                    print("          checked before the matcher, which is not consulted")
                } else {
                    print(ExplainFormatter.describe(assistant.responder.matcher.match(text), reply: reply))
                }
            }
        }
    }
}
