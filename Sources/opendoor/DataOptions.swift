import ArgumentParser
import Foundation
import Logging
import OpenDoorKit
import OpenDoorLogging
import OpenDoorPostgres
import OpenDoorSQLite

/// `--data DIR` or `--store URL`, shared by every command that uses the callback store.
///
/// The SQLite folder is the default; `--store postgres://USER@HOST:PORT/DB` (or `$OPENDOOR_STORE`)
/// chooses a PostgreSQL database that several servers share.
struct DataOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The folder of the callback store (callbacks.sqlite) and of the staff accounts. Default: $OPENDOOR_DATA, "
                + "then ./opendoor-data. Next to a PostgreSQL --store, the folder of the staff accounts only.",
            valueName: "dir"))
    var data: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A PostgreSQL callback store shared by several servers, postgres://USER[:PASSWORD]@HOST:PORT/DB "
                + "(or sqlite:DIR for a folder). Default: $OPENDOOR_STORE, else the SQLite folder of --data.",
            valueName: "url"))
    var store: String?

    func validate() throws {
        // An empty value (a variable unset in a service unit or a cron line: --data "$DIR") would otherwise mean the
        // current folder, often / for a service, where staff won't look.
        if data?.isEmpty == true {
            throw ValidationError("--data is empty: give the folder of the callback store, like --data /var/lib/opendoor.")
        }
        if store?.trimmingCharacters(in: .whitespaces).isEmpty == true {
            throw ValidationError("--store is empty: give postgres://USER@HOST:PORT/DB or sqlite:DIR.")
        }
        if data == nil, store == nil, let path = ProcessInfo.processInfo.environment["OPENDOOR_DATA"], path.isEmpty,
            (ProcessInfo.processInfo.environment["OPENDOOR_STORE"] ?? "").isEmpty
        {
            throw ValidationError(
                "$OPENDOOR_DATA is set but empty: set it to the folder of the callback store, unset it to use "
                    + "./opendoor-data, or give --data DIR.")
        }
        if let store {
            // Next to a PostgreSQL store, --data chooses the folder of the staff accounts (which live on this
            // machine); next to sqlite:DIR it would choose a second store.
            if case .sqlite = try StoreLocation(store, origin: "--store"), data != nil {
                throw ValidationError(
                    "--store sqlite:DIR and --data each choose a SQLite folder; give one of them.")
            }
        }
    }

    /// The folder of the staff accounts file (`staff-users`): the data folder. With a PostgreSQL store it must be
    /// chosen (`--data` next to `--store`, or `$OPENDOOR_DATA`), never ./opendoor-data by default: accounts added
    /// from one folder would otherwise be missing when the console starts in another. Exits 1 saying so.
    func accountsDirectory() throws -> URL {
        if case .postgres(_, let origin) = try location(), data == nil,
            (ProcessInfo.processInfo.environment["OPENDOOR_DATA"] ?? "").isEmpty
        {
            printError(
                "The staff accounts are kept in a folder on this machine, also with a PostgreSQL store (chosen by "
                    + "\(origin)). Choose it with --data DIR next to --store (or $OPENDOOR_DATA), the same folder for "
                    + "opendoor staff-user and opendoor staff.")
            throw ExitCode(1)
        }
        return directory
    }

    /// The store chosen: `--store`, else `--data`, else `$OPENDOOR_STORE`, else `$OPENDOOR_DATA`, else
    /// ./opendoor-data. Exits 1 with the reason when `$OPENDOOR_STORE` can't be read.
    func location() throws -> StoreLocation {
        if let store { return try StoreLocation(store, origin: "--store") }
        if let store = environmentStore {
            do {
                return try StoreLocation(store, origin: "$OPENDOOR_STORE")
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
        return .sqlite(directory, origin: source.origin)
    }

    /// `$OPENDOOR_STORE`, unless `--data` says otherwise.
    private var environmentStore: String? {
        guard data == nil, let store = ProcessInfo.processInfo.environment["OPENDOOR_STORE"], !store.isEmpty else {
            return nil
        }
        return store
    }

    /// The folder the store lives in.
    var directory: URL {
        URL(fileURLWithPath: source.path, isDirectory: true)
    }

    /// Where the folder's path came from, for messages that say which store was looked at.
    var source: (path: String, origin: String) {
        if let data { return (data, "--data") }
        for (text, origin) in [(store, "--store"), (environmentStore, "$OPENDOOR_STORE")] {
            if let text, case .sqlite(let url, _)? = try? StoreLocation(text, origin: origin) {
                return (url.path, origin)
            }
        }
        if let path = ProcessInfo.processInfo.environment["OPENDOOR_DATA"], !path.isEmpty {
            return (path, "$OPENDOOR_DATA")
        }
        let path = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("opendoor-data", isDirectory: true).path
        return (path, "the default, ./opendoor-data in the current folder")
    }

    /// Opens the store a service (serve, chat) writes to.
    ///
    /// A SQLite store never fails: when it can't be written, the service still runs, gives the center's
    /// number instead of offering callbacks, and starts saving again once the store can be written. The
    /// same for a PostgreSQL database that can't be reached at start: the service runs, and the store
    /// connects when the database is back. What is wrong is printed for whoever started it. A PostgreSQL
    /// store that answers but can't be used (a refused login, no such database, a newer schema) stops the
    /// command with the reason: exit 1. `saveTimings` records where a PostgreSQL store's saves spend their time.
    func openForService(logger: Logger, saveTimings: SaveTimings? = nil) async throws -> any CallbackAuditStore {
        let store: any CallbackAuditStore
        let problem: CallbackStoreError?
        switch try location() {
        case .postgres(let url, let origin):
            do {
                var configuration = PostgresCallbackStore.Configuration()
                configuration.saveTimings = saveTimings
                let postgres = try await PostgresCallbackStore.openForService(
                    url: url, configuration: configuration, logger: logger)
                (store, problem) = (postgres, await postgres.unavailability)
            } catch {
                throw failure(error, place: "\(url)", origin: origin)
            }
        case .sqlite(let directory, _):
            let sqlite = ReopeningCallbackStore(directory: directory, logger: logger)
            (store, problem) = (sqlite, await sqlite.unavailability)
        }
        if let problem {
            printError(
                "OpenDoor runs without saving callback requests for now: \(problem) "
                    + "Visitors who ask for a call are given the center's number until requests can be saved again.")
        }
        return store
    }

    /// Opens an existing store for a staff command: the SQLite folder (see ``openExisting(logger:writes:)``)
    /// or the PostgreSQL database, whose OpenDoor schema must exist (it is brought up to date if older, never
    /// created: only serve, chat and copy --to create one).
    /// Says on standard error which store it opened and what chose it, so that a list from the wrong folder is
    /// never mistaken for an empty one.
    func openStaffStore(logger: Logger, writes: Bool) async throws -> any StaffStore {
        let store: any StaffStore
        let location = try location()
        switch location {
        case .postgres(let url, let origin):
            store = try await openPostgres(url, origin: origin, logger: logger)
        case .sqlite:
            store = try openExisting(logger: logger, writes: writes)
        }
        printError("Store: \(store.path) (chosen by \(location.origin)).")
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

    /// Exits 1, saying which folder was looked in and what chose it, unless the SQLite store's file is there: for
    /// a command that must never start an empty store of its own (the staff console, whose empty inbox would look
    /// like no one waiting while requests pile up in the right folder).
    func requireExistingSQLite() throws {
        let file = directory.appendingPathComponent(SQLiteCallbackStore.Configuration().fileName)
        guard !FileManager.default.fileExists(atPath: file.path) else { return }
        throw failure(CallbackStoreError.notFound(path: file.path))
    }

    /// Prints why the store at this folder can't be used, and which folder that was; returns the exit. Only a
    /// store that isn't there is a reason to look in another folder: one found but unusable (read-only, full,
    /// locked) is named as found.
    private func failure(_ error: any Error) -> ExitCode {
        let (path, origin) = source
        let code = (error as? CallbackStoreError)?.code
        if code == nil || code == .notFound || code == .cannotOpen {
            printError(
                "\(error)\nLooked in \(path) (chosen by \(origin)). "
                    + "Use --data DIR or set $OPENDOOR_DATA to the folder that holds callbacks.sqlite.")
        } else {
            printError("\(error)\nThe store is in \(path) (chosen by \(origin)).")
        }
        return ExitCode(1)
    }

    /// Opens the PostgreSQL store, or prints why it can't be used and how it was chosen, and exits 1.
    private func openPostgres(_ url: PostgresStoreURL, origin: String, logger: Logger) async throws
        -> PostgresCallbackStore
    {
        do {
            return try await PostgresCallbackStore.open(
                url: url, configuration: .forCommand(creating: false), logger: logger)
        } catch {
            throw failure(error, place: "\(url)", origin: origin)
        }
    }

    /// Prints why the PostgreSQL store can't be used, and how it was chosen; returns the exit.
    private func failure(_ error: any Error, place: String, origin: String) -> ExitCode {
        printError("\(Self.oneShot(error))\nThe store \(place) was chosen by \(origin).")
        return ExitCode(1)
    }

    /// What a command that exits says of a store error: the store's "retrying in the background" is true of a
    /// server, not of a command that has given up.
    static func oneShot(_ error: any Error) -> String {
        "\(error)".replacingOccurrences(of: PostgresCallbackStore.backgroundRetry, with: "")
    }
}

/// Where the callback requests are: a SQLite folder or a PostgreSQL database.
enum StoreLocation: Sendable {
    case sqlite(URL, origin: String)
    case postgres(PostgresStoreURL, origin: String)

    /// What chose it: `--data`, `$OPENDOOR_STORE`, the default …
    var origin: String {
        switch self {
        case .sqlite(_, let origin), .postgres(_, let origin): origin
        }
    }

    /// Reads `postgres://…`, `postgresql://…`, `sqlite:DIR` or a plain folder path; `origin` says
    /// where it was written, for messages.
    init(_ text: String, origin: String) throws {
        if PostgresStoreURL.isPostgres(text) {
            do {
                self = .postgres(try PostgresStoreURL(text), origin: origin)
            } catch {
                throw ValidationError("\(origin): \(error)")
            }
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw ValidationError("\(origin): write sqlite:DIR, the folder of callbacks.sqlite.") }
            self = .sqlite(URL(fileURLWithPath: path, isDirectory: true), origin: origin)
        } else if text.contains("://") {
            throw ValidationError(
                "\(origin): \(text.prefix(while: { $0 != ":" }))://… is not a store; "
                    + "write postgres://USER@HOST:PORT/DB or sqlite:DIR.")
        } else {
            self = .sqlite(URL(fileURLWithPath: text, isDirectory: true), origin: origin)
        }
    }
}

/// A store a staff command works on, and where it is for messages.
protocol StaffStore: CallbackStore {
    /// The file or database URL (without a password).
    var path: String { get }
    /// Deletes requests created before `cutoff`; `new` ones only when `includingNew`.
    func purge(olderThan cutoff: Date, includingNew: Bool) async throws -> Int
    /// As ``purge(olderThan:includingNew:)``, of the requests whose id is at most `lastID` only.
    func purge(olderThan cutoff: Date, includingNew: Bool, through lastID: Int64?) async throws -> Int
}

extension SQLiteCallbackStore: StaffStore {}
extension PostgresCallbackStore: StaffStore {}

extension PostgresCallbackStore.Configuration {
    /// For a command a person runs and waits on (staff commands, `copy`): a database that can't be reached
    /// is said within seconds, not after the 30 s a starting server gives a database starting with it.
    /// Only `copy --to` creates the store; the others open an existing OpenDoor store only.
    static func forCommand(creating: Bool) -> Self {
        var configuration = Self()
        configuration.createIfMissing = creating
        configuration.openRetry = RetryPolicy(window: .seconds(3))
        // A staff command isn't a visitor waiting on a reply: a page of a purge or a copy on a busy database may take
        // longer than a visitor's save is allowed (4 s a try), and failing it halfway helps nobody.
        configuration.retry = RetryPolicy(window: .seconds(60), attemptTimeout: .seconds(30))
        return configuration
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
