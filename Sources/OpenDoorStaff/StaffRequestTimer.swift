import NIOCore
import NIOHTTPTypes

/// Closes a staff console connection that takes too long at any step of a request: its headers (counted from
/// when the connection opened or its last response was written), its body (from the headers), or taking its
/// response (from the end of the request).
///
/// Hummingbird's own idle timeout is reset by every part read, so a body sent a byte at a time (a slow POST) held
/// a connection for as long as the client liked; here each step has a deadline that reading doesn't move. Headers
/// trickled a byte at a time never make a part at all, so they meet the header deadline.
final class StaffRequestTimer: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// The deadlines of each step.
    struct Timeouts: Sendable {
        var header: Duration
        var body: Duration
        var response: Duration
    }

    private let timeouts: Timeouts
    /// Whether the request being served has been read whole, and its response written whole.
    private var requestEnded = true
    private var responseEnded = true
    private var deadline: Scheduled<Void>?

    init(timeouts: Timeouts) {
        self.timeouts = timeouts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { schedule(timeouts.header, context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        schedule(timeouts.header, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head:
            requestEnded = false
            responseEnded = false
            schedule(timeouts.body, context: context)
        case .body:
            break
        case .end:
            requestEnded = true
            // A response written before the body was read whole (a 413) ends the exchange here.
            schedule(responseEnded ? timeouts.header : timeouts.response, context: context)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = Self.unwrapOutboundIn(data) {
            responseEnded = true
            // The next request's headers are due from here; a body still unread keeps its own deadline.
            if requestEnded { schedule(timeouts.header, context: context) }
        }
        context.write(data, promise: promise)
    }

    private func schedule(_ timeout: Duration, context: ChannelHandlerContext) {
        deadline?.cancel()
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        let loop = context.eventLoop.assumeIsolated()
        deadline = loop.scheduleTask(in: .nanoseconds(nanoseconds)) { [context] in
            context.close(promise: nil)
        }
    }
}

@available(*, unavailable)
extension StaffRequestTimer: Sendable {}
