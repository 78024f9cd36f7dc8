import Logging
import NIOCore
import OpenDoorKit
import ServiceLifecycle

/// One visitor's connection: the greeting, then exactly one answer per line, then a goodbye.
///
/// ``run(_:)`` never throws: whatever one connection does (resets, sends garbage, stops reading), the
/// others and the server go on. Reads are pulled one line at a time and each answer is written, with
/// the writer's backpressure, before the next line is read; the inbound stream buffers only a few
/// reads, so a client that doesn't read what it is sent soon stops being read.
struct ChatSession: Sendable {
    /// The protocol spoken on this connection.
    let chatProtocol: ChatProtocol
    /// The knowledge and matcher this conversation keeps for its whole life, even across a reload.
    let assistant: Assistant
    /// Where confirmed callback requests are saved.
    let store: any CallbackStore
    /// Limits.
    let configuration: ServerConfiguration
    /// Carries the connection id and protocol; never message text or phone numbers.
    let logger: Logger
    /// Counts replies, their time, crisis events and rate-limit refusals.
    let metrics: any ChatServerMetrics
    /// Whether this connection's opening and closing get info lines of their own; under a flood of
    /// connections most are only counted (``ConnectionLog``), and their lines are at debug.
    var logsConnection = true

    /// Serves the connection until the client leaves, it idles out or the server shuts down, then closes it.
    func run(_ connection: AcceptedConnection) async {
        let opened = ContinuousClock.now
        var traffic = Traffic(refusals: RefusalLog(interval: configuration.refusalLogInterval))
        logger.log(level: logsConnection ? .info : .debug, "connection opened")
        do {
            try await connection.channel.executeThenClose { inbound, outbound in
                try await withGracefulShutdownHandler {
                    try await converse(inbound: inbound, outbound: outbound, stop: connection.stop, traffic: &traffic)
                    try await Self.finishWrites(connection.channel)
                } onGracefulShutdown: { [grace = TimeAmount(configuration.closeGracePeriod)] in
                    let channel = connection.channel.channel
                    if connection.stop.request(.shutdown) {
                        channel.close(mode: .input, promise: nil)
                    }
                    // A visitor who doesn't read can't be written to: don't let them hold up the shutdown.
                    channel.eventLoop.scheduleTask(in: grace) { channel.close(promise: nil) }
                }
            }
        } catch {
            // Resets and writes to a closed socket end up here; they say nothing about the visitor.
            logger.debug("connection error", metadata: ["error": "\(error)"])
        }
        var metadata: Logger.Metadata = [
            "reason": "\(connection.stop.reason?.rawValue ?? "client closed")", "lines": "\(traffic.lines)",
            "replies": "\(traffic.replies)", "duration_s": "\(Self.seconds(ContinuousClock.now - opened))",
        ]
        if traffic.refusals.total > 0 { metadata["refused"] = "\(traffic.refusals.total)" }
        if traffic.replies > 0 {
            metadata["latency_ms_avg"] = "\(Self.milliseconds(traffic.replyTime / traffic.replies))"
            metadata["latency_ms_max"] = "\(Self.milliseconds(traffic.slowestReply))"
        }
        logger.log(level: logsConnection ? .info : .debug, "connection closed", metadata: metadata)
    }

    /// What a connection did, for the line logged when it closes.
    struct Traffic {
        /// Lines the client sent.
        var lines = 0
        /// Answers to messages.
        var replies = 0
        /// The time all answers took, from reading the message to writing the answer.
        var replyTime = Duration.zero
        /// The longest an answer took.
        var slowestReply = Duration.zero
        /// Lines refused (over the rate limit, too long, not JSON …), logged as summaries.
        var refusals: RefusalLog

        mutating func replied(in latency: Duration) {
            replies += 1
            replyTime += latency
            if latency > slowestReply { slowestReply = latency }
        }
    }

    /// Tells a visitor the chat is full and gives the center's number, then closes.
    func refuseBusy(_ connection: AcceptedConnection) async {
        do {
            try await connection.channel.executeThenClose { _, outbound in
                try await send(.bye(.busy, text: ServerText.busy(assistant.knowledge)), to: outbound)
                try await Self.finishWrites(connection.channel)
            }
        } catch {
            logger.debug("connection error", metadata: ["error": "\(error)"])
        }
    }

