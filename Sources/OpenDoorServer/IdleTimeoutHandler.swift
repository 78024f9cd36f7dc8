import NIOCore

/// Ends a connection that `IdleStateHandler` reports idle: NIOAsyncChannel does not pass user events on.
///
/// `IdleStateHandler` sits before it with an all-idle timeout: reads and completed writes both count as
/// activity, so a visitor's idle time starts when the server's last reply reached them, not when they
/// last typed. While the visitor's latest line is still unanswered (the server is busy or slow), the
/// visitor is not idle, and the event is ignored.
///
/// On idle it closes the input, so the connection's task stops reading, says goodbye and closes. A
/// client that doesn't read can't be told goodbye (the write waits forever), so the connection is closed
/// outright if it is still open after the grace period.
final class IdleTimeoutHandler: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private let stop: ConnectionStop
    private let grace: TimeAmount
    private var forcedClose: Scheduled<Void>?
    /// Bytes came in after the server last wrote: the visitor is waiting for us, not idle.
    private var owesReply = false

    init(stop: ConnectionStop, grace: TimeAmount) {
        self.stop = stop
        self.grace = grace
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owesReply = true
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        owesReply = false
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .all else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        // Already closing (idle before, or shutting down): the first closer's deadline stands.
        guard !owesReply, stop.request(.idle) else { return }
        context.close(mode: .input, promise: nil)
        let channel = context.channel
        forcedClose = context.eventLoop.scheduleTask(in: grace) { channel.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        forcedClose?.cancel()
        forcedClose = nil
        context.fireChannelInactive()
    }
}
