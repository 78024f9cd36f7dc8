import Foundation
import NIOCore
import NIOPosix
import OpenDoorServer

/// The phases of `opendoor load`, each against a fresh echo server and a fresh chat server.
public struct LoadBenchmark: Sendable {
    /// Which server a measurement is of.
    enum Server: String {
        case echo, chat
    }

    /// What to run.
    public struct Configuration: Sendable {
        /// The chat protocol the chat server is loaded through.
        public var chatProtocol: ChatProtocol = .jsonLines
        /// The phases to run, in the order of ``Phase``.
        public var phases: [Phase] = [.paced, .saturated, .idle]
        /// Paced: connections.
        public var connections = 1000
        /// Paced: messages per second per connection.
        public var rate = 20.0
        /// Paced: messages per connection.
        public var messages = 200
        /// Saturated: connections.
        public var saturatedConnections = 100
        /// Saturated: messages per connection.
        public var saturatedMessages = 1000
        /// Idle: connections held open.
        public var idleConnections = 10_000
        /// Worst: messages of each kind.
        public var worstMessages = 400
        /// Event-loop threads of the load generator.
        public var clientThreads = 1
        /// The chat server's `--log-level`, or nil for its default.
        public var serverLogLevel: String?
        /// The knowledge folder the chat server loads.
        public var knowledgeDirectory: URL
        /// A chat server (or a load balancer in front of several) already running, driven instead of
        /// starting one: its CPU time and memory are not known here.
        public var target: (host: String, port: Int)?
        /// The callback store of the chat server started here (`postgres://…`): its `--store`. Nil for a
        /// SQLite folder of the benchmark's own.
        public var store: String?
        /// Paced: the share of connections that are visitors who ask for a call and confirm it, one request per
        /// connection, again on a new connection for as long as their messages last (JSON lines only); their
        /// confirmations are timed on their own.
        public var callbackShare = 0.05
        /// Called before the chat server's paced run when its store is a database server of its own: returns what
        /// to call after the run (the server stopped) for a line on what the database's disk flushes cost meanwhile
        /// (PostgreSQL's WAL syncs), printed under the saves.
        public var storeReport: (@Sendable () async -> @Sendable () async -> String)?
        /// Text of the answer that says a request was saved (the knowledge's `saved` sentence up to the
        /// reference code).
        public var savedMarker = "Your reference is"

        /// The defaults, with the knowledge in `knowledgeDirectory`.
        public init(knowledgeDirectory: URL) {
            self.knowledgeDirectory = knowledgeDirectory
        }
    }

    /// A load shape.
    public enum Phase: String, Sendable, CaseIterable {
        /// Many connections, each sending at a steady rate (open loop).
        case paced
        /// Each connection sends its next message as soon as the answer arrives.
        case saturated
        /// Connections greeted and then silent: what they cost in memory.
        case idle
        /// The costliest messages within the line limit, one kind at a time, each answer timed.
        case worst
    }

    let command: Configuration
    let executable: String
    let data: URL
    let maximumConnections: Int

    /// A benchmark of `configuration`; the servers it starts allow `maximumConnections`.
    public init(_ configuration: Configuration, maximumConnections: Int) throws {
        self.command = configuration
        self.maximumConnections = maximumConnections
        executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        data = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-load-\(UUID().uuidString)")
    }

    /// Removes the chat servers' data folder.
    public func removeData() {
        try? FileManager.default.removeItem(at: data)
    }

    /// Raises the soft limit on open files to the hard limit (child processes inherit it); returns the limit.
    public static func raiseFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Where the chat server under load is, for messages.
    private var chatServerNote: String {
        if let target = command.target { return "the running server at \(target.host):\(target.port)" }
        return "opendoor serve "
            + (command.store.map { _ in "--store postgres://… " } ?? "")
            + (command.serverLogLevel.map { "--log-level \($0) " } ?? "(default log level) ")
            + "--max-connections \(maximumConnections) (rate limits raised)"
    }

