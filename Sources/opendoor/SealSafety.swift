import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor seal-safety`: writes safety.yaml's end line again after an edit (``SafetyFileSeal``).
    struct SealSafety: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal-safety",
            abstract: "Count safety.yaml's patterns again and write its end line, after an edit.",
            discussion: """
                safety.yaml ends with a line counting each category's patterns ("# end: overdose 251, …"); ask, \
                serve and a reload refuse a file without it or with other counts, as a copy cut short would be. \
                Run this after editing the file (or merging edits): it checks the rules as the loader does, then \
                rewrites only that line. With --check it only says whether the line is right (exit 1 if not).
                """)

        @OptionGroup var options: KnowledgeOptions

        @Flag(help: "Only check the end line; change nothing.")
        var check = false

        func run() throws {
            let url = options.directory.appendingPathComponent("safety.yaml")
            let (text, rules, file): (String, SafetyRules, String)
            do {
                (text, rules, file) = try SafetyFileSeal.read(url)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            if check {
                if let problem = SafetyFileSeal.problem(in: text, rules: rules, file: file) {
                    printError("\(problem)")
                    throw ExitCode(1)
                }
                print("\(file): the end line is right: \(SafetyFileSeal.line(for: rules))")
                return
            }
            let sealed = SafetyFileSeal.sealed(text, rules: rules)
            if sealed != text { try sealed.write(to: url, atomically: true, encoding: .utf8) }
            print("\(file): \(SafetyFileSeal.line(for: rules))")
        }
    }
}