    /// The conversation itself; counts the lines and answers in `traffic`.
    private func converse(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        stop: ConnectionStop, traffic: inout Traffic
    ) async throws {
        var conversation = assistant.makeConversation(channel: .socket, logger: logger)
        try await send(.reply(conversation.start()), to: outbound)
        var limiter = MessageRateLimiter(burst: configuration.messageBurst, perMinute: configuration.messagesPerMinute)
        // Asked once: asking the logger copies its handler.
        let logsReplies = logger.logLevel <= .debug
        let frames = inbound.decode(using: LineFrameDecoder(maximumLength: configuration.maximumLineLength))
        reading: for try await frame in frames {
            traffic.lines += 1
            let input: ClientInput
            switch frame {
            case .tooLong:
                input = .invalid(.lineTooLong(maximum: configuration.maximumLineLength, assistant.knowledge))
            case .line(let bytes):
                if let text = VisitorText.decode(bytes) {
                    input = ClientInput.parse(text, as: chatProtocol)
                } else {
                    input = .invalid(.invalidUTF8(assistant.knowledge))
                }
            }
            if case .blank = input { continue }
            guard limiter.allow() else {
                try await refuse(.rateLimited(assistant.knowledge), outbound: outbound, traffic: &traffic)
                continue
            }
            switch input {
            case .message(let message):
                let started = ContinuousClock.now
                let reply: Reply
                if message.utf8.count > Self.longMessageBytes {
                    // A long message can take milliseconds to match: it is answered on the shared pool, so that
                    // the event loop goes on reading and answering everyone else's lines meanwhile.
                    reply = await withTaskExecutorPreference(globalConcurrentExecutor) {
                        await conversation.respond(to: message, store: store)
                    }
                } else {
                    // Most messages need no waiting: answered without an async call (each one a task switch).
                    switch conversation.respondAtOnce(to: message, store: store) {
                    case .replied(let answer)?:
                        reply = answer
                    case .waiting(let step)?:
                        reply = await conversation.finish(step, store: store)
                    case nil:
                        reply = await conversation.respond(to: message, store: store)
                    }
                }
                try await send(.reply(reply), to: outbound)
                let latency = ContinuousClock.now - started
                traffic.replied(in: latency)
                metrics.replied(reply, latency: latency)
                // Per reply at debug: at info, a busy server would spend a tenth of its time on this line.
                // Latency is summed up at info when the connection closes; crises are logged at warning.
                if logsReplies {
                    logReply(reply, latency: latency)
                }
            case .hello:
                try await send(.hello(configuration), to: outbound)
            case .bye:
                _ = stop.request(.client)
                try await send(.bye(.client, text: ServerText.clientBye(assistant.knowledge)), to: outbound)
                logger.info("client said bye")
                return
            case .invalid(let error):
                try await refuse(error, outbound: outbound, traffic: &traffic)
            case .blank:
                continue reading
            }
        }
        if let reason = stop.reason {
            try await send(.bye(reason, text: ServerText.bye(reason, assistant.knowledge)), to: outbound)
            logger.info("said goodbye", metadata: ["reason": "\(reason.rawValue)"])
        }
    }

    private func logReply(_ reply: Reply, latency: Duration) {
        logger.debug(
            "reply",
            metadata: [
                "intent": .string(reply.intent.rawValue), "state": .string(reply.state.rawValue),
                "crisis": .string(reply.crisis ? "true" : "false"), "latency_ms": "\(Self.milliseconds(latency))",
            ])
    }

    private func refuse(
        _ error: ProtocolError, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, traffic: inout Traffic
    ) async throws {
        // A flood of refused lines is a few log lines, not one each: the connection's close line has the total.
        traffic.refusals.refused("\(error.code)", message: "lines refused", logger: logger)
        if error.code == .rateLimited { metrics.rateLimited() }
        try await send(.error(error), to: outbound)
    }

    private func send(_ output: ServerOutput, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) async throws {
        var buffer = ByteBuffer()
        output.write(for: chatProtocol, into: &buffer)
        try await outbound.write(buffer)
    }

    /// Messages longer than this (in UTF-8 bytes) are answered off the connection's event loop.
    static let longMessageBytes = 512

    /// Waits until everything written so far has reached the socket.
    ///
    /// `executeThenClose` closes the channel as soon as the body returns, and a close drops writes still
    /// queued (a slow client, a full socket buffer). An empty write queued behind them completes only
    /// once they have all been written.
    private static func finishWrites(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async throws {
        try await channel.channel.writeAndFlush(ByteBuffer()).get()
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return (milliseconds * 100).rounded() / 100
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return ((Double(seconds) + Double(attoseconds) / 1e18) * 10).rounded() / 10
    }
}
