import Logging
import NIOCore
import OpenDoorKit

/// One visitor's connection, the last handler of its pipeline: the greeting, then exactly one answer per line,
/// then a goodbye.
///
/// Lines are answered on the connection's event loop as they are decoded, and the answers of one read are
/// flushed together when the read is complete. Only what must wait leaves the event loop: saving a confirmed
/// callback request, counting a crisis, rechecking a store that can't save, and long messages (which can take
/// milliseconds to match, so the event loop goes on answering everyone else meanwhile). While such an answer
/// is awaited, later lines wait in order and the socket is not read; nor is it while the client doesn't read
/// what it is sent (the channel isn't writable), nor while it sends faster than its rate limit and its budget of
/// refused lines is spent (a flood is read only as fast as it can be refused). Whatever one connection does (resets, sends garbage, stops
/// reading), the others and the server go on.
final class ChatSession: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    typealias OutboundOut = ByteBuffer

    /// What a session needs from the server.
    struct Setup: Sendable {
        /// The protocol spoken on this connection.
        var chatProtocol: ChatProtocol
        /// The knowledge and matcher this conversation keeps for its whole life, even across a reload.
        var assistant: Assistant
        /// Where confirmed callback requests are saved.
        var store: any CallbackStore
        /// Limits.
        var configuration: ServerConfiguration
        /// Carries the connection id and protocol; never message text or phone numbers.
        var logger: Logger
        /// Counts replies, their time, crisis events and rate-limit refusals.
        var metrics: any ChatServerMetrics
        /// Whether this connection's opening and closing get info lines of their own; under a flood of
        /// connections most are only counted (``ConnectionLog``), and their lines are at debug.
        var logsConnection = true
        /// Where a connection leaves its rate-limit budget when it closes spent, and a new one from the same address
        /// picks it up.
        var budgets: PeerBudgets? = nil
        /// Checked before each save: a step of the wall clock, which dates the request, is logged.
        var clockWatch: WallClockWatch? = nil
        /// Where refused lines are counted for the log, server-wide; nil: only in the connection's close line.
        var lineRefusals: SharedRefusalLog? = nil
        /// The visitor's address when a trusted proxy named it (a WebSocket behind the TLS proxy, a PROXY protocol
        /// header), for the rate-limit budget; nil: the connection's peer.
        var clientAddress: String? = nil
    }

    /// Messages longer than this (in UTF-8 bytes) are answered off the connection's event loop.
    static let longMessageBytes = 512

    private let setup: Setup
    private let stop: ConnectionStop
    /// Whether the visitor got a place: if not, they are told the chat is busy and the connection closes.
    private let admitted: Bool
    /// Not admitted, but the connection reads one line before it closes (within ``ServerConfiguration/refusedLineWait``): a crisis
    /// sent at once by someone who finds the chat full is answered all the same.
    private let lingers: Bool
    /// A connection turned away closes at the end of its linger, if no line came.
    private var lingerEnds: Scheduled<Void>?
    /// Called once when an admitted connection has closed.
    private let onClose: @Sendable () -> Void
    private var conversation: Conversation
    private var limiter: MessageRateLimiter
    /// Lines over the limit that are still taken (checked for a crisis, then refused). Once it is spent the
    /// connection isn't read until it refills (or the limit allows a line again): a flood costs this much work,
    /// however fast the client sends.
    private var overLimit = MessageRateLimiter(burst: 100, perMinute: 600)
    /// Lines over the limit taken after a hold, at most: the hold lasts until this many are allowed again.
    private static let linesPerHold = 10
    /// Bytes of a too-long line dropped and not yet charged to ``overLimit`` (one line's worth per KB).
    private var unchargedBytes = 0
    /// The connection is not read (``LineFramingHandler`` holds) until `holdEnds` fires.
    private var holding = false
    private var holdEnds: Scheduled<Void>?
    /// Crisis messages over the limit that are still answered.
    private var crisisAnswers = MessageRateLimiter(burst: 3, perMinute: 6)
    /// The last line was refused for coming too fast (and the visitor was told so).
    private var refusing = false
    /// A `hello` or `bye` that carried a crisis: taken once the crisis reply is written.
    private var afterAnswer: ClientInput?
    private var traffic: Traffic
    /// Asked once: asking the logger copies its handler.
    private let logsReplies: Bool
    private var opened = ContinuousClock.now
    private var greeted = false
    /// An answer is being awaited off the event loop; lines read meanwhile wait in `queued`.
    private var awaiting = false
    private var queued = CircularBuffer<LineFrame>()
    private var readsPaused = false
    /// The client closed its side, or the server closed the input (idle, line timeout, shutdown).
    private var inputClosed = false
    /// The last write is queued and the connection closes after it.
    private var closing = false
    /// The channel is closed: nothing more is written.
    private var closed = false
    private var unflushed = false
    private var released = false
    /// The peer's IP address, for its rate-limit budget; nil for a connection not admitted or without one.
    private var peerAddress: String?

    private var chatProtocol: ChatProtocol { setup.chatProtocol }
    private var knowledge: Knowledge { setup.assistant.knowledge }
    private var logger: Logger { setup.logger }

    /// A session for an admitted visitor, or (`admitted` false) one that only says the chat is busy.
    init(
        _ setup: Setup, stop: ConnectionStop, admitted: Bool, lingers: Bool = false,
        onClose: @escaping @Sendable () -> Void
    ) {
        self.setup = setup
        self.stop = stop
        self.admitted = admitted
        self.lingers = lingers && !admitted
        self.onClose = onClose
        conversation = setup.assistant.makeConversation(channel: .socket, logger: setup.logger)
        limiter = MessageRateLimiter(
            burst: setup.configuration.messageBurst, perMinute: setup.configuration.messagesPerMinute)
        traffic = Traffic()
        logsReplies = setup.logger.logLevel <= .debug
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
        /// Lines refused (over the rate limit, too long, not JSON …); the log has them as server-wide summaries.
        var refusals = 0
        /// Bytes of too-long lines read and dropped (past each line's first maximum).
        var droppedBytes = 0

        mutating func replied(in latency: Duration) {
            replies += 1
            replyTime += latency
            if latency > slowestReply { slowestReply = latency }
        }
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { greet(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        greet(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard !closing, !closed else { return }
        guard admitted else { return takeRefused(frame, context: context) }
        if awaiting || holding || !queued.isEmpty || !context.channel.isWritable {
            queued.append(frame)
            pauseReads(context: context)
            return
        }
        take(frame, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flushIfNeeded(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let dropped = event as? LineFramingHandler.Dropped {
            return charge(dropped.bytes, context: context)
        }
        if event as? ChannelEvent == .inputClosed {
            inputClosed = true
            if !admitted {
                if !awaiting && !closing && !closed { closeAfterWrites(context: context) }
                return context.fireUserInboundEventTriggered(event)
            }
            // The lines read so far are taken now (the framing handler has passed on the last of them).
            if holding { endHold(context: context) } else { drain(context: context) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Resets and writes to a closed socket end up here; they say nothing about the visitor.
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        holdEnds?.cancel()
        lingerEnds?.cancel()
        // Before the close is logged: once the line is there, the next connection from this address finds the budget.
        leaveBudget()
        if admitted { logClosed() }
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closed = true
        holdEnds?.cancel()
        lingerEnds?.cancel()
        release()
    }

    /// Gives an admitted visitor's place back, once.
    private func release() {
        guard admitted || lingers, !released else { return }
        released = true
        leaveBudget()
        onClose()
    }

    /// Leaves this connection's rate-limit budget for the next one from its address, once (kept only if spent).
    private func leaveBudget() {
        guard let peerAddress else { return }
        self.peerAddress = nil
        setup.budgets?.leave(PeerBudgets.Budget(limiter: limiter, overLimit: overLimit), for: peerAddress)
    }

    // MARK: - Lines

    private func greet(context: ChannelHandlerContext) {
        guard !greeted else { return }
        greeted = true
        opened = .now
        guard admitted else {
            send(.bye(.busy, text: ServerText.busy(knowledge)), context: context)
            guard lingers, setup.configuration.refusedLineWait > .zero else { return closeAfterWrites(context: context) }
            flushIfNeeded(context: context)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            lingerEnds = context.eventLoop.scheduleTask(in: TimeAmount(setup.configuration.refusedLineWait)) {
                let (session, context) = bound.value
                guard !session.closing, !session.closed, !session.awaiting else { return }
                session.closeAfterWrites(context: context)
            }
            return
        }
        // A trusted proxy's connection that names no visitor (no PROXY header, no X-Forwarded-For) may be anyone behind
        // it: its budget is its own, neither left for the next connection from the proxy nor taken from the last
        // (QA29 S1-3: one flooder's spent budget went to every visitor behind HAProxy). The proxy in front bounds
        // how fast one source reconnects (docs/DEPLOYMENT.md).
        let address = setup.clientAddress ?? context.channel.remoteAddress?.ipAddress
        peerAddress = address.flatMap { setup.configuration.trustedProxies.contains($0) ? nil : $0 }
        if let peerAddress, let budget = setup.budgets?.budget(for: peerAddress) {
            // The budget a connection from this address left spent: reconnecting doesn't buy a fresh burst.
            limiter = budget.limiter
            overLimit = budget.overLimit
            logger.debug("rate-limit budget carried over from an earlier connection")
        }
        logger.log(level: setup.logsConnection ? .info : .debug, "connection opened")
        guard setup.store.acceptsRequests else {
            // Saves were failing (a full disk, the database away): look again first, so that the welcome offers a
            // call as soon as one can be saved, not only once some later message has rechecked. Lines wait meanwhile.
            awaiting = true
            let store = setup.store
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.completeWithTask { await store.recheck() }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            promise.futureResult.whenComplete { _ in
                let (session, context) = bound.value
                session.awaiting = false
                guard !session.closed else { return }
                session.send(.reply(session.conversation.start(store: store)), context: context)
                session.drain(context: context)
            }
            return
        }
        send(.reply(conversation.start(store: setup.store)), context: context)
        flushIfNeeded(context: context)
    }

    /// The first line on a connection turned away (the chat full): a crisis is answered, anything else only ends the
    /// linger; either way the connection then closes.
    private func takeRefused(_ frame: LineFrame, context: ChannelHandlerContext) {
        guard lingers, !inputClosed else { return }
        inputClosed = true
        lingerEnds?.cancel()
        lingerEnds = nil
        if case .line(let bytes) = frame, let text = VisitorText.decode(bytes),
            let message = Self.crisisMessage(in: text, as: chatProtocol, safety: setup.assistant.safety)
        {
            traffic.lines += 1
            // Not closed to give its wait to a newcomer while its answer is on the way.
            stop.keepsPlace(true)
            answer(message, context: context)
            logger.notice("crisis answered on a connection turned away (chat full)")
        }
        // Once the answer is written (at once, or when an awaited one is delivered: drain closes then).
        if !awaiting { closeAfterWrites(context: context) }
    }

    /// The crisis in a line read on a connection turned away: a message that alarms, or one in a line the JSON port
    /// can't take (``RefusedLine``).
    private static func crisisMessage(
        in text: String, as chatProtocol: ChatProtocol, safety: CrisisDetector
    ) -> String? {
        switch ClientInput.parse(text, as: chatProtocol) {
        case .message(let message): safety.assess(message) != nil ? message : nil
        case .invalid: RefusedLine.crisisText(text, safety: safety)
        case .hello, .bye: RefusedLine.crisisText(inGreeting: text, safety: safety)
        case .blank: nil
        }
    }

    /// Takes the lines that waited, in order, until one must be awaited; says goodbye once the input has
    /// closed and every line is answered.
    private func drain(context: ChannelHandlerContext) {
        while !awaiting, !holding, !closing, !closed, context.channel.isWritable, let frame = queued.popFirst() {
            take(frame, context: context)
        }
        if queued.isEmpty { resumeReads(context: context) }
        if inputClosed, !awaiting, queued.isEmpty, !closing, !closed {
            if let reason = stop.reason {
                let formOpen = conversation.state.isCollectingCallback && conversation.state != .callbackConsent
                let text = ServerText.bye(reason, knowledge, formOpen: formOpen, safetyOpen: conversation.safetyOpen)
                send(.bye(reason, text: text), context: context)
                logger.info("said goodbye", metadata: ["reason": "\(reason.rawValue)"])
            }
            closeAfterWrites(context: context)
        }
        flushIfNeeded(context: context)
    }

    private func take(_ frame: LineFrame, context: ChannelHandlerContext) {
        // Closed for idleness or a line that never ended: what is left is that line's part, dropped unanswered.
        // Closed to make room (`busy`): the same.
        if let reason = stop.reason, reason == .idle || reason == .lineTimeout || reason == .busy { return }
        // Over the limit with the budget for refused lines spent: this line waits, unread lines stay in the socket,
        // and the client's writes block, until a line can be taken again. (After the end of input, what was read
        // is taken at once, as it always was.)
        let cost = Self.checkCost(frame)
        if !inputClosed, !limiter.wouldAllow(), !overLimit.wouldAllow(cost: cost) {
            queued.prepend(frame)
            return hold(context: context)
        }
        traffic.lines += 1
        let input: ClientInput
        /// Said after the reply: a too-long line is answered only when its kept ends hold a crisis.
        var note: String?
        switch frame {
        case .tooLong(let head, let tail):
            let refusal = ProtocolError.lineTooLong(maximum: setup.configuration.maximumLineLength, knowledge)
            if let text = LongLine.crisisText(head: head, tail: tail, as: chatProtocol, safety: setup.assistant.safety) {
                input = .message(text)
                note = refusal.message
            } else {
                input = .invalid(refusal)
            }
        case .line(var bytes):
            if chatProtocol == .text, let telnet = TelnetCommands.strip(bytes) {
                // A telnet client's commands (Ctrl-C, option negotiation): taken out, negotiation refused.
                bytes = telnet.text
                if !telnet.answer.isEmpty { sendRaw(telnet.answer, context: context) }
            }
            if let text = VisitorText.decode(bytes) {
                let parsed = ClientInput.parse(text, as: chatProtocol)
                if case .invalid(let refusal) = parsed,
                    let crisis = RefusedLine.crisisText(text, safety: setup.assistant.safety)
                {
                    // Not a line the JSON port takes, but a crisis typed into it: answered, with what went wrong.
                    input = .message(crisis)
                    note = refusal.message
                } else if parsed == .hello || parsed == .bye,
                    let crisis = RefusedLine.crisisText(inGreeting: text, safety: setup.assistant.safety)
                {
                    // A `hello` or `bye` carrying a crisis (QA29 S1-1): the crisis reply first, then the hello or
                    // the goodbye, once the reply is written.
                    input = .message(crisis)
                    afterAnswer = parsed
                } else {
                    input = parsed
                }
            } else if case .message(let text) = ClientInput.parse(String(decoding: bytes.readableBytesView, as: UTF8.self), as: chatProtocol),
                setup.assistant.safety.assess(text) != nil
            {
                // Not UTF-8, but what can be read of it is a crisis: answered, with the request to type it again.
                input = .message(text)
                note = ProtocolError.invalidUTF8(knowledge).message
            } else {
                input = .invalid(.invalidUTF8(knowledge))
            }
        }
        if case .blank = input {
            // Never answered, and no activity for the idle timeout; but a line all the same for the rate limit, so
            // that a flood of blank lines is held like any other.
            if limiter.allow() {
                stop.dropped()
            } else {
                _ = overLimit.allow(cost: cost)
                refuse(.rateLimited(knowledge), reply: false, context: context)
            }
            return
        }
        guard limiter.allow() else {
            // A crisis is answered even over the limit: someone pasting a long message or typing fast in distress
            // won't "send that again". The check costs microseconds; the lines it is run on have a budget (past it
            // the connection is held, above), and so do the answers it lets through, so a flood costs bounded work.
            if overLimit.allow(cost: cost), case .message(let message) = input,
                setup.assistant.safety.assess(message) != nil, crisisAnswers.allow()
            {
                answer(message, note: note, context: context)
                return takeAfterAnswer(context: context)
            }
            afterAnswer = nil
            // One notice per run of refused lines (it gives the numbers to call); the rest are dropped unanswered,
            // so a flood gets back at most a notice for each line it is allowed, not a reply for every line it sends.
            refuse(.rateLimited(knowledge), reply: !refusing, context: context)
            refusing = true
            return
        }
        refusing = false
        switch input {
        case .message(let message):
            answer(message, note: note, context: context)
            takeAfterAnswer(context: context)
        case .hello, .bye:
            greetOrLeave(input, context: context)
        case .invalid(let error):
            refuse(error, context: context)
        case .blank:
            return
        }
    }

    /// Answers a `hello` (the limits) or a `bye` (the goodbye, then the close).
    private func greetOrLeave(_ input: ClientInput, context: ChannelHandlerContext) {
        switch input {
        case .hello:
            send(.hello(setup.configuration), context: context)
        case .bye:
            _ = stop.request(.client)
            send(.bye(.client, text: ServerText.clientBye(knowledge)), context: context)
            logger.info("client said bye")
            closeAfterWrites(context: context)
        default:
            return
        }
    }

    /// The `hello` or `bye` whose crisis was just answered, once its answer is written (at once, or when an awaited
    /// one is delivered): never a goodbye and a close before the crisis reply.
    private func takeAfterAnswer(context: ChannelHandlerContext) {
        guard !awaiting, let input = afterAnswer else { return }
        afterAnswer = nil
        guard !closing, !closed else { return }
        greetOrLeave(input, context: context)
    }

    /// What is awaited off the event loop for a message.
    private enum Pending: Sendable {
        case respond(String)
        case finish(Conversation.Step)
    }

    /// Answers `message`; `note` is added to the reply's text (the too-long note for a crisis found in a long line).
    private func answer(_ message: String, note: String? = nil, context: ChannelHandlerContext) {
        let started = ContinuousClock.now
        // Most messages need no waiting: answered here and now, without a task.
        guard message.utf8.count <= Self.longMessageBytes else {
            return answerLater(.respond(message), note: note, started: started, context: context)
        }
        switch conversation.respondAtOnce(to: message, store: setup.store) {
        case .replied(let reply)?:
            deliver(reply, note: note, started: started, context: context)
        case .waiting(let step)?:
            answerLater(.finish(step), note: note, started: started, context: context)
        case nil:
            answerLater(.respond(message), note: note, started: started, context: context)
        }
    }

    /// Answers in a task (saves, counts, long messages), then delivers the answer back on the event loop and
    /// goes on with the lines that waited.
    private func answerLater(
        _ pending: Pending, note: String? = nil, started: ContinuousClock.Instant, context: ChannelHandlerContext
    ) {
        awaiting = true
        let conversation = self.conversation
        let store = setup.store
        // A save's way through the server, timed when a load test asks (``ServerConfiguration/saveTimings``).
        let timings: SaveTimings? = if case .finish(.save) = pending { setup.configuration.saveTimings } else { nil }
        if case .finish(.save) = pending { setup.clockWatch?.check(logger: logger) }
        let turn = timings == nil ? 0 : SaveTimings.now()
        let promise = context.eventLoop.makePromise(of: (Conversation, Reply, UInt64).self)
        promise.completeWithTask {
            timings?.note(.task, from: turn)
            var conversation = conversation
            let reply: Reply
            switch pending {
            case .respond(let message): reply = await conversation.respond(to: message, store: store)
            case .finish(let step): reply = await conversation.finish(step, store: store)
            }
            return (conversation, reply, timings == nil ? 0 : SaveTimings.now())
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        promise.futureResult.whenSuccess { conversation, reply, ended in
            let (session, context) = bound.value
            session.conversation = conversation
            session.awaiting = false
            guard !session.closed else { return }
            session.deliver(reply, note: note, started: started, context: context)
            session.takeAfterAnswer(context: context)
            if let timings {
                timings.note(.deliver, from: ended)
                timings.note(.serverTotal, from: turn)
            }
            session.drain(context: context)
        }
    }

    private func deliver(
        _ reply: Reply, note: String? = nil, started: ContinuousClock.Instant, context: ChannelHandlerContext
    ) {
        var reply = reply
        // A connection turned away closes after this answer: no "I'm still here", no call offered (QA22 O5).
        if !admitted && reply.crisis { reply = ServerText.crisisWhenFull(reply, knowledge) }
        if let note { reply.text += "\n\n" + note }
        // Only an answered message counts as activity for the idle timeout (marked before the write, so the
        // connection is never both answered and idle).
        stop.answered()
        stop.keepsPlace(conversation.safetyOpen || reply.crisis || conversation.state.isCollectingCallback)
        send(.reply(reply), context: context)
        let latency = ContinuousClock.now - started
        traffic.replied(in: latency)
        setup.metrics.replied(reply, latency: latency)
        // Per reply at debug: at info, a busy server would spend a tenth of its time on this line. Latency is
        // summed up at info when the connection closes; crises are logged at warning.
        if logsReplies { logReply(reply, latency: latency) }
    }

    private func refuse(_ error: ProtocolError, reply: Bool = true, context: ChannelHandlerContext) {
        // A flood of refused lines, on one connection or on many, is a few log lines, not one each (nor one per
        // connection): the connection's close line has its total.
        traffic.refusals += 1
        setup.lineRefusals?.refused("\(error.code)")
        if error.code == .rateLimited { setup.metrics.rateLimited() }
        if reply {
            send(.error(error), context: context)
        } else {
            stop.dropped()
        }
    }

    // MARK: - Writing

    private func send(_ output: ServerOutput, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 512)
        output.write(for: chatProtocol, into: &buffer)
        context.write(Self.wrapOutboundOut(buffer), promise: nil)
        unflushed = true
    }

    /// Bytes as they are (telnet's answers), before whatever is sent next.
    private func sendRaw(_ bytes: [UInt8], context: ChannelHandlerContext) {
        context.write(Self.wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        unflushed = true
    }

    private func flushIfNeeded(context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    /// Closes the connection once everything written so far has reached the socket (a close drops writes still
    /// queued: a slow client, a full socket buffer).
    private func closeAfterWrites(context: ChannelHandlerContext) {
        closing = true
        unflushed = false
        let channel = context.channel
        context.writeAndFlush(Self.wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }

    /// What taking a line over the limit costs from ``overLimit``: one line, and one more per KB the crisis check
    /// reads (a too-long line is checked at both its kept ends), so that a flood of long lines is held as soon
    /// as a flood of short ones costs.
    private static func checkCost(_ frame: LineFrame) -> Int {
        switch frame {
        case .line(let bytes): 1 + bytes.readableBytes / 1024
        case .tooLong(let head, let tail): 1 + (head.readableBytes + tail.readableBytes) / 1024
        }
    }

    /// Charges the bytes of a too-long line, dropped as they were read (before the line ends, if it ever does), to
    /// the budget of refused lines: one line's worth per KB, as the crisis check of a long line costs. A line that
    /// never ends is then read as fast as a flood of finished ones, not at the sender's speed: once the budget is
    /// spent, the connection is held until it has refilled for a few KB. (Its kept ends are charged again when it
    /// ends, with the one "too long" answer it gets.)
    private func charge(_ bytes: Int, context: ChannelHandlerContext) {
        traffic.droppedBytes += bytes
        unchargedBytes += bytes
        let kilobytes = unchargedBytes / 1024
        guard kilobytes > 0 else { return }
        unchargedBytes -= kilobytes * 1024
        overLimit.spend(kilobytes)
        guard !inputClosed, !closed, !overLimit.wouldAllow() else { return }
        hold(context: context, wait: overLimit.timeUntil(Self.linesPerHold) ?? .seconds(1), reason: "a line over the maximum")
    }

    /// Stops framing and reading lines until the rate limit or the refused-line budget lets a line be taken again.
    private func hold(context: ChannelHandlerContext) {
        let wait = [limiter.timeUntil(1), overLimit.timeUntil(Self.linesPerHold)].compactMap { $0 }.min() ?? .seconds(1)
        hold(context: context, wait: wait, reason: "over the rate limit")
    }

    /// Stops framing and reading lines for `wait`.
    private func hold(context: ChannelHandlerContext, wait: Duration, reason: String) {
        guard !holding else { return }
        holding = true
        context.triggerUserOutboundEvent(LineFramingHandler.Flow.hold, promise: nil)
        var metadata: Logger.Metadata = ["lines": "\(traffic.lines)", "hold_ms": "\(Self.milliseconds(wait))"]
        if traffic.droppedBytes > 0 { metadata["dropped_kb"] = "\(traffic.droppedBytes / 1024)" }
        logger.debug("reads held: \(reason)", metadata: metadata)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        holdEnds = context.eventLoop.scheduleTask(in: TimeAmount(wait)) {
            let (session, context) = bound.value
            session.endHold(context: context)
        }
    }

    /// Takes the line that waited, then lets the framing handler go on (unless the line held it again).
    private func endHold(context: ChannelHandlerContext) {
        guard holding else { return }
        holding = false
        holdEnds?.cancel()
        holdEnds = nil
        drain(context: context)
        if !holding, !closed { context.triggerUserOutboundEvent(LineFramingHandler.Flow.resume, promise: nil) }
    }

    /// Stops reading the socket while lines wait: what one connection buffers stays bounded.
    private func pauseReads(context: ChannelHandlerContext) {
        guard !readsPaused else { return }
        readsPaused = true
        try? context.channel.syncOptions?.setOption(.autoRead, value: false)
    }

    private func resumeReads(context: ChannelHandlerContext) {
        guard readsPaused, !closed else { return }
        readsPaused = false
        try? context.channel.syncOptions?.setOption(.autoRead, value: true)
    }

    // MARK: - Logging

    private func logReply(_ reply: Reply, latency: Duration) {
        logger.debug(
            "reply",
            metadata: [
                "intent": .string(reply.intent.rawValue), "state": .string(reply.state.rawValue),
                "crisis": .string(reply.crisis ? "true" : "false"), "latency_ms": "\(Self.milliseconds(latency))",
            ])
    }

    private func logClosed() {
        var metadata: Logger.Metadata = [
            "reason": "\(stop.reason?.rawValue ?? "client closed")", "lines": "\(traffic.lines)",
            "replies": "\(traffic.replies)", "duration_s": "\(Self.seconds(ContinuousClock.now - opened))",
        ]
        if traffic.refusals > 0 { metadata["refused"] = "\(traffic.refusals)" }
        if traffic.droppedBytes > 0 { metadata["dropped_kb"] = "\(traffic.droppedBytes / 1024)" }
        if traffic.replies > 0 {
            metadata["latency_ms_avg"] = "\(Self.milliseconds(traffic.replyTime / traffic.replies))"
            metadata["latency_ms_max"] = "\(Self.milliseconds(traffic.slowestReply))"
        }
        logger.log(level: setup.logsConnection ? .info : .debug, "connection closed", metadata: metadata)
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
