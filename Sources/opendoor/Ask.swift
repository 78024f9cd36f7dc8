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
            let knowledge = try options.load()
            let responder = Responder(matcher: Matcher(knowledge: knowledge))
            let text = message.joined(separator: " ")
            let (reply, match) = responder.respond(to: text)
            if json {
                print(try ReplyJSON.encode(reply))
                return
            }
            print(ReplyFormatter.plain(reply))
            if explain {
                print("")
                print(ExplainFormatter.describe(match, reply: reply))
            }
        }
    }
}
