import NIOCore
import NIOWebSocket

/// Between an open WebSocket and the line pipeline: the payloads of data frames go on as the byte stream a TCP
/// connection would carry (a frame may hold part of a JSON line or several, as websockify relayed them), and each
/// reply written goes out as one frame (binary when the client asked for the `binary` subprotocol, else text).
///
/// It answers pings, at most ``answeredPingsPerSecond`` a second, and closes a connection sending more than
/// ``maximumEmptyFramesPerSecond`` frames that carry nothing for the chat (pings, pongs, empty data frames) in a second
/// with 1008: a ping flood costs the event loop what a line flood can't (QA23 O3). It pings a quiet connection itself
/// (``WebSocketEndpoint/pingInterval``; neither counts as the visitor's activity, as the idle timeout sits after this
/// handler), closes a frame the protocol forbids with 1002 (unmasked, reserved bits, unknown opcode, a continuation
/// with no message to continue, a new message inside a fragmented one, a close frame whose code is 1 byte long or may
/// not be sent; QA23 O4), and answers a close frame with one before closing. A close frame ends the visitor's input as
/// a TCP half-close does on the other ports: a last line sent without its line break is answered first (a crisis
/// typed and sent as the page closes; QA27 S3-2), then the close is answered. A connection the server closes (a
/// goodbye, the idle timeout, shutdown) gets a close frame first (1000).
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
    /// Whether a data frame without FIN came: only continuations may follow until one with FIN.
    private var fragmented = false
    /// The code the visitor's close frame is answered with, once one came: nothing it sends after counts.
    private var closeAnswer: WebSocketErrorCode?
    /// The second counted in and how many pings and empty frames came in it.
    private var emptyFrames: (since: NIODeadline, pings: Int, all: Int) = (.distantPast, 0, 0)

    /// The most pings a second answered; more in the same second go unanswered (RFC 6455 5.5.3 allows answering
    /// only the latest).
    static let answeredPingsPerSecond = 5
    /// The most frames carrying nothing for the chat (pings, pongs, empty data frames) a connection may send in a
    /// second; one more and it is closed with 1008 (policy violation). A browser sends none.
    static let maximumEmptyFramesPerSecond = 50
    /// How long the chat has, after the visitor's close frame, to answer what it read before the close is answered and
    /// the connection closed.
    static let closeAnswerWait = TimeAmount.seconds(10)

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
        // After the visitor's close frame (RFC 6455 5.5.1: it sends no more data), only a broken frame counts.
        guard closeAnswer == nil else { return }
        switch frame.opcode {
        case .text, .binary, .continuation:
            guard !closeSent else { return }
            // RFC 6455 5.4: a continuation continues a message; a new message waits for the last one's end.
            guard (frame.opcode == .continuation) == fragmented else { return fail(.protocolError, context: context) }
            fragmented = !frame.fin
            let payload = frame.unmaskedData
            if payload.readableBytes > 0 {
                context.fireChannelRead(wrapInboundOut(payload))
            } else if !countEmpty(ping: false, context: context) {
                return
            }
        case .ping:
            guard !closeSent, countEmpty(ping: true, context: context) else { return }
            guard emptyFrames.pings <= Self.answeredPingsPerSecond else { return }
            context.writeAndFlush(
                wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            guard !closeSent else { return }
            _ = countEmpty(ping: false, context: context)
        case .connectionClose:
            guard !closeSent else { return context.close(promise: nil) }
            // The visitor left: its input ends as on a TCP half-close, so the chat answers a last line sent without
            // its line break (RFC 6455 5.5.1 lets the answer to a close wait for a message being sent), then closes,
            // and the close is answered then, echoing its code. A chat that takes too long is closed all the same.
            closeAnswer = Self.answer(toClose: frame.unmaskedData)
            let channel = context.channel
            let forced = context.eventLoop.scheduleTask(in: Self.closeAnswerWait) { channel.close(promise: nil) }
            channel.closeFuture.whenComplete { _ in forced.cancel() }
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        default:
            fail(.protocolError, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The visitor's close frame ended the input already: its TCP half-close after it says nothing more.
        if closeAnswer != nil, event as? ChannelEvent == .inputClosed { return }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // NIO's protocol error handler (before this one) has sent the close frame for it (1009 for a frame over the
        // cap, 1002 for a broken one): none of ours may follow.
        if error is NIOWebSocketError { closeSent = true }
        context.fireErrorCaught(error)
    }

    /// Counts a frame that carries nothing for the chat; false, after closing the connection with 1008, once there
    /// are more than ``maximumEmptyFramesPerSecond`` in a second.
    private func countEmpty(ping: Bool, context: ChannelHandlerContext) -> Bool {
        let now = NIODeadline.now()
        if now - emptyFrames.since >= .seconds(1) { emptyFrames = (now, 0, 0) }
        emptyFrames.all += 1
        if ping { emptyFrames.pings += 1 }
        guard emptyFrames.all <= Self.maximumEmptyFramesPerSecond else {
            fail(.policyViolation, context: context)
            return false
        }
        return true
    }

    /// The code a close frame with `payload` is answered with: its own, if one an endpoint may send (RFC 6455 7.4);
    /// 1000 for none; 1002 for a 1-byte payload or a code that may not be sent (1005, 1006, 1015, unassigned); 1007
    /// for a reason that isn't UTF-8 (RFC 6455 5.5.1, 8.1; QA24 S3-2).
    static func answer(toClose payload: ByteBuffer) -> WebSocketErrorCode {
        var payload = payload
        guard payload.readableBytes > 0 else { return .normalClosure }
        guard let code = payload.readInteger(as: UInt16.self) else { return .protocolError }
        guard String(validating: payload.readableBytesView, as: UTF8.self) != nil else {
            return .dataInconsistentWithMessage
        }
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: return WebSocketErrorCode(codeNumber: Int(code))
        default: return .protocolError
        }
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
        sendClose(closeAnswer ?? .normalClosure, context: context)
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
