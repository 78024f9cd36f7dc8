import NIOCore
import NIOWebSocket

/// Between an open WebSocket and the line pipeline: the payloads of data frames go on as the byte stream a TCP
/// connection would carry (a frame may hold part of a JSON line or several, as websockify relayed them), and each
/// reply written goes out as one frame (binary when the client asked for the `binary` subprotocol, else text).
///
/// It answers pings, pings a quiet connection itself (``WebSocketEndpoint/pingInterval``; neither counts as the
/// visitor's activity, as the idle timeout sits after this handler), closes a frame the protocol forbids (unmasked,
/// reserved bits, unknown opcode) with 1002, and answers a close frame with one before closing. A connection the
/// server closes (a goodbye, the idle timeout, shutdown) gets a close frame first (1000).
final class WebSocketBridgeHandler: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private let binary: Bool
    private let pingInterval: TimeAmount?
    private var pinger: RepeatedTask?
    /// Whether a close frame went out: nothing may follow it.
    private var closeSent = false
    /// The last frame written, which an empty write (a "tell me when all is written") waits for.
    private var lastWrite: EventLoopFuture<Void>?

    init(binary: Bool, pingInterval: TimeAmount?) {
        self.binary = binary
        self.pingInterval = pingInterval
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let pingInterval else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        pinger = context.eventLoop.scheduleRepeatedTask(initialDelay: pingInterval, delay: pingInterval) { _ in
            let (handler, context) = loopBound.value
            guard !handler.closeSent, context.channel.isActive else { return }
            let ping = WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer())
            context.writeAndFlush(handler.wrapOutboundOut(ping), promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        pinger?.cancel()
        pinger = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        pinger?.cancel()
        pinger = nil
        context.fireChannelInactive()
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        // RFC 6455 5.1 and 5.2: a client masks every frame, and no extension was agreed that uses the reserved bits.
        guard frame.maskKey != nil, !frame.rsv1, !frame.rsv2, !frame.rsv3 else {
            return fail(.protocolError, context: context)
        }
        switch frame.opcode {
        case .text, .binary, .continuation:
            guard !closeSent else { return }
            let payload = frame.unmaskedData
            if payload.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(payload)) }
        case .ping:
            guard !closeSent else { return }
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            break
        case .connectionClose:
            // The visitor left: answer the close (echoing its code) and close; the chat ends as on a TCP close.
            guard !closeSent else { return context.close(promise: nil) }
            var data = frame.unmaskedData
            sendClose(data.readWebSocketErrorCode() ?? .normalClosure, context: context)
            context.close(promise: nil)
        default:
            fail(.protocolError, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO's protocol error handler (before this one) has sent the close frame for it (1009 for a frame over the
        // cap, 1002 for a broken one): none of ours may follow.
        if error is NIOWebSocketError { closeSent = true }
        context.fireErrorCaught(error)
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        guard !closeSent else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        guard bytes.readableBytes > 0 else {
            // The chat's "everything so far has been written" before it closes: no frame of its own.
            if let lastWrite { lastWrite.cascade(to: promise) } else { promise?.succeed() }
            return
        }
        let frame = WebSocketFrame(fin: true, opcode: binary ? .binary : .text, data: bytes)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(frame), promise: written)
        lastWrite = written.futureResult
        written.futureResult.cascade(to: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, !closeSent, context.channel.isActive else {
            return context.close(mode: mode, promise: promise)
        }
        // Not waiting for the frame to be written: a close must not wait on a visitor who doesn't read (the forced
        // close after the grace period comes here too). The chat closes once its own writes are out, so the frame
        // goes straight to the socket.
        sendClose(.normalClosure, context: context)
        context.close(mode: mode, promise: promise)
    }

    // MARK: - Closing

    /// Sends a close frame with `code`, flushed, unless one went out already.
    private func sendClose(_ code: WebSocketErrorCode, context: ChannelHandlerContext) {
        guard !closeSent else { return }
        closeSent = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// Closes the connection for a frame the protocol forbids.
    private func fail(_ code: WebSocketErrorCode, context: ChannelHandlerContext) {
        sendClose(code, context: context)
        context.close(promise: nil)
    }
}
