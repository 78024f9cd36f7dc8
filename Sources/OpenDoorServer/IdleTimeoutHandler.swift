import NIOCore

/// Ends a connection that has gone quiet, or whose line takes too long to arrive.
///
/// Idleness is measured in real messages: the idle time starts when the connection opened or when the
/// session last answered a visitor's message (``ConnectionStop/answered(at:)``), whichever is later.
/// Blank lines, refused lines (not JSON, too fast, too long) and `hello` don't reset it, nor do bytes of a
/// line still missing its break: a client that trickles one byte a second (slowloris) or sends a blank
/// line every second is idle like one that sends nothing. A line must also arrive whole within the line
/// timeout of its first byte. While a line with content is still unanswered (the server is busy), the
/// visitor is not idle.
///
/// On a timeout it closes the input, so the connection's handler stops reading, says goodbye and closes. A
/// client that doesn't read can't be told goodbye (the write waits forever), so the connection is closed
/// outright if it is still open after the grace period. (Idleness here is counted in answered messages,
/// which NIO's `IdleStateHandler` can't see, so this is a handler of its own.)
final class IdleTimeoutHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private let stop: ConnectionStop
    private let timeouts: LineListener.Timeouts
    /// When the connection opened: idle time counts from here until the first message is answered.
    private var opened = NIODeadline.now()
    /// When the first byte of the line still waiting for its break arrived; nil between lines.
    private var lineStarted: NIODeadline?
    /// When the WebSocket frame still arriving began (``WebSocketFrameClock``); nil between frames and on other ports.
    private var frameStarted: NIODeadline?
    /// The line still waiting for its break has more than whitespace.
    private var lineHasContent = false
    /// When a line with content came in that nothing has been written for since: the visitor is waiting
    /// for us, not idle. Cleared by a write, or by the session dropping a line without a reply.
    private var owedSince: NIODeadline?
    private var check: Scheduled<Void>?
    private var checkDeadline = NIODeadline.distantFuture
    private var forcedClose: Scheduled<Void>?

    init(stop: ConnectionStop, timeouts: LineListener.Timeouts) {
        self.stop = stop
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Self.unwrapInboundIn(data)
        let now = context.eventLoop.now
        var completed = false
        var lineHasContent = self.lineHasContent
        var partial = lineStarted != nil
        bytes.withUnsafeReadableBytes { buffer in
            for byte in buffer {
                if Self.isLineBreak(byte) {
                    if lineHasContent && owedSince == nil { owedSince = now }
                    completed = true
                    lineHasContent = false
                    partial = false
                } else {
                    partial = true
                    if byte != 0x20 && byte != 0x09 { lineHasContent = true }
                }
            }
        }
        self.lineHasContent = lineHasContent
        if completed {
            lineStarted = partial ? now : nil
        } else if partial && lineStarted == nil {
            lineStarted = now
        }
        if let lineStarted { schedule(at: lineStarted + timeouts.line, context: context) }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? PartialFrame {
        case .started(let at):
            frameStarted = at
            schedule(at: at + timeouts.line, context: context)
        case .ended:
            frameStarted = nil
        case nil:
            context.fireUserInboundEventTriggered(event)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        owedSince = nil
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        forcedClose?.cancel()
        forcedClose = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
    }

    // MARK: - Timers

    private func start(context: ChannelHandlerContext) {
        guard check == nil else { return }
        opened = context.eventLoop.now
        schedule(at: opened + timeouts.idle, context: context)
    }

    /// Makes sure a check runs no later than `deadline` (one timer per connection, moved only earlier).
    private func schedule(at deadline: NIODeadline, context: ChannelHandlerContext) {
        guard check == nil || deadline < checkDeadline else { return }
        check?.cancel()
        checkDeadline = deadline
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        check = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = loopBound.value
            handler.check = nil
            handler.timerFired(context: context)
        }
    }

    private func timerFired(context: ChannelHandlerContext) {
        guard context.channel.isActive, stop.reason == nil else { return }
        let now = context.eventLoop.now
        // A line, or a WebSocket frame, must arrive whole within the line timeout of its first byte.
        let lineDeadline = [lineStarted, frameStarted].compactMap { $0 }.min().map { $0 + timeouts.line }
        if let owed = owedSince, let dropped = stop.lastDropped, dropped >= owed { owedSince = nil }
        let lastActivity = max(opened, stop.lastAnswered ?? opened)
        let idleDeadline = owedSince == nil ? lastActivity + timeouts.idle : nil
        if let lineDeadline, lineDeadline <= now {
            closeIdle(.lineTimeout, context: context)
        } else if let idleDeadline, idleDeadline <= now {
            closeIdle(.idle, context: context)
        } else {
            let next = [lineDeadline, idleDeadline].compactMap { $0 }.min() ?? now + timeouts.idle
            schedule(at: next, context: context)
        }
    }

    private func closeIdle(_ reason: ByeReason, context: ChannelHandlerContext) {
        // Already closing (shutting down): the first closer's deadline stands.
        guard stop.request(reason) else { return }
        guard context.channel.isActive else { return context.close(promise: nil) }
        context.close(mode: .input, promise: nil)
        let channel = context.channel
        forcedClose = context.eventLoop.scheduleTask(in: timeouts.closeGracePeriod) { channel.close(promise: nil) }
    }

    /// The bytes ``LineFrameDecoder`` breaks lines at: `\n`, vertical tab, form feed, `\r`.
    @inline(__always)
    private static func isLineBreak(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "\n")...UInt8(ascii: "\r")).contains(byte)
    }
}
