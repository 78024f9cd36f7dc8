import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import OpenDoorServer

extension OpenDoor {
    /// `opendoor load`: the socket server under load over real TCP, next to a line-echo server on the same
    /// NIO pipeline, so the ratio shows what the chat costs on top of the socket.
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load-test the socket server over TCP against a line-echo baseline (build with -c release).",
            discussion: """
                Each server runs as a child process (`opendoor serve --json-port <a free port> …`, and a \
                line-echo server on the same NIO pipeline), started fresh for every measurement, so its memory \
                (VmHWM, VmRSS) and CPU time are read from /proc/<pid> on their own. The load generator is this \
                process, on its own NIO event loops; it shares the machine's cores with the server.

                paced      N connections, each sending a message every 1/rate s (open loop); latency counts \
                from when a message was due.
                saturated  each connection sends its next message as soon as the answer arrives.
                idle       connections that are greeted and then send nothing; the server's RSS is reported.

                Floors: paced p99 < 10 ms; saturated chat ≥ 0.5 × echo throughput; idle within 300 MB RSS.
                Example: swift build -c release && .build/release/opendoor load
                """)

        /// The protocol the chat server is loaded through.
        enum LoadProtocol: String, ExpressibleByArgument, CaseIterable {
            case json, text
        }

        /// A load shape.
        enum Phase: String, ExpressibleByArgument, CaseIterable {
            case paced, saturated, idle
        }

        @OptionGroup var options: KnowledgeOptions

        @Option(name: .customLong("protocol"), help: "The chat protocol to load.")
        var chatProtocol = LoadProtocol.json

        @Option(name: .customLong("phase"), help: "A phase to run (repeat for several). Default: all three.")
        var phases: [Phase] = Phase.allCases

        @Option(help: "Paced: connections.")
        var connections = 1000

        @Option(help: "Paced: messages per second per connection.")
        var rate = 20.0

        @Option(help: "Paced: messages per connection (messages / rate = the run's length in seconds).")
        var messages = 200

        @Option(help: "Saturated: connections.")
        var saturatedConnections = 100

        @Option(help: "Saturated: messages per connection.")
        var saturatedMessages = 1000

        @Option(help: "Idle: connections held open.")
        var idleConnections = 10_000

        @Option(help: "Event-loop threads of the load generator.")
        var clientThreads = 1

        @Option(help: "The chat server's log level (default: serve's own, info; debug adds a line per reply).")
        var serverLogLevel: LogOptions.Level?

        @Flag(help: "Exit 1 when a floor is not met.")
        var strict = false

        @Option(help: .hidden)
        var echoServerPort: Int?

        func validate() throws {
            if connections < 1 || saturatedConnections < 1 || idleConnections < 1 {
                throw ValidationError(
                    "--connections, --saturated-connections and --idle-connections must be at least 1.")
            }
            if messages < 1 || saturatedMessages < 1 { throw ValidationError("--messages must be at least 1.") }
            if !(rate > 0) { throw ValidationError("--rate must be above 0 messages per second.") }
            if !(1...16).contains(clientThreads) { throw ValidationError("--client-threads is from 1 to 16.") }
        }

        func run() async throws {
            let fileLimit = LoadBenchmark.raiseFileLimit()
            if let echoServerPort {
                try await EchoServer(port: echoServerPort, logger: Logger(label: "opendoor.echo")).run()
                return
            }
            let needed = max(connections, saturatedConnections, phases.contains(.idle) ? idleConnections : 0)
            if fileLimit < needed + 64 {
                printError("The file limit is \(fileLimit): too low for \(needed) connections. Raise it (ulimit -Hn).")
                throw ExitCode(1)
            }
            let benchmark = try LoadBenchmark(command: self, maximumConnections: needed + 10)
            defer { benchmark.removeData() }
            let group = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
            let met: Bool
            do {
                met = try await benchmark.run(group: group)
            } catch {
                try? await group.shutdownGracefully()
                throw error
            }
            try await group.shutdownGracefully()
            if strict && !met { throw ExitCode(1) }
        }
    }
}

/// The phases of `opendoor load`, each against a fresh echo server and a fresh chat server.
private struct LoadBenchmark {
    /// Which server a measurement is of.
    enum Server: String {
        case echo, chat
    }

    let command: OpenDoor.Load
    let executable: String
    let data: URL
    let maximumConnections: Int

    init(command: OpenDoor.Load, maximumConnections: Int) throws {
        self.command = command
        self.maximumConnections = maximumConnections
        executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        data = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-load-\(UUID().uuidString)")
    }

    func removeData() {
        try? FileManager.default.removeItem(at: data)
    }

    /// Raises the soft limit on open files to the hard limit (child processes inherit it); returns the limit.
    static func raiseFileLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Runs the chosen phases and prints what they measured; true when every floor was met.
    func run(group: MultiThreadedEventLoopGroup) async throws -> Bool {
        var buildNote = ""
        #if DEBUG
            buildNote = " — DEBUG BUILD, figures mean little: build with -c release"
        #endif
        print("opendoor load: \(command.chatProtocol.rawValue) protocol\(buildNote)")
        print(
            "servers: child processes, fresh for each measurement; chat = opendoor serve "
                + (command.serverLogLevel.map { "--log-level \($0.rawValue) " } ?? "(default log level) ")
                + "--max-connections \(maximumConnections) (rate limits raised); memory and CPU from /proc/<pid>; "
                + "\(Self.serverThreads) event-loop thread(s) each")
        print(
            "client: this process, \(command.clientThreads) NIO event-loop thread(s); "
                + "\(ProcessInfo.processInfo.activeProcessorCount) cores shared; load average \(Self.loadAverage())")
        var met = true
        for phase in OpenDoor.Load.Phase.allCases where command.phases.contains(phase) {
            print("")
            switch phase {
            case .paced: met = try await paced(group: group) && met
            case .saturated: met = try await saturated(group: group) && met
            case .idle: met = try await idle(group: group) && met
            }
        }
        print("")
        print("load average at the end: \(Self.loadAverage())")
        return met
    }

