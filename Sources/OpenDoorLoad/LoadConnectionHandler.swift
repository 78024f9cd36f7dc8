import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a server's answers are delimited on the wire, so the load generator can count them.
public enum LoadFraming: Sendable, Hashable {
    /// One line per answer: the JSON-lines protocol, and the echo server.
    case lines
    /// Lines ended by a blank line: the text protocol.
    case blankLine
}

/// What one load connection sends once it has been greeted.
struct LoadPlan: Sendable {
    /// The messages, line break included; sent in turn, starting at ``firstMessage``.
    var messages: [ByteBuffer]
    /// Where in ``messages`` this connection starts, so that connections don't all send the same thing.
    var firstMessage: Int
    /// How many messages to send.
    var count: Int
    /// Paced or saturated.
    var shape: LoadGenerator.Shape
    /// For a paced run: how far into the first interval this connection sends, spreading connections evenly.
    var phaseNanoseconds: UInt64
    /// The index in ``messages`` of the message that confirms a callback request (its answer is a save),
    /// or nil when this connection asks no callback.
    var saveIndex: Int? = nil
    /// Bytes of the answer that say a request was saved (JSON lines only).
    var savedMarker: [UInt8] = []
    /// How many times the visitor sends these messages, each time on a new connection (a new conversation):
    /// the requests of a visitor who asks for a call, counting this one.
    var rounds = 1
    /// How many messages the visitor sent on earlier connections: a paced schedule goes on where they left it.
    var sentBefore = 0

    /// The plan of the visitor's next connection, nil after the last.
    var nextRound: LoadPlan? {
        guard rounds > 1 else { return nil }
        var next = self
        next.rounds -= 1
        next.sentBefore += count
        return next
    }
}

