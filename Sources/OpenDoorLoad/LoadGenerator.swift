import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A load generator for OpenDoor's socket server (or any line server): many concurrent conversations over
/// real TCP, each sending a fixed number of visitor messages, with every answer's latency recorded.
///
/// It runs on SwiftNIO's event loops with plain channel handlers (no async sequences, no allocation per
/// answer beyond NIO's own), so that on a small machine the client takes as little as possible from the
/// server it measures.
///
/// ```swift
/// let generator = LoadGenerator(
///     group: group, connections: 1000, messagesPerConnection: 200, shape: .paced(perSecond: 20))
/// let result = try await generator.run(
///     against: .init(port: 7461, framing: .lines), messages: LoadGenerator.jsonLines())
/// ```
public struct LoadGenerator: Sendable {
    /// How each connection sends its messages.
    public enum Shape: Sendable, Hashable {
        /// Open loop: each connection sends at a steady rate whether or not its answers have come back.
        case paced(perSecond: Double)
        /// Closed loop: each connection sends its next message as soon as the answer to the last one arrives.
        case saturated
    }

    /// Where to connect and how its answers are delimited.
    public struct Target: Sendable, Hashable {
        /// The host, `127.0.0.1` by default.
        public var host: String
        /// The port.
        public var port: Int
        /// How answers end on the wire.
        public var framing: LoadFraming

        /// Creates a target.
        public init(host: String = "127.0.0.1", port: Int, framing: LoadFraming) {
            self.host = host
            self.port = port
            self.framing = framing
        }
    }

    /// Visitors who ask for a call and confirm it, among those who ask questions.
    ///
    /// One conversation keeps one request, as a real visitor's does: each request is a new conversation, on a
    /// new connection. A visitor who asks for a call sends the script, hears "saved", hangs up and connects
    /// again for the next request, as many times as the run's messages per connection hold the script, on the
    /// same schedule (a paced visitor's next message is due when it would have been on one connection).
    public struct Callbacks: Sendable, Hashable {
        /// The conversation of one request, each message with its line break; the last one confirms it.
        public var script: [String]
        /// The share of connections that send the script instead of questions (0.05: one in twenty).
        public var share: Double
        /// Text of the answer that says a request was saved (JSON-escaped as the server sends it).
        public var savedMarker: String

        /// Creates a callback load.
        public init(script: [String], share: Double, savedMarker: String) {
            self.script = script
            self.share = share
            self.savedMarker = savedMarker
        }

        /// The messages of one callback request in the shipped knowledge's wording, as JSON lines.
        public static let shippedScript = LoadGenerator.jsonLines([
            "i want to come back", "yes", "skip", "470 555 0142", "evening", "no", "yes",
        ])

        /// How many requests a visitor who asks for calls makes in `messages` messages (at least one).
        public func requests(in messages: Int) -> Int {
            max(1, messages / max(1, script.count))
        }

        /// Whether connection `index` of `count` asks for a call: spread evenly over the connections.
        func asksForCall(_ index: Int) -> Bool {
            share > 0 && Int((Double(index + 1) * share).rounded(.down)) > Int((Double(index) * share).rounded(.down))
        }
    }

    /// Why a run could not go ahead.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String