    // MARK: - Phases

    private func paced(group: MultiThreadedEventLoopGroup) async throws -> Bool {
        let offered = Double(command.connections) * command.rate
        let seconds = Double(command.messages) / command.rate
        print(
            "paced: \(command.connections) connections × \(command.messages) messages at "
                + "\(Self.number(command.rate))/s each (\(Self.number(offered)) msg/s offered, open loop, "
                + "\(Self.number(seconds)) s)")
        let generator = LoadGenerator(
            group: group, connections: command.connections, messagesPerConnection: command.messages,
            shape: .paced(perSecond: command.rate))
        print(Self.header)
        let echo = try await measure(.echo, with: generator)
        let chat = try await measure(.chat, with: generator)
        let p99 = chat.result.latency.p99
        let met = p99 < 10 && chat.result.failedConnections == 0 && chat.result.errors == 0
        let note = command.connections == 1000 && command.rate == 20 ? "" : " (the floor is for 1000 × 20/s)"
        print(
            "  floor: chat p99 < 10 ms\(note): "
                + "\(met ? "met" : "NOT MET") "
                + "(p99 \(Self.number(p99)) ms; echo \(Self.number(echo.result.latency.p99)) ms)")
        return met
    }

    private func saturated(group: MultiThreadedEventLoopGroup) async throws -> Bool {
        print(
            "saturated: \(command.saturatedConnections) connections × \(command.saturatedMessages) messages, "
                + "each sent when the answer to the one before arrives")
        let generator = LoadGenerator(
            group: group, connections: command.saturatedConnections, messagesPerConnection: command.saturatedMessages,
            shape: .saturated)
        print(Self.header)
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
        print("idle: \(count) connections, greeted, then silent; server memory after 2 s")
        let widths = [6, 5, 10, 10, 14, 10, 7, 10]
        print(
            Self.row(
                ["server", "load1", "RSS before", "RSS idle", "per conn.", "peak RSS", "threads", "still open"], widths)
        )
        var chatPeak = 0
        var met = true
        for server in [Server.echo, .chat] {
            let (process, port) = try await launch(server)
            let before = process.status()
            let load = Self.loadAverage(minutes: 1)
            let generator = LoadGenerator(group: group, connections: count, messagesPerConnection: 0, shape: .saturated)
            let connections: IdleConnections
            do {
                connections = try await generator.openIdle(count, to: target(server, port: port))
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

    // MARK: - Measuring

    private struct Measurement {
        var result: LoadResult
    }

    /// Runs `generator` against a fresh server and prints one row.
    private func measure(_ server: Server, with generator: LoadGenerator) async throws -> Measurement {
        let (process, port) = try await launch(server)
        let load = Self.loadAverage(minutes: 1)
        let before = process.status()
        let clientBefore = ProcessStatus.current()
        let machineBefore = ProcessStatus.machineBusyTime()
        let started = ContinuousClock.now
        let result: LoadResult
        do {
            result = try await generator.run(against: target(server, port: port), messages: messages(for: server))
        } catch {
            await process.stop()
            throw error
        }
        let after = process.status()
        let clientAfter = ProcessStatus.current()
        let machineAfter = ProcessStatus.machineBusyTime()
        let wall = ContinuousClock.now - started
        await process.stop()
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
            "\(result.errors)/\(result.failedConnections)", perMessage(serverCPU), perMessage(clientCPU),
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

    /// Starts a fresh server of the kind asked for and waits until it accepts connections.
    private func launch(_ server: Server) async throws -> (ServerProcess, Int) {
        let port = try ServerProcess.freePort()
        let arguments: [String]
        switch server {
        case .echo:
            arguments = ["load", "--echo-server-port", "\(port)"]
        case .chat:
            let listen =
                command.chatProtocol == .json
                ? ["--no-text", "--json-port", "\(port)"] : ["--no-json", "--port", "\(port)"]
            arguments =
                [
                    "serve", "--knowledge", command.options.directory.path, "--data", data.path,
                    "--max-connections", "\(maximumConnections)",
                    "--message-burst", "1000000", "--messages-per-minute", "1000000000",
                ] + (command.serverLogLevel.map { ["--log-level", $0.rawValue] } ?? []) + listen
        }
        let process = try ServerProcess.launch(executable, arguments: arguments)
        do {
            try await process.waitUntilAccepting(port: port)
        } catch {
            await process.stop()
            throw error
        }
        return (process, port)
    }

    private func target(_ server: Server, port: Int) -> LoadGenerator.Target {
        let framing: LoadFraming = server == .chat && command.chatProtocol == .text ? .blankLine : .lines
        return LoadGenerator.Target(port: port, framing: framing)
    }

    /// The same bytes go to both servers: the echo server sends them back as they are.
    private func messages(for server: Server) -> [String] {
        command.chatProtocol == .json ? LoadGenerator.jsonLines() : LoadGenerator.textLines()
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

    static func seconds(_ duration: Duration) -> Double {
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
    static func row(_ cells: [String], _ widths: [Int]) -> String {
        "  " + zip(cells, widths).map { pad($0, $1) }.joined(separator: "  ")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }
}
