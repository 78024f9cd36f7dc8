import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor test FILE...`: scripted conversations with expectations.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run scripted conversations and check each reply (intent, state, crisis, text).",
            discussion: "Example: opendoor test Knowledge/conversations/*.yaml")

        @OptionGroup var options: KnowledgeOptions
        @OptionGroup var logging: LogOptions

        @Argument(help: "Conversation files (YAML).")
        var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("Name at least one conversation file.") }
        }

        func run() async throws {
            _ = logging.bootstrap(label: "opendoor.test", defaultLevel: .error)
            let assistant = try options.loadAssistant()
            let runner = ConversationTestRunner(assistant: assistant)
            var passed = 0
            var failed = 0
            for file in files {
                let script: ConversationScript
                do {
                    script = try ConversationScript.load(from: URL(fileURLWithPath: file))
                } catch {
                    printError(error.description)
                    throw ExitCode(1)
                }
                for outcome in await runner.run(script) {
                    if outcome.passed {
                        passed += 1
                        print("PASS \(outcome.name)")
                    } else {
                        failed += 1
                        print("FAIL \(outcome.name) (\(outcome.location))")
                        for failure in outcome.failures { print("     \(failure)") }
                    }
                }
            }
            print("\(passed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