/// One client connection of a load run, entirely on its event loop: it waits for the greeting, then sends
/// its messages (on a schedule, or each as soon as the previous answer arrived), counts answers and records
/// each one's latency.
///
/// No allocation per answer beyond NIO's own: answers are counted by scanning for line breaks, not decoded.
final class LoadConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the connection did, handed over once it is finished or closed.
    struct Outcome: Sendable {
        var sent = 0
        var answers = 0
        var errors = 0
        /// Nanoseconds from each message's send time to its answer.
        var latencies: [UInt64] = []
        /// When the last answer arrived (uptime nanoseconds), 0 if none did.
        var lastAnswer: UInt64 = 0
        /// Whether every message was answered.
        var complete = false
        /// Nanoseconds from each confirming message's send time to an answer that said it was saved.
        var saveLatencies: [UInt64] = []
        /// Confirming messages whose answer did not say the request was saved.
        var savesNotConfirmed = 0

        /// Adds what the visitor's next connection did.
        mutating func add(_ next: Outcome) {
            sent += next.sent
            answers += next.answers
            errors += next.errors
            latencies += next.latencies
            lastAnswer = max(lastAnswer, next.lastAnswer)
            complete = next.complete
            saveLatencies += next.saveLatencies
            savesNotConfirmed += next.savesNotConfirmed
        }
    }

    /// A JSON-lines error object starts `{"code"` (keys are sorted); a reply starts `{"confidence"`.
    private static let errorPrefix = Array(#"{"cod"#.utf8)

    private let plan: LoadPlan
    private let framing: LoadFraming
    private let greeted: EventLoopPromise<Void>
    private let begin: EventLoopFuture<NIODeadline>
    private let finished: EventLoopPromise<Outcome>
    /// The clock of a paced run on this connection's event loop.
    private let pacer: NIOLoopBound<LoadPacer>?
    private var context: ChannelHandlerContext?

    private var isGreeted = false
    private var isDone = false
    private var outcome = Outcome()
    /// When each unanswered message was sent (or, paced, was due), oldest first, and whether it confirms
    /// a callback request.
    private var pending = CircularBuffer<(due: UInt64, isSave: Bool)>(initialCapacity: 8)
    /// For the answer line being read, when it answers a confirmation: how much of the saved marker the
    /// line has matched so far (the marker's length once found).
    private var markerMatched = 0
    /// Whether each complete answer line to a confirmation held the saved marker, oldest first.
    private var saveAnswers = CircularBuffer<Bool>(initialCapacity: 2)
    private var previousByteWasNewline = false
    /// How much of ``errorPrefix`` the current line has matched; -1 once it can't match.
    private var errorPrefixMatched = 0
    private var paceStart: UInt64 = 0
    private var nextSend: Scheduled<Void>?

    init(
        plan: LoadPlan, framing: LoadFraming, greeted: EventLoopPromise<Void>, begin: EventLoopFuture<NIODeadline>,
        finished: EventLoopPromise<Outcome>, pacer: NIOLoopBound<LoadPacer>?
    ) {
        self.plan = plan
        self.framing = framing
        self.greeted = greeted
        self.begin = begin
        self.finished = finished
        self.pacer = pacer
        outcome.latencies.reserveCapacity(plan.count)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        begin.assumeIsolated().whenSuccess { start in
            self.start(at: start)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(complete: false)
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(complete: false)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        var now: UInt64 = 0
        if plan.saveIndex != nil && framing == .lines {
            buffer.withUnsafeReadableBytes { findSavedMarkers(in: $0) }
        }
        buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            while index < bytes.count {
                if framing == .lines, errorPrefixMatched >= 0 {
                    // Only a line's first few bytes are looked at one by one, to spot an error object.
                    let byte = bytes[index]
                    if byte == Self.errorPrefix[errorPrefixMatched] {
                        errorPrefixMatched += 1
                        if errorPrefixMatched == Self.errorPrefix.count {
                            outcome.errors += 1
                            errorPrefixMatched = -1
                        }
                    } else {
                        errorPrefixMatched = -1
                    }
                    if byte != UInt8(ascii: "\n") {
                        previousByteWasNewline = false
                        index += 1
                        continue
                    }
                } else {
                    // The rest of the line: jump to its end.
                    guard
                        let found = memchr(bytes.baseAddress! + index, Int32(UInt8(ascii: "\n")), bytes.count - index)
                    else {
                        previousByteWasNewline = false
                        return
                    }
                    let newline = bytes.baseAddress!.distance(to: UnsafeRawPointer(found))
                    if newline > index { previousByteWasNewline = false }
                    index = newline
                }
                // bytes[index] is a line break.
                index += 1
                errorPrefixMatched = 0
                if framing == .blankLine && !previousByteWasNewline {
                    previousByteWasNewline = true
                    continue
                }
                previousByteWasNewline = false
                if now == 0 { now = NIODeadline.now().uptimeNanoseconds }
                answered(at: now)
                if isDone { return }
            }
        }
    }

    // MARK: - Sending and counting

    private func answered(at now: UInt64) {
        guard isGreeted else {
            isGreeted = true
            greeted.succeed()
            return
        }
        outcome.answers += 1
        outcome.lastAnswer = now
        if let sent = pending.popFirst() {
            let latency = now >= sent.due ? now - sent.due : 0
            outcome.latencies.append(latency)
            if sent.isSave {
                if saveAnswers.popFirst() == true {
                    outcome.saveLatencies.append(latency)
                } else {
                    outcome.savesNotConfirmed += 1
                }
            }
        }
        if outcome.answers >= plan.count {
            // Left open: the generator closes every connection once the whole run is over, so that the first
            // to finish aren't torn down (by both sides) while the others are still being measured.
            finish(complete: true)
            return
        }
        if case .saturated = plan.shape, outcome.sent < plan.count {
            send(due: now)
        }
    }

    private func start(at start: NIODeadline) {
        guard !isDone, plan.count > 0, let context else { return }
        switch plan.shape {
        case .saturated:
            nextSend = context.eventLoop.assumeIsolated().scheduleTask(deadline: start) {
                self.send(due: NIODeadline.now().uptimeNanoseconds)
            }
        case .paced:
            // Phases are whole milliseconds, so connections due at the same moment are sent in one event-loop
            // tick: the client wakes a thousand times a second rather than once per message.
            paceStart = start.uptimeNanoseconds + plan.phaseNanoseconds / 1_000_000 * 1_000_000
            scheduleNextSend()
        }
    }

    private func scheduleNextSend() {
        guard case .paced(let perSecond) = plan.shape, !isDone, outcome.sent < plan.count, let pacer else {
            return
        }
        pacer.value.schedule(self, at: paceStart + UInt64(Double(plan.sentBefore + outcome.sent) * 1e9 / perSecond))
    }

    /// Sends the message due at `due` and schedules the next; called by the pacer.
    func sendPaced(due: UInt64) {
        send(due: due)
        scheduleNextSend()
    }

    private func send(due: UInt64) {
        guard let context, !isDone else { return }
        let position = (plan.firstMessage + outcome.sent) % plan.messages.count
        let message = plan.messages[position]
        outcome.sent += 1
        pending.append((due, position == plan.saveIndex))
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
    }

    /// Looks through the answer lines in `bytes` that answer a confirmation for the saved marker, and
    /// queues whether each held it. Only connections that ask for callbacks come here, once per read.
    private func findSavedMarkers(in bytes: UnsafeRawBufferPointer) {
        let marker = plan.savedMarker
        // The line in progress answers pending[line] (the greeting, before it, answers nothing).
        // (Completed lines have popped their entry already; this read's lines pop theirs after this pass.)
        var line = isGreeted ? 0 : -1
        for byte in bytes {
            let answersSave =
                line >= 0 && line < pending.count && pending[pending.index(pending.startIndex, offsetBy: line)].isSave
            if byte == UInt8(ascii: "\n") {
                if answersSave { saveAnswers.append(!marker.isEmpty && markerMatched == marker.count) }
                markerMatched = 0
                line += 1
                continue
            }
            guard answersSave, markerMatched < marker.count else { continue }
            if byte == marker[markerMatched] {
                markerMatched += 1
            } else {
                markerMatched = byte == marker[0] ? 1 : 0
            }
        }
    }

    private func finish(complete: Bool) {
        if !isGreeted {
            greeted.fail(ChannelError.inputClosed)
        }
        guard !isDone else { return }
        isDone = true
        nextSend?.cancel()
        nextSend = nil
        outcome.complete = complete
        finished.succeed(outcome)
        outcome.latencies = []
    }
}