        /// Creates a failure that says what went wrong.
        public init(description: String) {
            self.description = description
        }
    }

    /// Questions people ask the chat, none of which starts a callback request (which would save to the store).
    public static let visitorQuestions = [
        "i dropped out of my iop like 2 months ago",
        "what if i relapsed",
        "will they judge me for leaving",
        "can i come back after ghosting my group",
        "is it normal to drop out of iop",
        "will i have the same counselor",
        "do i have to start over from the beginning",
        "what does coming back look like",
        "i'm not sure i'm ready",
        "are you a real person",
        "what are your hours",
        "i tried before and it didn't work",
        "how do i make it stick this time",
        "is what i tell you private",
        "my life is a mess right now",
        "thanks that helps",
        "how would i even start",
        "i feel like i failed",
        "does it cost anything",
        "what should i say when i walk in",
    ]

    /// The visitor questions as JSON-lines `message` objects, each with its line break.
    public static func jsonLines(_ questions: [String] = visitorQuestions) -> [String] {
        questions.map { question in
            let text = (try? JSONEncoder().encode(question)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
            return #"{"type":"message","text":\#(text)}"# + "\n"
        }
    }

    /// The visitor questions as text-protocol lines.
    public static func textLines(_ questions: [String] = visitorQuestions) -> [String] {
        questions.map { $0 + "\n" }
    }

    /// How many connections to open.
    public var connections: Int
    /// How many messages each connection sends.
    public var messagesPerConnection: Int
    /// Paced or saturated.
    public var shape: Shape
    /// How many connections may be connecting (waiting for their greeting) at once.
    public var connectConcurrency = 200
    /// A run that takes longer than this is cut short; its unfinished connections count as failed.
    public var timeout: Duration = .seconds(120)
    private let group: any EventLoopGroup

    /// Creates a generator that runs its connections on `group`.
    public init(group: any EventLoopGroup, connections: Int, messagesPerConnection: Int, shape: Shape) {
        self.group = group
        self.connections = connections
        self.messagesPerConnection = messagesPerConnection
        self.shape = shape
    }

    /// Connects every connection, waits for each greeting, then starts them all together and waits until
    /// every message is answered (or the run times out); then closes them all.
    ///
    /// - Parameters:
    ///   - messages: What to send, each with its line break; connection *i* starts at message *i*.
    ///   - callbacks: A share of connections that send a callback request's script instead (JSON lines),
    ///     whose confirmations are timed on their own (``LoadResult/saveLatency``).
    public func run(against target: Target, messages: [String], callbacks: Callbacks? = nil) async throws
        -> LoadResult
    {
        guard !messages.isEmpty else { throw Failure(description: "no messages to send") }
        guard callbacks.map({ !$0.script.isEmpty }) ?? true else { throw Failure(description: "an empty script") }
        let buffers = messages.map { ByteBuffer(string: $0) }
        let script = callbacks?.script.map { ByteBuffer(string: $0) } ?? []
        let marker = Array((callbacks?.savedMarker ?? "").utf8)
        let interval: Double
        if case .paced(let perSecond) = shape {
            guard perSecond > 0 else { throw Failure(description: "a paced run needs a rate above 0") }
            interval = 1e9 / perSecond
        } else {
            interval = 0
        }
        // One pacer per event loop, for every connection on it.
        var pacers: [ObjectIdentifier: NIOLoopBound<LoadPacer>] = [:]
        if case .paced = shape {
            for loop in group.makeIterator() {
                pacers[ObjectIdentifier(loop)] = try await loop.submit {
                    NIOLoopBound(LoadPacer(eventLoop: loop), eventLoop: loop)
                }.get()
            }
        }
        defer {
            for pacer in pacers.values { pacer.eventLoop.execute { pacer.value.cancelAll() } }
        }
        let requests = callbacks?.requests(in: messagesPerConnection) ?? 0
        let opened = try await connect(connections, to: target, pacers: pacers) { index in
            let phase = UInt64(interval * Double(index) / Double(max(1, connections)))
            if let callbacks, callbacks.asksForCall(index) {
                return LoadPlan(
                    messages: script, firstMessage: 0, count: script.count, shape: shape,
                    phaseNanoseconds: phase, saveIndex: script.count - 1, savedMarker: marker, rounds: requests)
            }
            return LoadPlan(
                messages: buffers, firstMessage: index % buffers.count, count: messagesPerConnection, shape: shape,
                phaseNanoseconds: phase)
        }
        // A common start a little ahead, so that every connection's schedule begins at the same instant.
        let start = NIODeadline.now() + .milliseconds(50)
        for connection in opened { connection.begin.succeed(start) }
        let later = LaterConnections()
        let timeout = group.next().scheduleTask(in: TimeAmount(self.timeout)) {
            later.closeAll()
            for connection in opened { connection.channel.close(promise: nil) }
        }
        let loopPacers = pacers
        let outcomes = try await withThrowingTaskGroup(of: LoadConnectionHandler.Outcome.self) { tasks in
            for connection in opened {
                tasks.addTask {
                    try await visit(from: connection, start: start, target: target, pacers: loopPacers, later: later)
                }
            }
            var outcomes: [LoadConnectionHandler.Outcome] = []
            outcomes.reserveCapacity(opened.count)
            while let outcome = try await tasks.next() { outcomes.append(outcome) }
            return outcomes
        }
        timeout.cancel()
        for connection in opened { try? await connection.channel.close() }

        var latencies: [UInt64] = []
        latencies.reserveCapacity(connections * messagesPerConnection)
        var saveLatencies: [UInt64] = []
        var result = LoadResult(
            connections: opened.count, sent: 0, answers: 0, errors: 0, failedConnections: 0, elapsed: .zero,
            latency: LatencySummary(nanoseconds: []))
        var last: UInt64 = start.uptimeNanoseconds
        for outcome in outcomes {
            result.sent += outcome.sent
            result.answers += outcome.answers
            result.errors += outcome.errors
            if !outcome.complete { result.failedConnections += 1 }
            last = max(last, outcome.lastAnswer)
            latencies += outcome.latencies
            saveLatencies += outcome.saveLatencies
            result.savesNotConfirmed += outcome.savesNotConfirmed
        }
        result.savesExpected = opened.reduce(0) { $0 + ($1.plan.saveIndex == nil ? 0 : $1.plan.rounds) }
        result.saveLatency = LatencySummary(nanoseconds: saveLatencies)
        result.elapsed = .nanoseconds(Int64(last - start.uptimeNanoseconds))
        result.latency = LatencySummary(nanoseconds: latencies)
        return result
    }

    /// Opens `count` connections that wait for their greeting and then send nothing; close them with
    /// ``IdleConnections/close()``.
    public func openIdle(_ count: Int, to target: Target) async throws -> IdleConnections {
        let opened = try await connect(count, to: target, pacers: [:]) { _ in
            LoadPlan(messages: [], firstMessage: 0, count: 0, shape: .saturated, phaseNanoseconds: 0)
        }
        return IdleConnections(opened)
    }

    // MARK: - Connecting

    /// One connection of a run: its channel, the promise that starts it, the future of what it did and what it
    /// was to do.
    struct Connection: Sendable {
        var channel: any Channel
        var begin: EventLoopPromise<NIODeadline>
        var finished: EventLoopFuture<LoadConnectionHandler.Outcome>
        var plan: LoadPlan
    }

    /// What one visitor did: the connection opened before the start, then, for a visitor who makes several
    /// requests, each next one on a new connection once the last is answered (the last one closed first, as a
    /// visitor who leaves). A connection that can't be opened ends the visitor's run as failed.
    private func visit(
        from first: Connection, start: NIODeadline, target: Target,
        pacers: [ObjectIdentifier: NIOLoopBound<LoadPacer>], later: LaterConnections
    ) async throws -> LoadConnectionHandler.Outcome {
        var outcome = try await first.finished.get()
        var connection = first
        while outcome.complete, let plan = connection.plan.nextRound {
            try? await connection.channel.close()
            guard let next = try? await connectOne(to: target, plan: plan, pacers: pacers), later.add(next.channel)
            else {
                outcome.complete = false
                break
            }
            next.begin.succeed(start)
            outcome.add(try await next.finished.get())
            connection = next
        }
        if connection.channel !== first.channel { try? await connection.channel.close() }
        return outcome
    }

    /// The connections visitors open during a run, so that a run cut short closes them too.
    final class LaterConnections: Sendable {
        private let state = Mutex<(channels: [any Channel], closed: Bool)>(([], false))

        /// Keeps `channel`; false (and the channel closed) once the run has been cut short.
        func add(_ channel: any Channel) -> Bool {
            let closed = state.withLock { state in
                if !state.closed {
                    state.channels.removeAll { !$0.isActive }
                    state.channels.append(channel)
                }
                return state.closed
            }
            if closed { channel.close(promise: nil) }
            return !closed
        }

        /// Closes every connection kept, and any added later.
        func closeAll() {
            let channels = state.withLock { state in
                state.closed = true
                return state.channels
            }
            for channel in channels { channel.close(promise: nil) }
        }
    }

    /// Connects `count` connections, at most ``connectConcurrency`` at a time, each greeted before it counts.
    /// If one fails, those already open are closed and the error is thrown.
    private func connect(
        _ count: Int, to target: Target, pacers: [ObjectIdentifier: NIOLoopBound<LoadPacer>],
        plan: @escaping @Sendable (Int) -> LoadPlan
    ) async throws -> [Connection] {
        var opened: [Connection?] = Array(repeating: nil, count: count)
        do {
            try await withThrowingTaskGroup(of: (Int, Connection).self) { tasks in
                var next = 0
                while next < min(count, connectConcurrency) {
                    let index = next
                    tasks.addTask { (index, try await connectOne(to: target, plan: plan(index), pacers: pacers)) }
                    next += 1
                }
                while let (index, connection) = try await tasks.next() {
                    opened[index] = connection
                    if next < count {
                        let index = next
                        tasks.addTask { (index, try await connectOne(to: target, plan: plan(index), pacers: pacers)) }
                        next += 1
                    }
                }
            }
        } catch {
            for connection in opened.compactMap({ $0 }) {
                connection.begin.fail(CancellationError())
                try? await connection.channel.close()
            }
            throw Failure(
                description: "could not open \(count) connections to \(target.host):\(target.port): \(error)")
        }
        return opened.compactMap { $0 }
    }

    private func connectOne(
        to target: Target, plan: LoadPlan, pacers: [ObjectIdentifier: NIOLoopBound<LoadPacer>]
    ) async throws -> Connection {
        let loop = group.next()
        let pacer = pacers[ObjectIdentifier(loop)]
        let greeted = loop.makePromise(of: Void.self)
        let begin = loop.makePromise(of: NIODeadline.self)
        let finished = loop.makePromise(of: LoadConnectionHandler.Outcome.self)
        do {
            let channel = try await ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            LoadConnectionHandler(
                                plan: plan, framing: target.framing, greeted: greeted, begin: begin.futureResult,
                                finished: finished, pacer: pacer))
                    }
                }
                .connect(host: target.host, port: target.port).get()
            do {
                try await greeted.futureResult.get()
            } catch {
                try? await channel.close()
                throw Failure(description: "the server closed a connection before its greeting")
            }
            return Connection(channel: channel, begin: begin, finished: finished.futureResult, plan: plan)
        } catch {
            greeted.fail(error)
            begin.fail(error)
            finished.fail(error)
            throw error
        }
    }
}

/// Connections held open without sending anything, for measuring what idle visitors cost a server.
public struct IdleConnections: Sendable {
    private let connections: [LoadGenerator.Connection]

    init(_ connections: [LoadGenerator.Connection]) {
        self.connections = connections
    }

    /// How many were opened.
    public var count: Int { connections.count }

    /// How many are still open (the server has not closed them).
    public func stillOpen() async -> Int {
        var open = 0
        for connection in connections where connection.channel.isActive { open += 1 }
        return open
    }

    /// Closes them all.
    public func close() async {
        for connection in connections {
            connection.begin.fail(CancellationError())
            connection.channel.close(promise: nil)
        }
        for connection in connections {
            _ = try? await connection.finished.get()
        }
    }
}
