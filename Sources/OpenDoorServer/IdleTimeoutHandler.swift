import NIOCore

/// Ends a connection that has gone quiet, or whose line takes too long to arrive.
///
/// Idleness is measured in complete lines: the idle time starts at the visitor's last complete line or
/// the server's last reply, whichever is later, and bytes of a line still missing its break don't reset
/// it. So a client that trickles one byte a second (slowloris) is idle like one that sends nothing. A line
/// must also arrive whole within the line timeout of its first byte. While a line with content is still
/// unanswered (the server is busy), the visitor is not idle.
///
/// On a timeout it closes the input, so the connection's task stops reading, says goodbye and closes. A
/// client that doesn't read can't be told goodbye (the write waits forever), so the connection is closed
/// outright if it is still open after the grace period. (`NIOAsyncChannel` passes no user events on, so
/// this is a handler of its own rather than NIO's `IdleStateHandler` plus one.)
final class IdleTimeoutHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private let stop: ConnectionStop
    private let timeouts: LineListener.Timeouts
    /// The visitor's last complete line or the server's last write: idle time counts from here.
    private var lastActivity = NIODeadline.now()
    /// When the first byte of the line still waiting for its break arrived; nil between lines.
    private var lineStarted: NIODeadline?
    /// The line still waiting for its break has more than whitespace.
    private var lineHasContent = false
    /// A line with content came in after the server last wrote: the visitor is waiting for us, not idle.
    private var owesReply = false
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
                    if lineHasContent { owesReply = true }
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
            lastActivity = now
            lineStarted = partial ? now : nil
        } else if partial && lineStarted == nil {
            lineStarted = now
        }
        if let lineStarted { schedule(at: lineStarted + timeouts.line, context: context) }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        owesReply = false
        lastActivity = context.eventLoop.now
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
        lastActivity = context.eventLoop.now
        schedule(at: lastActivity + timeouts.idle, context: context)
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
        let lineDeadline = lineStarted.map { $0 + timeouts.line }
        let idleDeadline = owesReply ? nil : lastActivity + timeouts.idle
        if let lineDeadline, lineDeadline <= now {
            closeIdle(context: context)
        } else if let idleDeadline, idleDeadline <= now {
            closeIdle(context: context)
        } else {
            let next = [lineDeadline, idleDeadline].compactMap { $0 }.min() ?? now + timeouts.idle
            schedule(at: next, context: context)
        }
    }

    private func closeIdle(context: ChannelHandlerContext) {
        // Already closing (shutting down): the first closer's deadline stands.
        guard stop.request(.idle) else { return }
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
