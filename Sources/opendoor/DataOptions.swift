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
        URL(fileURLWithPath: source.path, isDirectory: true)
    }

    /// Where the folder's path came from, for messages that say which store was looked at.
    var source: (path: String, origin: String) {
        if let data { return (data, "--data") }
        if let path = ProcessInfo.processInfo.environment["OPENDOOR_DATA"], !path.isEmpty {
            return (path, "$OPENDOOR_DATA")
        }
        let path = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("opendoor-data", isDirectory: true).path
        return (path, "the default, ./opendoor-data in the current folder")
    }

    /// Opens the store a service (serve, chat) writes to. It never fails: when the store can't be
    /// written, the service still runs, gives the center's number instead of offering callbacks, and
    /// starts saving again once the store can be written. What is wrong is printed for whoever started it.
    func openForService(logger: Logger) async -> ReopeningCallbackStore {
        let store = ReopeningCallbackStore(directory: directory, logger: logger)
        if let problem = await store.unavailability {
            printError(
                "OpenDoor runs without saving callback requests for now: \(problem) "
                    + "Visitors who ask for a call are given the center's number until requests can be saved again.")
        }
        return store
    }

    /// Opens an existing store for a staff command; never creates a folder or a file.
    ///
    /// When the store can't be opened for writing (a full or read-only disk, no permission) and the
    /// command only reads (`writes` false), it is opened read-only and a note says so. Otherwise prints
    /// what is wrong, which path was looked at and how to choose another, and exits 1.
    func openExisting(logger: Logger, writes: Bool) throws -> SQLiteCallbackStore {
        var configuration = SQLiteCallbackStore.Configuration()
        configuration.createIfMissing = false
        // A command that only reads tries read-only next: the first failure is said once, as a note.
        var firstTry = logger
        if !writes { firstTry.logLevel = .critical }
        do {
            return try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: firstTry)
        } catch let error as CallbackStoreError
            where !writes && [.readOnly, .diskFull, .permissionDenied].contains(error.code)
        {
            configuration.readOnly = true
            do {
                let store = try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: logger)
                let how = store.readingFallback.map { " (\($0))" } ?? ""
                printError("Note: \(error)\nThe requests below were read without writing\(how).")
                return store
            } catch {
                throw failure(error)
            }
        } catch {
            throw failure(error)
        }
    }

    /// Prints why the store at this folder can't be used, and which folder that was; returns the exit.
    private func failure(_ error: any Error) -> ExitCode {
        let (path, origin) = source
        printError(
            "\(error)\nLooked in \(path) (chosen by \(origin)). "
                + "Use --data DIR or set $OPENDOOR_DATA to the folder that holds callbacks.sqlite.")
        return ExitCode(1)
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
