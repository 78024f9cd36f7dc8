import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor digest FILE…`: every answer of the matcher and the crisis check, to compare before and after a change.
    struct Digest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every message's answers (matcher and crisis check), without its words, to compare builds.",
            discussion: """
                One line per message: file:line, decision, candidates with confidences as bit patterns, the crisis
                check with and without the learned model, and whether the message reads as a denial. A change meant to
                be faster must leave the output the same byte for byte. With --structure, also what the knowledge
                and the safety rules loaded to (run it with SWIFT_DETERMINISTIC_HASHING=1 so dictionaries print in
                the same order).
                Example: opendoor digest Knowledge/eval/*.tsv > before.txt
                """,
            shouldDisplay: false)

        @OptionGroup var options: KnowledgeOptions

        @Argument(help: "Tab-separated files of messages (the message after the last tab).")
        var files: [String]

        @Flag(help: "Also print what the knowledge and the safety rules loaded to.")
        var structure = false

        func run() async throws {
            let knowledge = try options.load()
            let rules: SafetyRules
            do {
                rules = try SafetyRules.load(from: options.directory.appendingPathComponent("safety.yaml"))
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            if structure {
                dump(knowledge)
                dump(rules)
            }
            let digest = ResultDigest(matcher: Matcher(knowledge: knowledge), rules: rules)
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    printError("\(file): can't be read.")
                    throw ExitCode(1)
                }
                let name = URL(fileURLWithPath: file).lastPathComponent
                for line in digest.lines(file: name, messages: ResultDigest.messages(ofFile: String(decoding: data, as: UTF8.self))) {
                    print(line)
                }
            }
        }
    }
}
