import ArgumentParser
import Foundation
import Logging
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorNotifications
import OpenDoorServer
import OpenDoorStaff
import ServiceLifecycle

extension OpenDoor {
    /// `opendoor serve`: the chat over TCP, as text for nc/telnet and as JSON lines for programs.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the chat over TCP: plain text on --port, JSON lines on --json-port.",
            discussion: """
                Listens on 127.0.0.1 unless --host says otherwise. Try it with:
                  nc 127.0.0.1 7460
                  echo '{"type":"hello"}' | nc -q1 127.0.0.1 7461

                SIGTERM or SIGINT (Ctrl-C) says goodbye to everyone connected, closes the callback store and \
                exits 0. SIGHUP reloads the knowledge folder: new chats (and --staff-port's console) use it, chats \
                already going keep theirs, and a broken edit is refused (logged) while the old knowledge stays.

                docs/PROTOCOL.md describes both protocols, with example sessions.
                """)

        private static let defaults = ServerConfiguration()

        @OptionGroup var options: KnowledgeOptions
        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions
        @OptionGroup var notify: NotifyOptions

        @Option(help: "The address to listen on (0.0.0.0 for every interface).")
        var host = defaults.host

        @Option(help: "The text protocol's port (0: any free port).")
        var port = defaults.textPort ?? 7460

        @Option(help: "The JSON-lines protocol's port (0: any free port).")
        var jsonPort = defaults.jsonPort ?? 7461

        @Option(
            help: ArgumentHelp(
                "The WebSocket port for the web widget (JSON lines in WebSocket frames; 0: any free port). Off unless "
                    + "given; it shares --max-connections and the per-address cap with the other ports.",
                valueName: "port"))
        var websocketPort: Int?

        @Option(
            help: ArgumentHelp(
                "A page allowed to open the WebSocket, as browsers send it in Origin (https://www.example.org); "
                    + "repeat for several. Default: any page.",
                valueName: "origin"))
        var websocketOrigin: [String] = []

        @Option(help: "The longest WebSocket frame a visitor may send, in bytes; a longer one is closed with 1009.")
        var maxFrameSize = defaults.maximumWebSocketFrameSize

        @Flag(help: "Don't serve the text protocol.")
        var noText = false

        @Flag(help: "Don't serve the JSON-lines protocol.")
        var noJson = false

        @Option(help: "How many visitors may be connected at once, both protocols together.")
        var maxConnections = defaults.maximumConnections

        @Option(
            help: "How many of those one address may hold at once (a --trusted-proxy's are held to --max-connections only).")
        var maxConnectionsPerAddress = defaults.maximumConnectionsPerAddress

        @Option(
            help: ArgumentHelp(
                "IPv4 addresses sharing this many leading bits count as one address for "
                    + "--max-connections-per-address and for making room when the chat is full (32: each address).",
                valueName: "bits"))
        var ipv4Prefix = defaults.addressGrouping.ipv4Prefix

        @Option(
            help: ArgumentHelp(
                "The same for IPv6 (64: each customer's network, which one client can fill with addresses).",
                valueName: "bits"))
        var ipv6Prefix = defaults.addressGrouping.ipv6Prefix

        @Option(
            name: .customLong("trusted-proxy"),
            help: ArgumentHelp(
                "A proxy whose connections carry many visitors (the WebSocket bridge, HAProxy): an address or a range; "
                    + "repeat for several. A WebSocket from one counts as the visitor its X-Forwarded-For (or "
                    + "Forwarded) names. Default: this machine's loopback (127.0.0.0/8, ::1); none: no proxy.",
                valueName: "address"))
        var trustedProxies: [String] = []

        @Flag(
            help: ArgumentHelp(
                "Connections to the text and JSON ports from a --trusted-proxy begin with a PROXY protocol header "
                    + "(HAProxy's send-proxy or send-proxy-v2) naming the visitor, who then has their own place and "
                    + "rate limit; such a connection without one is closed. On the WebSocket port the header is read "
                    + "when it comes before the handshake (HAProxy in mode tcp); without one, X-Forwarded-For as before."))
        var proxyProtocol = false

        @Option(
            help: ArgumentHelp(
                "When the chat is full and no address holds two places more than the newcomer's (those make room "
                    + "first), close the connection that has sent no message for longest, once it has been open this "
                    + "many seconds, to make room for a new visitor (0: never; they are told it's full).",
                valueName: "seconds"))
        var evictSilentAfter = Int(defaults.silentEvictionAge?.components.seconds ?? 0)

        @Option(help: "Seconds a visitor may send nothing before the chat says goodbye and closes.")
        var idleTimeout = Int(defaults.idleTimeout.components.seconds)

        @Option(help: "Seconds a line may take from its first byte to its line break before the chat closes.")
        var lineTimeout = Int(defaults.lineTimeout.components.seconds)

        @Option(help: "The longest line accepted, in bytes; a longer one gets an error.")
        var maxLineLength = defaults.maximumLineLength

        @Option(help: "Lines one connection may send in a quick burst.")
        var messageBurst = defaults.messageBurst

        @Option(help: "Lines per minute one connection may send once its burst is spent.")
        var messagesPerMinute = defaults.messagesPerMinute

        @Option(help: "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (docs/METRICS.md; 0: any free port).")
        var metricsPort: Int?

        @Option(
            help: ArgumentHelp(
                "Also serve the staff console on 127.0.0.1:PORT (0: any free port), with this server's metrics at "
                    + "/metrics; the same as opendoor staff, in this process (docs/STAFF.md).",
                valueName: "port"))
        var staffPort: Int?

        @Flag(help: "With --staff-port: mark the console's session cookie Secure (behind a TLS proxy).")
        var staffSecureCookies = false

        @Option(
            name: .customLong("staff-trusted-proxy"),
            help: ArgumentHelp(
                "With --staff-port: a reverse proxy in front of the console (as opendoor staff --trusted-proxy).",
                valueName: "address"))
        var staffTrustedProxies: [String] = []

        @Option(
            help: ArgumentHelp(
                "Write where confirmed callback saves spent their time, phase by phase, to this file at shutdown "
                    + "(durations only; for opendoor load --store postgres://…).",
                valueName: "file"))
        var saveTimings: String?

        func validate() throws {
            if noText && noJson {
                throw ValidationError("--no-text and --no-json together leave nothing to serve; keep one.")
            }
            for (name, value) in [("--port", port), ("--json-port", jsonPort)] where !(0...65_535).contains(value) {
                throw ValidationError("\(name) is a TCP port from 1 to 65535 (or 0 for any free port).")
            }
            if !noText && !noJson && port == jsonPort && port != 0 {
                throw ValidationError("--port and --json-port must differ; each protocol needs its own port.")
            }
            if let websocketPort {
                guard (0...65_535).contains(websocketPort) else {
                    throw ValidationError("--websocket-port is a TCP port from 1 to 65535 (or 0 for any free port).")
                }
                let others = (noText ? [] : [port]) + (noJson ? [] : [jsonPort])
                if websocketPort != 0 && others.contains(websocketPort) {
                    throw ValidationError("--websocket-port must differ from --port and --json-port.")
                }
            } else if !websocketOrigin.isEmpty {
                throw ValidationError(
                    "--websocket-origin is for the WebSocket of --websocket-port; add --websocket-port.")
            }
            if maxFrameSize < 256 { throw ValidationError("--max-frame-size must be at least 256 bytes.") }
            if maxConnections < 1 { throw ValidationError("--max-connections must be at least 1.") }
            if maxConnectionsPerAddress < 1 {
                throw ValidationError("--max-connections-per-address must be at least 1.")
            }
            if !(1...32).contains(ipv4Prefix) { throw ValidationError("--ipv4-prefix is a number of bits from 1 to 32.") }
            if !(1...128).contains(ipv6Prefix) {
                throw ValidationError("--ipv6-prefix is a number of bits from 1 to 128.")
            }
            if evictSilentAfter < 0 { throw ValidationError("--evict-silent-after is a number of seconds (0: never).") }
            if try chatProxies.isEmpty && proxyProtocol {
                throw ValidationError(
                    "--proxy-protocol reads the header only from a --trusted-proxy: name the proxy's address "
                        + "(--trusted-proxy 127.0.0.1), not none.")
            }
            if idleTimeout < 1 { throw ValidationError("--idle-timeout is a number of seconds, at least 1.") }
            if lineTimeout < 1 { throw ValidationError("--line-timeout is a number of seconds, at least 1.") }
            if maxLineLength < 64 { throw ValidationError("--max-line-length must be at least 64 bytes.") }
            if messageBurst < 1 { throw ValidationError("--message-burst must be at least 1.") }
            if messagesPerMinute < 1 { throw ValidationError("--messages-per-minute must be at least 1.") }
            if let staffPort, !(0...65_535).contains(staffPort) {
                throw ValidationError("--staff-port is a TCP port from 1 to 65535 (or 0 for any free port).")
            }
            _ = try Staff.trustedProxies(staffTrustedProxies, option: "--staff-trusted-proxy")
            if staffPort == nil && !staffTrustedProxies.isEmpty {
                throw ValidationError("--staff-trusted-proxy is for the console of --staff-port; add --staff-port.")
            }
            if let metricsPort, !(0...65_535).contains(metricsPort) {
                throw ValidationError("--metrics-port is a TCP port from 1 to 65535 (or 0 for any free port).")
            }
        }

        var serverConfiguration: ServerConfiguration {
            var configuration = ServerConfiguration()
            configuration.host = host
            configuration.textPort = noText ? nil : port
            configuration.jsonPort = noJson ? nil : jsonPort
            configuration.webSocketPort = websocketPort
            configuration.webSocketOrigins = websocketOrigin
            configuration.maximumWebSocketFrameSize = maxFrameSize
            configuration.maximumConnections = maxConnections
            configuration.maximumConnectionsPerAddress = maxConnectionsPerAddress
            configuration.addressGrouping = AddressGrouping(ipv4Prefix: ipv4Prefix, ipv6Prefix: ipv6Prefix)
            configuration.trustedProxies = (try? chatProxies) ?? .loopback
            configuration.proxyProtocol = proxyProtocol
            configuration.silentEvictionAge = evictSilentAfter > 0 ? .seconds(evictSilentAfter) : nil
            configuration.idleTimeout = .seconds(idleTimeout)
            configuration.lineTimeout = .seconds(lineTimeout)
            configuration.maximumLineLength = maxLineLength
            configuration.messageBurst = messageBurst
            configuration.messagesPerMinute = messagesPerMinute
            return configuration
        }

        /// The chat's proxies of `--trusted-proxy`: loopback when none is given, none for `none`.
        var chatProxies: TrustedProxies {
            get throws {
                if trustedProxies.isEmpty { return .loopback }
                if trustedProxies == ["none"] { return .none }
                return try Staff.trustedProxies(trustedProxies, option: "--trusted-proxy")
            }
        }

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.serve", defaultLevel: .info)
            StandardInputWatch.startIfAsked()
            logger.info("opendoor starting", metadata: ["version": "\(OpenDoor.version)"])
            checkFileLimit(logger: logger)
            let metrics = MetricsRegistry()
            metrics.bootstrap()
            // With a console, its health report comes from the same load: the knowledge is read once (QA24 S3-5).
            let loaded = staffPort == nil ? nil : try Staff.loadKnowledge(options, logger: logger)
            let assistant = try loaded?.0 ?? options.loadAssistant()
            if loaded == nil { assistant.knowledge.logLoaded(from: options.directory, logger: logger) }
            let endpoint = try await bindMetrics(metrics, logger: logger)
            let notifier = try notify.notifier(logger: logger)
            // `--save-timings`: one recorder, shared by the server and the store, written once both have stopped.
            let timings = saveTimings.flatMap { $0.isEmpty ? nil : SaveTimings(path: $0) }
            defer { timings?.write() }
            var configuration = serverConfiguration
            configuration.saveTimings = timings
            // One store for the chat and the console (opened once; closed by the chat server when it stops).
            let opened = try await data.openForService(logger: logger, saveTimings: timings)
            let store = NotifyOptions.observe(opened, notifier: notifier)
            let directory = options.directory
            let console = try await staffConsole(store: opened, metrics: metrics, loaded: loaded, logger: logger)
            // A reload (SIGHUP) answers new chats and the console's "try a message" page with the same fresh
            // knowledge, and shows its health there.
            let staff = console?.console
            let server = ChatServer(
                configuration: fittedToFileLimit(configuration, logger: logger), assistant: assistant,
                store: store, logger: logger,
                reloadAssistant: {
                    guard let staff else {
                        let fresh = try Self.loadAssistant(from: directory)
                        fresh.knowledge.logLoaded(from: directory, logger: logger)
                        return fresh
                    }
                    let (fresh, health) = try KnowledgeHealth.load(from: directory)
                    fresh.knowledge.logLoaded(from: directory, logger: logger)
                    staff.replaceKnowledge(with: fresh, health: health)
                    return fresh
                }, metrics: ServerMetrics())
            // Shut down last to first: the staff console and the metrics port, then the chat (no more saves), then
            // the webhook's queue.
            let services: [any Service] = [notifier as (any Service)?, server, endpoint, console?.service]
                .compactMap { $0 }
            var group = ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            // Stopped first: no reopening while the chat closes the store.
            if let watch = StoreFileWatch(opened) { group.services.append(watch.configuration) }
            group.maximumGracefulShutdownDuration = .seconds(10)
            group.maximumCancellationDuration = .seconds(5)
            do {
                try await ServiceGroup(configuration: group).run()
            } catch {
                // Closed here too in case the chat server never ran (a close after its own does nothing).
                try? await opened.close()
                // The chat's own ports say their failures themselves; the console's port is said the same way.
                guard let staffPort,
                    let said = StaffConsole.listenFailure(error, host: "127.0.0.1", port: staffPort, option: "--staff-port")
                else { throw error }
                printError(said)
                throw ExitCode(1)
            }
            try? await opened.close()
        }

        /// Raises the limit on open files to what the system allows, and warns when even that is short of every
        /// connection this server may hold (visitors, the console's and the metrics' caps) with room for the rest.
        private func checkFileLimit(logger: Logger) {
            guard let limit = FileDescriptorLimit.raiseToHard() else { return }
            let staff = staffPort == nil ? 0 : StaffConfiguration().connectionLimits.total
            let metrics = metricsPort == nil ? 0 : MetricsEndpoint.connectionLimits.total
            // The store (a few files, or PostgreSQL's pool of 8), the knowledge, the event loops, the log, and the
            // visitors turned away (each is open while told the chat is full): ChatServer.descriptorReserve.
            let needed = maxConnections + staff + metrics + ChatServer.descriptorReserve
            logger.debug("open file limit", metadata: ["limit": "\(limit)", "needed": "\(needed)"])
            if limit < needed {
                logger.warning(
                    "The open file limit is lower than this server may need: at the limit, new connections wait",
                    metadata: [
                        "limit": "\(limit)", "needed": "\(needed)", "fix": "raise LimitNOFILE (systemd) or ulimit -n",
                    ])
            }
        }

        /// `configuration` with no more visitor connections than the open file limit leaves room for, once the store,
        /// the knowledge and the ports are open (what is open now, the console's and the metrics' caps, and a spare
        /// for event loops, the listening sockets and the "busy" goodbyes): a visitor past that is told the chat is
        /// busy and given the center's number, rather than wait unanswered for a descriptor (QA19 O7).
        private func fittedToFileLimit(_ configuration: ServerConfiguration, logger: Logger) -> ServerConfiguration {
            guard let limit = FileDescriptorLimit.current, let open = FileDescriptorLimit.openCount else {
                return configuration
            }
            let staff = staffPort == nil ? 0 : StaffConfiguration().connectionLimits.total
            let metrics = metricsPort == nil ? 0 : MetricsEndpoint.connectionLimits.total
            let room = max(1, limit - open - staff - metrics - ChatServer.descriptorReserve)
            guard room < configuration.maximumConnections else { return configuration }
            var fitted = configuration
            fitted.maximumConnections = room
            logger.warning(
                "The open file limit leaves room for fewer visitors than --max-connections: past it, visitors are told the chat is busy",
                metadata: [
                    "limit": "\(limit)", "open": "\(open)", "max_connections": "\(configuration.maximumConnections)",
                    "allowed": "\(room)", "fix": "raise LimitNOFILE (systemd) or ulimit -n",
                ])
            return fitted
        }

        /// The staff console of `--staff-port`, showing this process's metrics at /metrics; nil without the option.
        private func staffConsole(
            store: any CallbackAuditStore, metrics: MetricsRegistry, loaded: (Assistant, KnowledgeHealth)?,
            logger: Logger
        ) async throws -> (console: StaffConsole, service: any Service)? {
            guard let staffPort else { return nil }
            var configuration = StaffConfiguration()
            configuration.port = staffPort
            configuration.secureCookies = staffSecureCookies
            configuration.trustedProxies = try Staff.trustedProxies(
                staffTrustedProxies, option: "--staff-trusted-proxy")
            let (console, _) = try await Staff.makeConsole(
                knowledge: options, data: data, configuration: configuration, logger: logger,
                metricsText: metrics.render, loaded: loaded, store: store)
            let host = configuration.host
            let service = console.makeService { port in printError("Staff console at http://\(host):\(port)/") }
            return (console, service)
        }

        /// The `/metrics` endpoint of `--metrics-port`, bound; nil without the option. Exits 1 when the port is taken.
        private func bindMetrics(_ metrics: MetricsRegistry, logger: Logger) async throws -> MetricsEndpoint? {
            guard let metricsPort else { return nil }
            do {
                return try await MetricsEndpoint.bind(port: metricsPort, render: metrics.render, logger: logger)
            } catch {
                printError(
                    "Cannot serve metrics on 127.0.0.1:\(metricsPort): \(ChatServerError.systemReason(error)). "
                        + "Choose another --metrics-port.")
                throw ExitCode(1)
            }
        }

        /// The knowledge and safety rules, for a reload: errors are thrown for the server to log, not printed.
        static func loadAssistant(from directory: URL) throws -> Assistant {
            let knowledge = try Knowledge.load(from: directory)
            let rules = try SafetyRules.load(from: directory.appendingPathComponent("safety.yaml"))
            return Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
        }
    }
}
