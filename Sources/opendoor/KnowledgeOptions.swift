import ArgumentParser
import Foundation
import OpenDoorKit

/// `--knowledge DIR`, shared by every command that answers from the knowledge.
struct KnowledgeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The knowledge folder (center.yaml, intents/…). Default: $OPENDOOR_KNOWLEDGE, then ./Knowledge.",
            valueName: "dir"))
    var knowledge: String?

    /// The folder to load.
    var directory: URL {
        knowledge.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? Knowledge.defaultDirectory()
    }

    /// Loads the knowledge, or prints every problem (file:line: message) and exits 1.
    func load() throws -> Knowledge {
        do {
            return try Knowledge.load(from: directory)
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
