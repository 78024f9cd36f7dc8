import ArgumentParser
import Foundation
import Logging
import OpenDoorKit
import OpenDoorLogging
import OpenDoorSQLite

/// `--data DIR`, shared by every command that uses the callback store.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder of the callback store (callbacks.sqlite). Default: $OPENDOOR_DATA, then ./opendoor-data.",
            valueName: "dir"))
    var data: String?

    /// The folder the store lives in.
    var directory: URL {
        if let data { return URL(fileURLWithPath: data, isDirectory: true) }
        if let path = ProcessInfo.processInfo.environment["OPENDOOR_DATA"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("opendoor-data", isDirectory: true)
    }

    /// Opens the store, or explains what went wrong and exits 1.
    func open(logger: Logger, readOnly: Bool = false) throws -> SQLiteCallbackStore {
        var configuration = SQLiteCallbackStore.Configuration()
        configuration.readOnly = readOnly
        do {
            return try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: logger)
        } catch {
            printError("The callback store at \(directory.path) can't be opened: \(error)")
            throw ExitCode(1)
        }
    }
}

/// `--log-level`, and the one place logging is set up.
struct LogOptions: ParsableArguments {
    /// Log levels as written on the command line.
    enum Level: String, ExpressibleByArgument, CaseIterable {
        case trace, debug, info, notice, warning, error, critical

        var logLevel: Logger.Level { Logger.Level(rawValue: rawValue) ?? .info }
    }

    @Option(help: "Least severe log messages to write to standard error.")
    var logLevel: Level?

    /// Sends logs to standard error at the chosen level (or `defaultLevel`) and returns a logger.
    func bootstrap(label: String, defaultLevel: Level) -> Logger {
        let level = (logLevel ?? defaultLevel).logLevel
        // Without TZ, the C library re-reads /etc/localtime for every timestamp it formats.
        setenv("TZ", ":/etc/localtime", 0)
        // Lines are written in batches by the output's own thread (a server logs every reply); whatever is
        // still waiting is written when the process exits.
        LoggingSystem.bootstrap { label in
            var handler = BufferedLogHandler(label: label, output: .standardError)
            handler.logLevel = level
            return handler
        }
        atexit { BufferedLogOutput.standardError.flush() }
        return Logger(label: label)
    }
}

extension KnowledgeOptions {
    /// Loads the knowledge and the safety rules into an assistant, or prints every problem and exits 1.
    func loadAssistant() throws -> Assistant {
        let knowledge = try load()
        do {
            let rules = try SafetyRules.load(from: directory.appendingPathComponent("safety.yaml"))
            return Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
        } catch let error as KnowledgeError {
            printError(error.description)
            throw ExitCode(1)
        }
    }
}