    /// Runs the chosen phases and prints what they measured; true when every floor was met. Throws after printing
    /// everything when callback requests that visitors confirmed were not saved: that is a fault, not a floor.
    public func run(group: MultiThreadedEventLoopGroup) async throws -> Bool {
        var buildNote = ""
        #if DEBUG
            buildNote = " — DEBUG BUILD, figures mean little: build with -c release"
        #endif
        print("opendoor load: \(command.chatProtocol) protocol\(buildNote)")
        print(
            "servers: child processes, fresh for each measurement; chat = \(chatServerNote); "
                + "memory and CPU from /proc/<pid>; \(Self.serverThreads) event-loop thread(s) each")
        print(
            "client: this process, \(command.clientThreads) NIO event-loop thread(s); "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores shared; load average \(Self.loadAverage())")
        var met = true
        var lostSaves = 0
        for phase in Phase.allCases where command.phases.contains(phase) {
            print("")
            switch phase {
            case .paced: met = try await paced(group: group, lostSaves: &lostSaves) && met
            case .saturated: met = try await saturated(group: group) && met
            case .idle: met = try await idle(group: group) && met
            case .worst: met = try await worst(group: group) && met
            }
        }
        print("")
        print("load average at the end: \(Self.loadAverage())")
        if lostSaves > 0 {
            throw LoadGenerator.Failure(
                description: "\(lostSaves) callback request(s) confirmed under the paced load were not saved")
        }
        return met
    }

    // MARK: - Phases

    private func paced(group: MultiThreadedEventLoopGroup, lostSaves: inout Int) async throws -> Bool {
        let offered = Double(command.connections) * command.rate
        let seconds = Double(command.messages) / command.rate
        print(
            "paced: \(command.connections) connections × \(command.messages) messages at "
                + "\(Self.number(command.rate))/s each (\(Self.number(offered)) msg/s offered, open loop, "
                + "\(Self.number(seconds)) s)")
        let generator = LoadGenerator(
            group: group, connections: command.connections, messagesPerConnection: command.messages,
            shape: .paced(perSecond: command.rate))
        let callbacks = pacedCallbacks
        if let callbacks {
            print(
                "  \(Self.number(callbacks.share * 100))% of the connections are visitors who ask for a call and "
                    + "confirm it (\(callbacks.script.count) messages), hang up and connect again for the next: "
                    + "\(callbacks.requests(in: command.messages)) requests each, each a new conversation")
        }
        print(Self.header)
        let echo = try await measure(.echo, with: generator, callbacks: callbacks)
        let report = await command.storeReport?()
        // The chat server writes where its saves spent their time (its `--save-timings`) when it stops.
        let timingsPath = callbacks != nil && command.store != nil && command.target == nil
            ? FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-save-timings-\(UUID().uuidString)").path
            : nil
        let chat = try await measure(.chat, with: generator, callbacks: callbacks, saveTimings: timingsPath)
        let storeLine = await report?()
        let timings = timingsPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        if let timingsPath { try? FileManager.default.removeItem(atPath: timingsPath) }
        let p99 = chat.result.latency.p99
        var met = p99 < 10 && chat.result.failedConnections == 0 && chat.result.errors == 0
        let note = command.connections == 1000 && command.rate == 20 ? "" : " (the floor is for 1000 × 20/s)"
        print(
            "  floor: chat p99 < 10 ms\(note): "
                + "\(met ? "met" : "NOT MET") "
                + "(p99 \(Self.number(p99)) ms; echo \(Self.number(echo.result.latency.p99)) ms)")
        if callbacks != nil {
            met = savesMet(chat.result, note: note, timings: timings) && met
            if let storeLine { print("  \(storeLine)") }
            if let timings {
                print("  the saves in the chat server, by phase (count, p50, p99, max):")
                for line in timings.split(separator: "\n") { print("    \(line)") }
            }
            lostSaves += chat.result.savesExpected - chat.result.saveLatency.samples
        }
        return met
    }

    /// The callback requests of a paced run, when asked for and the protocol can show them.
    private var pacedCallbacks: LoadGenerator.Callbacks? {
        guard command.callbackShare > 0, command.chatProtocol == .jsonLines else { return nil }
        return LoadGenerator.Callbacks(
            script: LoadGenerator.Callbacks.shippedScript, share: command.callbackShare,
            savedMarker: command.savedMarker)
    }

    /// Prints the confirmed saves' latencies, and the PostgreSQL floor when the store is PostgreSQL. Every
    /// request confirmed must be saved: any that wasn't is a failure of the run, not a missed floor.
    ///
    /// With the chat server's `timings`, the store's own save (from the call of `save` to its return: the database's
    /// part, without the confirming message's wait for its turn in the chat) is printed beside the visitor's figure:
    /// on a saturated machine the two differ by the chat's backlog.
    private func savesMet(_ result: LoadResult, note: String, timings: String? = nil) -> Bool {
        let saves = result.saveLatency
        print(
            "  saves: \(result.savesExpected) requests confirmed by visitors: \(saves.samples) told \"saved\", "
                + "\(result.savesNotConfirmed) answered otherwise, \(result.savesUnanswered) not answered")
        print(
            "  save latency, from the confirming message to \"saved\": p50 \(Self.number(saves.p50)) ms, "
                + "p99 \(Self.number(saves.p99)) ms, p99.9 \(Self.number(saves.p999)) ms, "
                + "max \(Self.number(saves.max)) ms")
        let confirmed = saves.samples > 0 && saves.samples == result.savesExpected
        if !confirmed {
            print(
                "  SAVES FAILED: \(result.savesExpected - saves.samples) of \(result.savesExpected) requests that "
                    + "should have been saved were not told \"saved\"")
        }
        guard command.store.map(Self.isPostgres) == true else { return confirmed }
        let met = confirmed && saves.p99 <= 10
        print(
            "  floor: saving to PostgreSQL p99 ≤ 10 ms\(note): \(met ? "met" : "NOT MET") "
                + "(p99 \(Self.number(saves.p99)) ms over \(saves.samples) saves, as the visitor waits)")
        if let inside = timings.flatMap(Self.storeTotal) {
            print(
                "  the store's own save (inside save, without the wait for the chat): p50 \(inside.p50) ms, "
                    + "p99 \(inside.p99) ms: \((Double(inside.p99) ?? .infinity) <= 10 ? "within" : "over") 10 ms")
        }
        return met
    }

    /// The p50 and p99 of the "store total" line of a chat server's save timings (``SaveTimings/summary()``).
    static func storeTotal(_ timings: String) -> (p50: String, p99: String)? {
        guard let line = timings.split(separator: "\n").first(where: { $0.hasPrefix("store total:") })
        else { return nil }
        func value(after label: String) -> String? {
            guard let range = line.range(of: label) else { return nil }
            return line[range.upperBound...].split(separator: " ").first.map(String.init)
        }
        guard let p50 = value(after: "p50 "), let p99 = value(after: "p99 ") else { return nil }
        return (p50, p99)
    }

    static func isPostgres(_ store: String) -> Bool {
        store.hasPrefix("postgres://") || store.hasPrefix("postgresql://")
    }

    private func saturated(group: MultiThreadedEventLoopGroup) async throws -> Bool {
        print(
            "saturated: \(command.saturatedConnections) connections × \(command.saturatedMessages) messages, "
                + "each sent when the answer to the one before arrives")
        let generator = LoadGenerator(
            group: group, connections: command.saturatedConnections, messagesPerConnection: command.saturatedMessages,
            shape: .saturated)
        print(Self.header)
        guard command.target == nil else {
            // A running server (behind a proxy, say) is not one local process beside a local echo server: the floor
            // doesn't apply. Issue 12's ratio is two runs' throughputs, through the proxy and directly.
            let chat = try await measure(.chat, with: generator)
            let met = chat.result.failedConnections == 0 && chat.result.errors == 0
            print(
                "  floor: chat ≥ 0.5 × echo throughput: not applied to --target (no local echo server to compare "
                    + "with); \(Self.number(chat.result.answersPerSecond)) answers/s, "
                    + "\(met ? "no errors" : "ERRORS OR FAILED CONNECTIONS")")
            return met
        }
        let echo = try await measure(.echo, with: generator)
        let chat = try await measure(.chat, with: generator)
        let ratio = chat.result.answersPerSecond / max(1, echo.result.answersPerSecond)
        let met = ratio >= 0.5 && chat.result.failedConnections == 0 && chat.result.errors == 0
        print(
            "  floor: chat ≥ 0.5 × echo throughput: \(met ? "met" : "NOT MET") (chat/echo = \(Self.number(ratio)))")
        return met
    }

    private func idle(group: MultiThreadedEventLoopGroup) async throws -> Bool {
        let count = command.idleConnections
        guard command.target == nil else {
            print("idle: skipped, it reads the server's memory, which a running server's --target doesn't give")
            return true
        }
        print("idle: \(count) connections, greeted, then silent; server memory after 2 s")
        let widths = [6, 5, 10, 10, 14, 10, 7, 10]
        print(
            Self.row(
                ["server", "load1", "RSS before", "RSS idle", "per conn.", "peak RSS", "threads", "still open"], widths)
        )
        var chatPeak = 0
        var met = true
        for server in [Server.echo, .chat] {
            let (launched, serverTarget) = try await launch(server)
            guard let process = launched else { continue }
            let before = process.status()
            let load = Self.loadAverage(minutes: 1)
            let generator = LoadGenerator(group: group, connections: count, messagesPerConnection: 0, shape: .saturated)
            let connections: IdleConnections
            do {
                connections = try await generator.openIdle(count, to: serverTarget)
            } catch {
                await process.stop()
                throw error
            }
            try await Task.sleep(for: .seconds(2))
            let after = process.status()
            let open = await connections.stillOpen()
            await connections.close()
            await process.stop()
            guard let before, let after else {
                throw ServerProcess.Failure(description: "cannot read /proc for \(server)")
            }
            let perConnection = Double(after.residentBytes - before.residentBytes) / Double(count)
            let cells = [
                server.rawValue, load, Self.mebibytes(before.residentBytes), Self.mebibytes(after.residentBytes),
                Self.number(perConnection / 1024) + " KiB", Self.mebibytes(after.peakResidentBytes), "\(after.threads)",
                "\(open)",
            ]
            print(Self.row(cells, widths))
            if server == .chat {
                chatPeak = after.peakResidentBytes
                met = open == count
            }
        }
        met = met && chatPeak <= 300_000_000
        print(
            "  floor: \(count) idle chat connections within 300 MB: \(met ? "met" : "NOT MET") "
                + "(peak \(Self.number(Double(chatPeak) / 1e6)) MB)")
        return met
    }

    /// Each worst-case kind against one chat server: 4 connections at 25 messages/s each, every answer timed.
    private func worst(group: MultiThreadedEventLoopGroup) async throws -> Bool {
        let perConnection = max(1, command.worstMessages / 4)
        print(
            "worst: the costliest messages within the \(ServerConfiguration().maximumLineLength)-byte line limit, "
                + "one kind at a time; 4 connections × \(perConnection) messages at 25/s each, one chat server")
        let widths = [26, 6, 7, 7, 7, 8]
        print(Self.row(["kind", "bytes", "p50 ms", "p99 ms", "max ms", "err/fail"], widths))
        let (process, chatTarget) = try await launch(.chat)
        var slowest = 0.0
        var failed = false
        do {
            for (kind, text) in WorstCaseMessages.all(maximumLineBytes: ServerConfiguration().maximumLineLength) {
                let generator = LoadGenerator(
                    group: group, connections: 4, messagesPerConnection: perConnection, shape: .paced(perSecond: 25))
                let lines =
                    command.chatProtocol == .jsonLines ? LoadGenerator.jsonLines([text]) : LoadGenerator.textLines([text])
                let result = try await generator.run(against: chatTarget, messages: lines)
                slowest = max(slowest, result.latency.p99)
                failed = failed || result.errors > 0 || result.failedConnections > 0
                print(
                    Self.row(
                        [
                            kind, "\(lines[0].utf8.count - 1)", Self.number(result.latency.p50),
                            Self.number(result.latency.p99), Self.number(result.latency.max),
                            "\(result.errors)/\(result.failedConnections)",
                        ], widths))
            }
        } catch {
            await process?.stop()
            throw error
        }
        let status = await process?.stop() ?? 0
        let met = slowest < 5 && !failed && status == 0
        print(
            "  floor: every kind answered in p99 < 5 ms, no errors, clean exit: \(met ? "met" : "NOT MET") "
                + "(slowest p99 \(Self.number(slowest)) ms; server exit status \(status))")
        return met
    }

    // MARK: - Measuring

    private struct Measurement {
        var result: LoadResult
    }

    /// Runs `generator` against a fresh server (or the running one of ``Configuration/target``) and prints
    /// one row.
    private func measure(
        _ server: Server, with generator: LoadGenerator, callbacks: LoadGenerator.Callbacks? = nil,
        saveTimings: String? = nil
    ) async throws -> Measurement {
        let (process, serverTarget) = try await launch(server, saveTimings: saveTimings)
        let load = Self.loadAverage(minutes: 1)
        let before = process?.status()
        let clientBefore = ProcessStatus.current()
        let machineBefore = ProcessStatus.machineBusyTime()
        let started = ContinuousClock.now
        let result: LoadResult
        do {
            result = try await generator.run(
                against: serverTarget, messages: messages(for: server), callbacks: callbacks)
        } catch {
            await process?.stop()
            throw error
        }
        let after = process?.status()
        let clientAfter = ProcessStatus.current()
        let machineAfter = ProcessStatus.machineBusyTime()
        let wall = ContinuousClock.now - started
        await process?.stop()
        let serverCPU = (after?.cpuTime ?? .zero) - (before?.cpuTime ?? .zero)
        let clientCPU = (clientAfter?.cpuTime ?? .zero) - (clientBefore?.cpuTime ?? .zero)
        // What other processes used, as a share of every core over the measurement.
        let machineCPU = (machineAfter ?? .zero) - (machineBefore ?? .zero)
        let others =
            Self.seconds(machineCPU - serverCPU - clientCPU)
            / (Self.seconds(wall) * Double(ProcessInfo.processInfo.activeProcessorCount))
        let perMessage = { (cpu: Duration) in Self.number(Self.seconds(cpu) * 1e6 / Double(max(1, result.answers))) }
        let cells = [
            server.rawValue, load, Self.number(result.answersPerSecond), Self.number(result.latency.p50),
            Self.number(result.latency.p99), Self.number(result.latency.p999), Self.number(result.latency.max),
            "\(result.errors)/\(result.failedConnections)", process == nil ? "?" : perMessage(serverCPU),
            perMessage(clientCPU),
            after.map { Self.mebibytes($0.peakResidentBytes) } ?? "?", String(format: "%.0f%%", max(0, others) * 100),
        ]
        print(Self.row(cells, Self.widths))
        return Measurement(result: result)
    }

    private static let widths = [6, 5, 9, 7, 7, 8, 7, 8, 13, 13, 10, 6]
    private static let header = row(
        [
            "server", "load1", "answers/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "err/fail", "server µs/msg",
            "client µs/msg", "peak RSS", "others",
        ], widths)

    /// Starts a fresh server of the kind asked for and waits until it accepts connections; for the chat
    /// server with a ``Configuration/target``, starts nothing and returns the target. A chat server given `saveTimings`
    /// writes where its saves spent their time to that file when it stops.
    private func launch(
        _ server: Server, saveTimings: String? = nil
    ) async throws -> (ServerProcess?, LoadGenerator.Target) {
        if server == .chat, let running = command.target {
            let framing: LoadFraming = command.chatProtocol == .text ? .blankLine : .lines
            return (nil, LoadGenerator.Target(host: running.host, port: running.port, framing: framing))
        }
        let port = try ServerProcess.freePort()
        let arguments: [String]
        switch server {
        case .echo:
            arguments = ["load", "--echo-server-port", "\(port)"]
        case .chat:
            let listen =
                command.chatProtocol == .jsonLines
                ? ["--no-text", "--json-port", "\(port)"] : ["--no-json", "--port", "\(port)"]
            arguments =
                [
                    "serve", "--knowledge", command.knowledgeDirectory.path,
                    command.store == nil ? "--data" : "--store", command.store ?? data.path,
                    "--max-connections", "\(maximumConnections)",
                    "--message-burst", "1000000", "--messages-per-minute", "1000000000",
                ] + (command.serverLogLevel.map { ["--log-level", $0] } ?? [])
                + (saveTimings.map { ["--save-timings", $0] } ?? []) + listen
        }
        let process = try ServerProcess.launch(executable, arguments: arguments)
        do {
            try await process.waitUntilAccepting(port: port)
        } catch {
            await process.stop()
            throw error
        }
        return (process, target(server, port: port))
    }

    private func target(_ server: Server, port: Int) -> LoadGenerator.Target {
        let framing: LoadFraming = server == .chat && command.chatProtocol == .text ? .blankLine : .lines
        return LoadGenerator.Target(port: port, framing: framing)
    }

    /// The same bytes go to both servers: the echo server sends them back as they are.
    private func messages(for server: Server) -> [String] {
        command.chatProtocol == .jsonLines ? LoadGenerator.jsonLines() : LoadGenerator.textLines()
    }

    // MARK: - Formatting

    /// The servers' event-loop threads: NIO's singleton group, one per core unless
    /// `NIO_SINGLETON_GROUP_LOOP_COUNT` (inherited by the child processes) says otherwise.
    static var serverThreads: String {
        ProcessInfo.processInfo.environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] ?? "\(System.coreCount)"
    }

    static func loadAverage(minutes: Int? = nil) -> String {
        let fields = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ")
        guard fields.count >= 3 else { return "?" }
        if minutes == 1 { return String(fields[0]) }
        return fields[0..<3].joined(separator: " ")
    }

    package static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func number(_ value: Double) -> String {
        if value >= 1000 { return String(format: "%.0f", value) }
        if value >= 100 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    static func mebibytes(_ bytes: Int) -> String {
        String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }

    /// One table row: each cell right-aligned in its width.
    package static func row(_ cells: [String], _ widths: [Int]) -> String {
        "  " + zip(cells, widths).map { pad($0, $1) }.joined(separator: "  ")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
