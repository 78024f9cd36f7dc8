import NIOCore

/// Ends a connection that `IdleStateHandler` reports idle: NIOAsyncChannel does not pass user events on.
///
/// The first idle event closes the input, so the connection's task stops reading, says goodbye and
/// closes. If the connection is still open at the next idle event (a client that doesn't read what it is
/// sent, so the goodbye can't be written), it is closed outright.
final class IdleTimeoutHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private let stop: ConnectionStop

    init(stop: ConnectionStop) {
        self.stop = stop
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if stop.request(.idle) {
            context.close(mode: .input, promise: nil)
        } else {
            context.close(mode: .all, promise: nil)
        }
    }
}
