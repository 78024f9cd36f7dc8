import ArgumentParser
import Foundation
import Logging
import OpenDoorKit

/// `--knowledge DIR`, shared by every command that answers from the knowledge.
struct KnowledgeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The knowledge folder (center.yaml, intents/…). Default: $OPENDOOR_KNOWLEDGE, else ./Knowledge in the "
                + "current folder (nothing else is tried).",
            valueName: "dir"))
    var knowledge: String?

    /// The folder to load.
    var directory: URL {
        knowledge.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? Knowledge.defaultDirectory()
    }

    /// What chose ``directory``, for messages: `--knowledge`, `$OPENDOOR_KNOWLEDGE` or the default.
    var origin: String {
        if knowledge != nil { return "--knowledge" }
        if let path = ProcessInfo.processInfo.environment["OPENDOOR_KNOWLEDGE"], !path.isEmpty {
            return "$OPENDOOR_KNOWLEDGE"
        }
        return "the default, ./Knowledge in the current folder"
    }

    /// Loads the knowledge, or prints every problem (file:line: message) and exits 1. A folder that isn't there
    /// is said with the path tried and what chose it.
    func load() throws -> Knowledge {
        do {
            return try Knowledge.load(from: directory)
        } catch {
            printError(error.description)
            sayWhereLookedIfMissing()
            throw ExitCode(1)
        }
    }

    /// When the folder is not a knowledge folder, says which path was tried and what chose it.
    func sayWhereLookedIfMissing() {
        guard !FileManager.default.fileExists(atPath: directory.appendingPathComponent("center.yaml").path) else {
            return
        }
        printError("Looked for the knowledge in \(directory.path) (chosen by \(origin)).")
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

extension Knowledge {
    /// Logs which knowledge a service answers from (at start and after each reload), so that a service started
    /// from the wrong folder is seen in its log: the folder, the center, and the number crisis replies give.
    func logLoaded(from directory: URL, logger: Logger) {
        logger.info(
            "knowledge loaded",
            metadata: [
                "path": "\(directory.standardizedFileURL.path)", "center": "\(center.name)", "phone": "\(center.phone)",
            ])
    }
}
