import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor train-weights`: trains the matcher's learned weights and saves them in the knowledge folder, so
    /// that loading doesn't train them again; `--check` fails unless the saved file is what training gives now.
    struct TrainWeights: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train-weights",
            abstract: "Save the matcher's learned weights in the knowledge folder (matcher-weights.tsv).",
            discussion: """
                The weights are derived from the intents' examples: they are used only while the examples are the \
                ones they were trained on, and trained at load otherwise. Run this (or Scripts/train-matcher-weights) \
                after editing examples; --check (run by CI) exits 1 when the file is missing or out of date.
                """)

        @OptionGroup var options: KnowledgeOptions

        @Flag(help: "Write nothing; exit 1 unless the saved weights are exactly what training gives now.")
        var check = false

        func run() async throws {
            let knowledge = try options.load()
            let text = Matcher(knowledge: knowledge.withoutStoredWeights()).storedWeights.text
            let url = options.directory.appendingPathComponent(StoredIntentWeights.fileName)
            let saved = FileManager.default.contents(atPath: url.path).map { String(decoding: $0, as: UTF8.self) }
            if check {
                guard saved == text else {
                    printError(
                        "\(url.path): \(saved == nil ? "missing" : "out of date") (the examples or the training changed). "
                            + "Run Scripts/train-matcher-weights and commit the file.")
                    throw ExitCode(1)
                }
                print("\(url.path): up to date")
                return
            }
            if saved == text {
                print("\(url.path): already up to date")
                return
            }
            do {
                try Data(text.utf8).write(to: url, options: .atomic)
            } catch {
                printError("Could not write \(url.path): \(error.localizedDescription)")
                throw ExitCode(1)
            }
            print("\(url.path): written")
        }
    }
}
