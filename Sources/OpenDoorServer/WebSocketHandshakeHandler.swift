import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The last handler of a WebSocket connection until its upgrade: answers every request that isn't a WebSocket
/// handshake it may accept (403 for a page not allowed, 405 for an upgrade that isn't a GET, 400 for a broken
/// handshake or one with more than 64 header fields, 426 for plain HTTP) and closes, and closes a connection whose handshake hasn't come within the timeout
/// (a client that opens connections and says nothing can't hold them). Removed once the WebSocket is open.
final class WebSocketHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let endpoint: WebSocketEndpoint
    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var answered = false

    init(endpoint: WebSocketEndpoint, timeout: TimeAmount) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data), !answered else { return }
        answered = true
        let asksUpgrade = head.headers[canonicalForm: "Upgrade"].contains { $0.lowercased() == "websocket" }
        let (status, text): (HTTPResponseStatus, String)
        if head.headers.count > WebSocketEndpoint.maximumHeaderFields {
            (status, text) = (.badRequest, "Too many header fields.\n")
        } else if asksUpgrade && head.method != .GET {
            (status, text) = (.methodNotAllowed, "A WebSocket handshake is a GET.\n")
        } else if asksUpgrade && !endpoint.allows(origin: head.headers.first(name: "Origin")) {
            (status, text) = (.forbidden, "This page may not open the chat.\n")
        } else if asksUpgrade {
            (status, text) = (.badRequest, "Not a WebSocket handshake this server takes (version 13).\n")
        } else {
            (status, text) = (.upgradeRequired, "This is the chat's WebSocket endpoint; connect with a WebSocket.\n")
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(text.utf8.count)")
        headers.add(name: "Connection", value: "close")
        if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET") }
        if status == .upgradeRequired {
            headers.add(name: "Upgrade", value: "websocket")
        }
        let response = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        context.write(wrapOutboundOut(.head(response)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The server stopping (or the client half-closing) before the handshake: nothing to say goodbye to.
        if event as? ChannelEvent == .inputClosed, !answered { return context.close(promise: nil) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A refused or broken handshake: NIO says why, then hands the request on, which is answered above.
        if error is NIOWebSocketUpgradeError { return }
        context.close(promise: nil)
    }
}
