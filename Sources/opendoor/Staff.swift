import ArgumentParser
import Dispatch
import Foundation
import Logging
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorServer
import OpenDoorStaff
import ServiceLifecycle

extension OpenDoor {
    /// `opendoor staff`: the staff console, a web page on 127.0.0.1:7462.
    struct Staff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the staff console: the callback inbox, try a message, knowledge health, counts (a web page).",
            discussion: """
                Listens on 127.0.0.1:7462 by default; open http://127.0.0.1:7462/ and sign in with an account made by \
                opendoor staff-user add NAME. Put it behind a TLS proxy to reach it from another computer, and pass \
                --secure-cookies and --trusted-proxy PROXY-ADDRESS there (docs/STAFF.md). Uses the same data folder \
                (or --store) as serve, and opens an existing store only (it never creates one).
                """)

        @OptionGroup var options: KnowledgeOptions
        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Option(help: "The address to listen on. Keep 127.0.0.1 unless a proxy on another address serves it.")
        var host = "127.0.0.1"

        @Option(help: "The port to listen on (0 for any free port; the port is printed).")
        var port = 7462

        @Flag(help: "Mark the session cookie Secure (HTTPS only): use it when the console is behind TLS.")
        var secureCookies = false

        @Option(help: "Seconds between the inbox's reloads.")
        var refresh = 30

        @Option(
            name: .customLong("trusted-proxy"),
            help: ArgumentHelp(
                "A reverse proxy in front of the console (an address like 127.0.0.1, or a range like 10.0.0.0/8; "
                    + "repeat for several): the sign-in lockout then counts the client named in its "
                    + "X-Forwarded-For. Without it that header is ignored.",
                valueName: "address"))
        var trustedProxies: [String] = []

        func validate() throws {
            if !(0...65_535).contains(port) { throw ValidationError("--port is a TCP port from 1 to 65535 (or 0).") }
            if refresh < 5 { throw ValidationError("--refresh is a number of seconds, at least 5.") }
            _ = try Self.trustedProxies(trustedProxies, option: "--trusted-proxy")
        }

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.staff", defaultLevel: .info)
            StandardInputWatch.startIfAsked()
            var configuration = StaffConfiguration()
            configuration.host = host
            configuration.port = port
            configuration.secureCookies = secureCookies
            configuration.refreshSeconds = refresh
            configuration.trustedProxies = try Self.trustedProxies(trustedProxies, option: "--trusted-proxy")
            Self.warnIfExposed(host: host, secureCookies: secureCookies, option: "--secure-cookies")
            let (console, store) = try await Self.makeConsole(
                knowledge: options, data: data, configuration: configuration, logger: logger)
            let host = host
            let application = console.makeService { port in
                printError("Staff console at http://\(host):\(port)/")
            }
            // `kill -HUP` reloads serve's knowledge; this console reads it only at start, and says so.
            signal(SIGHUP, SIG_IGN)
            let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
            hangup.setEventHandler {
                logger.notice(
                    """
                    SIGHUP: opendoor staff reads the knowledge only at start; restart it to use an edited knowledge \
                    (serve --staff-port reloads the console's on SIGHUP)
                    """)
            }
            hangup.resume()
            defer { hangup.cancel() }
            var group = ServiceGroupConfiguration(
                services: [application], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = .seconds(10)
            do {
                try await ServiceGroup(configuration: group).run()
            } catch {
                try? await store.close()
                guard let said = StaffConsole.listenFailure(error, host: host, port: port) else { throw error }
                printError(said)
                throw ExitCode(1)
            }
            try? await store.close()
        }

        /// Says, on a host other than loopback without --secure-cookies, that passwords and the session cookie
        /// would cross the network in clear text.
        static func warnIfExposed(host: String, secureCookies: Bool, option: String) {
            let loopback = host.hasPrefix("127.") || host == "::1" || host == "localhost"
            guard !secureCookies, !loopback else { return }
            printError(
                "Warning: the staff console listens on \(host) over plain HTTP: passwords and the session cookie "
                    + "cross the network in clear text. Keep 127.0.0.1 and put a TLS proxy in front (docs/STAFF.md), "
                    + "and pass \(option) there.")
        }

        /// The proxies of `--trusted-proxy` (or `serve`'s `--staff-trusted-proxy`), checked.
        static func trustedProxies(_ entries: [String], option: String) throws -> TrustedProxies {
            do {
                return try TrustedProxies(entries)
            } catch {
                throw ValidationError("\(option): \(error)")
            }
        }

        /// The console's own store, for `opendoor staff`: an existing one only (checked by the caller).
        private static func openConsoleStore(
            data: DataOptions, folder: String, logger: Logger
        ) async throws -> any CallbackAuditStore {
            switch try data.location() {
            case .postgres:
                guard let audited = try await data.openStaffStore(logger: logger, writes: true) as? any CallbackAuditStore
                else { throw ExitCode(1) }
                return audited
            case .sqlite(let directory, _):
                let reopening = ReopeningCallbackStore(directory: directory, logger: logger)
                if let problem = await reopening.unavailability {
                    printError("The callback store can't be used for now: \(problem) (looked in \(folder)).")
                }
                return reopening
            }
        }

        /// The console on the knowledge and store `serve` or `staff` were given: `serve` hands over its own store
        /// (`store`), `staff` opens one.
        /// Prints which accounts file and data folder it uses; exits 1 when the accounts or the knowledge can't be read.
        static func makeConsole(
            knowledge options: KnowledgeOptions,
            data: DataOptions,
            configuration: StaffConfiguration,
            logger: Logger,
            metricsText: @escaping @Sendable () async -> String = { "" },
            loaded: (Assistant, KnowledgeHealth)? = nil,
            store shared: (any CallbackAuditStore)? = nil
        ) async throws -> (StaffConsole, any CallbackAuditStore) {
            let (folder, origin) = data.source
            // An existing store only, as the callbacks commands: never an empty one made for a mistyped --data. (Not
            // asked of the store `serve` hands over: the chat's, which serve makes where there is none.)
            if shared == nil, case .sqlite = try data.location() { try data.requireExistingSQLite() }
            let accountsFolder = try data.accountsDirectory()
            let accounts: StaffAccounts
            do {
                accounts = try StaffAccounts.load(directory: accountsFolder)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
            printError("Staff accounts: \(accounts.path) (data folder chosen by \(origin)).")
            if !configuration.trustedProxies.isEmpty {
                printError(
                    "Sign-in counts failures by the client X-Forwarded-For names when the connection comes from "
                        + "\(configuration.trustedProxies).")
            }
            if accounts.names.isEmpty {
                printError("No staff accounts yet: add one with opendoor staff-user add NAME (no restart needed).")
            }
            // `serve --staff-port` hands over the knowledge it loaded: loaded and logged once (QA24 S3-5).
            let (assistant, health) = try loaded ?? Self.loadKnowledge(options, logger: logger)
            // `serve --staff-port` hands over the chat's own store: opened once (one SQLite pool, or one PostgreSQL
            // pool, for both), so the console reads what the chat saved the moment it is committed.
            let store: any CallbackAuditStore
            if let shared {
                store = shared
            } else {
                store = try await openConsoleStore(data: data, folder: folder, logger: logger)
            }
            // The lint and the scores take a while (the lint matches every example against the others): the
            // console answers meanwhile, and the knowledge page says they are still being worked out.
            let report = KnowledgeHealthReport(health)
            report.show(health, checkingWith: assistant)
            var configuration = configuration
            let storePath =
                (store as? any StaffStore)?.path
                ?? data.directory.appendingPathComponent(SQLiteCallbackStore.Configuration().fileName).path
            configuration.storeDescription = "\(storePath) (chosen by \(try data.location().origin))"
            let console = StaffConsole(
                store: store, assistant: assistant, health: report, dataDirectory: data.directory,
                configuration: configuration, metricsText: metricsText, logger: logger)
            return (console, store)
        }

        /// The knowledge and its health, logged; exits 1 (having said why) when it can't be loaded.
        static func loadKnowledge(_ options: KnowledgeOptions, logger: Logger) throws -> (Assistant, KnowledgeHealth) {
            do {
                let loaded = try KnowledgeHealth.load(from: options.directory)
                loaded.0.knowledge.logLoaded(from: options.directory, logger: logger)
                return loaded
            } catch {
                printError("\(error)")
                options.sayWhereLookedIfMissing()
                throw ExitCode(1)
            }
        }
    }
}
