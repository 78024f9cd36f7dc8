import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import OpenDoorKit
import OpenDoorLoad
import OpenDoorPostgres
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
                worst      the costliest messages within the line limit, one kind at a time (longest word, \
                longest line, most words, most misspelled words, most digits, most emoji …), each answer timed.

                In the paced phase 5% of the connections (--callback-share) ask for a call and confirm it, again \
                and again: the time from each confirming message to "saved" is reported on its own (p50, p99).

                --target HOST:PORT drives a chat server already running (several behind HAProxy, say) instead \
                of starting one; --store postgres://… makes the chat server started here save to PostgreSQL, and \
                the paced phase then prints the database's synchronous_commit and fsync settings and its WAL syncs \
                during the chat run, with their mean time when track_wal_io_timing is on (Scripts/postgres turns it \
                on): every save waits for one, so a slow disk shows there. It then also prints where the server's \
                saves spent their time (waiting for a task, for a pooled connection, BEGIN, INSERT and COMMIT, the \
                way back to the visitor), and warns when PostgreSQL is scheduled otherwise than this command (run \
                under `chrt -f 50`, start PostgreSQL under it too).

                Floors: paced p99 < 10 ms; saturated chat ≥ 0.5 × echo throughput; idle within 300 MB RSS; \
                worst p99 < 5 ms for every kind; with --store postgres://…, saving p99 ≤ 10 ms.
                Example: swift build -c release && .build/release/opendoor load
                docs/DEPLOYMENT.md measures HAProxy and PostgreSQL with it.
                """)

        /// The protocol the chat server is loaded through.
        enum LoadProtocol: String, ExpressibleByArgument, CaseIterable {
            case json, text
        }


        @OptionGroup var options: KnowledgeOptions

        @Option(name: .customLong("protocol"), help: "The chat protocol to load.")
        var chatProtocol = LoadProtocol.json

        @Option(
            name: .customLong("phase"), help: "A phase to run (repeat for several). Default: paced, saturated, idle.")
        var phases: [LoadBenchmark.Phase] = [.paced, .saturated, .idle]

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

        @Option(help: "Worst: messages of each worst-case kind (sent by 4 connections at 25/s each).")
        var worstMessages = 400

        @Option(help: "Paced: the share of connections that ask for a call and confirm it (0 for none).")
        var callbackShare = 0.05

        @Option(
            help: ArgumentHelp(
                "Drive this running chat server (or load balancer) instead of starting one.", valueName: "host:port"))
        var target: String?

        @Option(
            help: ArgumentHelp(
                "The callback store of the chat server started here, postgres://USER@HOST:PORT/DB (default: a "
                    + "temporary SQLite folder).", valueName: "url"))
        var store: String?

        @Option(help: "Event-loop threads of the load generator.")
        var clientThreads = 1

        @Option(help: "The chat server's log level (default: serve's own, info; debug adds a line per reply).")
        var serverLogLevel: LogOptions.Level?

        @Flag(
            help: """
                Time the worst-case kinds in this process instead, starting no server: each kind's \
                Conversation.receive and its parts (crisis check, matcher, phone search, words), to find which \
                part a slow kind spends its time in.
                """)
        var inProcess = false

        @Option(help: .hidden)
        var kind: String?

        /// Tab-separated files whose messages (after the last tab) are each sent to a fresh conversation: one
        /// checksum of every reply per file, and one for the worst-case kinds, to compare builds (no message shown).
        @Option(parsing: .upToNextOption, help: .hidden)
        var replyDigest: [String] = []

        @Flag(help: "Exit 1 when a floor is not met.")
        var strict = false

        @Option(help: .hidden)
        var echoServerPort: Int?

        func validate() throws {
            if connections < 1 || saturatedConnections < 1 || idleConnections < 1 {
                throw ValidationError(
                    "--connections, --saturated-connections and --idle-connections must be at least 1.")
            }
            if messages < 1 || saturatedMessages < 1 || worstMessages < 1 {
                throw ValidationError("--messages, --saturated-messages and --worst-messages must be at least 1.")
            }
            if !(rate > 0) { throw ValidationError("--rate must be above 0 messages per second.") }
            if !(1...16).contains(clientThreads) { throw ValidationError("--client-threads is from 1 to 16.") }
            if !(0...1).contains(callbackShare) { throw ValidationError("--callback-share is from 0 to 1.") }
            if target != nil {
                _ = try targetAddress()
                if phases.contains(.idle) && phases.count == 1 {
                    throw ValidationError("--phase idle reads the server's memory; it can't with --target.")
                }
                if store != nil {
                    throw ValidationError("--store is for the server started here; with --target none is started.")
                }
            }
            if let store {
                _ = try StoreLocation(store, origin: "--store")
            }
        }

        /// `--target` as host and port.
        func targetAddress() throws -> (host: String, port: Int)? {
            guard let target else { return nil }
            guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
                (1...65_535).contains(port), colon != target.startIndex
            else {
                throw ValidationError("--target is HOST:PORT, like 127.0.0.1:7461.")
            }
            return (String(target[..<colon]), port)
        }

        func run() async throws {
            let fileLimit = LoadBenchmark.raiseFileLimit()
            if let echoServerPort {
                try await EchoServer(port: echoServerPort, logger: Logger(label: "opendoor.echo")).run()
                return
            }
            if !replyDigest.isEmpty {
                ReplyDigest.run(try options.loadAssistant(), files: replyDigest)
                return
            }
            if inProcess {
                WorstCaseTiming.run(try options.loadAssistant(), rounds: max(1, worstMessages / 4), only: kind)
                return
            }
            let needed = max(connections, saturatedConnections, phases.contains(.idle) ? idleConnections : 0)
            if fileLimit < needed + 64 {
                printError("The file limit is \(fileLimit): too low for \(needed) connections. Raise it (ulimit -Hn).")
                throw ExitCode(1)
            }
            var configuration = self.configuration
            configuration.target = try targetAddress()
            configuration.savedMarker = try savedMarker()
            // Visitors who ask for calls connect again for each request: room for a connection the server has not
            // seen close yet.
            let reconnecting = Int((Double(connections) * callbackShare).rounded(.up))
            let benchmark = try LoadBenchmark(configuration, maximumConnections: needed + reconnecting + 10)
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

extension OpenDoor.Load {
    /// The knowledge's `saved` sentence up to the reference code, as the JSON-lines protocol writes it: what
    /// shows that a confirmed request was saved.
    func savedMarker() throws -> String {
        let sentence = try options.load().dialogue.messages[.saved] ?? ""
        let prefix = sentence.components(separatedBy: "{").first ?? sentence
        let encoded = (try? JSONEncoder().encode(prefix)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        return String(encoded.dropFirst().dropLast())
    }

    /// The options as the benchmark takes them.
    var configuration: LoadBenchmark.Configuration {
        var configuration = LoadBenchmark.Configuration(knowledgeDirectory: options.directory)
        configuration.chatProtocol = chatProtocol == .json ? .jsonLines : .text
        configuration.phases = phases
        configuration.connections = connections
        configuration.rate = rate
        configuration.messages = messages
        configuration.saturatedConnections = saturatedConnections
        configuration.saturatedMessages = saturatedMessages
        configuration.idleConnections = idleConnections
        configuration.worstMessages = worstMessages
        configuration.clientThreads = clientThreads
        configuration.serverLogLevel = serverLogLevel?.rawValue
        configuration.callbackShare = callbackShare
        configuration.store = store
        if let store, let url = try? PostgresStoreURL(store) {
            configuration.storeReport = {
                let before = try? await PostgresWALStatistics.read(url)
                return {
                    guard let before, let after = try? await PostgresWALStatistics.read(url, afterOthersLeave: true)
                    else { return "PostgreSQL's WAL statistics (pg_stat_wal, PostgreSQL 14 or later) could not be read" }
                    let scheduling = after.backendPID.flatMap { Scheduling.mismatch(database: $0) }
                    return after.summary(since: before) + (scheduling.map { "\n  WARNING: " + $0 } ?? "")
                }
            }
        }
        return configuration
    }
}

extension LoadBenchmark.Phase: ExpressibleByArgument {}

/// `opendoor load --in-process`: each worst-case kind timed in this process, whole and by part.
enum WorstCaseTiming {
    /// Times `rounds` messages of each kind (each to a fresh conversation, as a server's first message) and
    /// prints p50, p99 and max of `Conversation.receive`, and the p50 of its costly parts on their own; then
    /// p50 and p99 of the same message sent `rounds` times to one conversation, as `--phase worst`'s
    /// connections send it (after the first, a phone number has started a callback request).
    static func run(_ assistant: Assistant, rounds: Int, only filter: String? = nil) {
        var logger = Logger(label: "opendoor.load")
        logger.logLevel = .critical
        let limit = ServerConfiguration().maximumLineLength
        print("worst, in process: \(rounds) messages of each kind, each to a fresh conversation; ms")
        let widths = [26, 6, 7, 7, 7, 9, 9, 9, 9, 9, 9]
        print(
            LoadBenchmark.row(
                ["kind", "bytes", "p50", "p99", "max", "crisis", "match", "phone", "words", "again p50", "again p99"],
                widths))
        for (kind, text) in WorstCaseMessages.all(maximumLineBytes: limit) where filter.map({ kind.contains($0) }) ?? true {
            var whole: [Double] = []
            var parts: [[Double]] = Array(repeating: [], count: 4)
            for _ in 0..<rounds {
                var conversation = assistant.makeConversation(channel: .socket, logger: logger)
                _ = conversation.start()
                whole.append(milliseconds { _ = conversation.receive(text) })
                // Each part a reading of its own, as each message is: nothing kept from the one before.
                parts[0].append(milliseconds { ReadingScope.reading { _ = assistant.safety.assess(text) } })
                parts[1].append(milliseconds { ReadingScope.reading { _ = assistant.responder.matcher.match(text) } })
                parts[2].append(milliseconds { ReadingScope.reading { _ = PhoneNumber.find(in: text) } })
                parts[3].append(milliseconds { ReadingScope.reading { _ = TextNormalizer.words(text) } })
            }
            whole.sort()
            var again: [Double] = []
            var conversation = assistant.makeConversation(channel: .socket, logger: logger)
            _ = conversation.start()
            for _ in 0..<rounds {
                again.append(milliseconds { _ = conversation.receive(text) })
            }
            again.sort()
            let cells =
                [
                    kind, "\(text.utf8.count)", number(whole[whole.count / 2]),
                    number(whole[min(whole.count - 1, whole.count * 99 / 100)]), number(whole[whole.count - 1]),
                ] + parts.map { number($0.sorted()[$0.count / 2]) }
                + [number(again[again.count / 2]), number(again[min(again.count - 1, again.count * 99 / 100)])]
            print(LoadBenchmark.row(cells, widths))
        }
    }

    private static func milliseconds(_ body: () -> Void) -> Double {
        let start = ContinuousClock.now
        body()
        return LoadBenchmark.seconds(ContinuousClock.now - start) * 1000
    }

    private static func number(_ value: Double) -> String {
        String(format: "%.3f", value)
    }
}

/// `opendoor load --reply-digest FILE…`: a checksum of the conversation's replies to every message of each file
/// (each to a fresh conversation) and to the worst-case kinds (fresh, then five more to one conversation), so a
/// change meant only to be faster can be shown to answer the same, without printing any message.
/// Run with SWIFT_DETERMINISTIC_HASHING=1: a reply's sets print in hash order.
enum ReplyDigest {
    static func run(_ assistant: Assistant, files: [String]) {
        var logger = Logger(label: "opendoor.load")
        logger.logLevel = .critical
        func reply(_ conversation: inout Conversation, _ text: String) -> String {
            String(describing: conversation.receive(text))
        }
        for file in files {
            guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                print("\(file): unreadable")
                continue
            }
            var hash = Checksum()
            var count = 0
            for line in contents.split(separator: "\n", omittingEmptySubsequences: true) {
                let text = String(line.split(separator: "\t", omittingEmptySubsequences: false).last ?? line[...])
                var conversation = assistant.makeConversation(channel: .socket, logger: logger)
                _ = conversation.start()
                hash.add(reply(&conversation, text))
                count += 1
            }
            print("\(file): \(count) messages, replies \(hash.hex)")
        }
        var hash = Checksum()
        let kinds = WorstCaseMessages.all(maximumLineBytes: ServerConfiguration().maximumLineLength)
        for (_, text) in kinds {
            var conversation = assistant.makeConversation(channel: .socket, logger: logger)
            _ = conversation.start()
            for _ in 0..<6 { hash.add(reply(&conversation, text)) }
        }
        print("worst-case kinds: \(kinds.count), replies \(hash.hex)")
    }

    /// FNV-1a, 64 bits.
    struct Checksum {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        mutating func add(_ text: String) {
            for byte in text.utf8 + [0] {
                value ^= UInt64(byte)
                value = value &* 0x100_0000_01b3
            }
        }
        var hex: String { String(value, radix: 16) }
    }
}
