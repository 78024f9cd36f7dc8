import NIOCore

/// Admits its channel through a ``ConnectionCap`` when the channel becomes active, closing it at once if refused,
/// and releases it when the channel closes. Put it in every accepted channel's pipeline; it passes everything on.
public final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = NIOAny

    private let cap: ConnectionCap
    /// The address counted, while admitted.
    private var admitted: String?
    private var decided = false

    /// A handler counting its channel in `cap`.
    public init(cap: ConnectionCap) {
        self.cap = cap
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        admit(context: context)
        guard admitted != nil else { return }
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func admit(context: ChannelHandlerContext) {
        guard !decided else { return }
        decided = true
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        if cap.admit(address) {
            admitted = address
        } else {
            context.close(promise: nil)
        }
    }

    private func release() {
        guard let address = admitted else { return }
        admitted = nil
        cap.release(address)
    }
}

@available(*, unavailable)
extension ConnectionCapHandler: Sendable {}
