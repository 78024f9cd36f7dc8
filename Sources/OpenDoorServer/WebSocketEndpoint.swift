import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The chat's WebSocket endpoint: the HTTP handshake, then JSON lines carried in WebSocket frames, for the web widget.
///
/// One process and the server's own limits, where the websockify bridge cost a process (~28 MB) per open chat with
/// no cap and buffered frames of any length (QA21 O2). A connection starts as HTTP: ``WebSocketHandshakeHandler``
/// answers anything but a WebSocket upgrade from an allowed page, and closes one whose handshake doesn't come within
/// the line timeout. After the upgrade NIO's frame decoder refuses a frame longer than ``maximumFrameSize`` from its
/// header, before reading the payload (close code 1009), and ``WebSocketBridgeHandler`` turns the frames into the
/// byte stream the line pipeline reads, so that the per-address cap, the timeouts, the line limit and the rate limits
/// all apply as on the JSON-lines port.
package struct WebSocketEndpoint: Sendable {
    /// The pages allowed to open a WebSocket (`Origin`, as `https://www.example.org`); empty: any.
    package var allowedOrigins: [String]
    /// The longest frame payload taken, in bytes.
    package var maximumFrameSize: Int
    /// How often a quiet connection is pinged; nil: never.
    package var pingInterval: TimeAmount?
    /// The proxies whose `X-Forwarded-For` (or `Forwarded`) names the visitor (``TrustedProxies``, as the console).
    package var trustedProxies: TrustedProxies

    /// The endpoint of a server configuration.
    package init(_ configuration: ServerConfiguration) {
        allowedOrigins = configuration.webSocketOrigins.map(Self.normalized)
        maximumFrameSize = configuration.maximumWebSocketFrameSize
        pingInterval = configuration.webSocketPingInterval.map { TimeAmount($0) }
        trustedProxies = configuration.trustedProxies
    }

    /// The visitor's address on a new WebSocket: from a trusted proxy (the TLS proxy browsers reach the chat through),
    /// the last untrusted hop of `X-Forwarded-For`, or of `Forwarded` when there is none (QA23 O2); else the peer.
    /// Behind a TCP proxy the peer is the one its PROXY header names (`introduction`): its headers count only when it
    /// is a trusted proxy too (a TLS proxy in front of HAProxy); a header naming no one leaves the headers unread,
    /// since through a TCP proxy anyone can write them.
    func client(of channel: any Channel, head: HTTPRequestHead, introduction: ProxyHeader.Introduction = .none) -> String? {
        let peer: String
        switch introduction {
        case .none:
            guard let address = channel.remoteAddress?.ipAddress else { return nil }
            peer = address
        case .header(let client):
            // No one named: the proxy's own connection, or a family without an address.
            guard let client else { return nil }
            peer = client
        }
        let hops = TrustedProxies.forwardedHops(
            xForwardedFor: head.headers["X-Forwarded-For"], forwarded: head.headers["Forwarded"])
        return trustedProxies.clientAddress(peer: peer, forwardedFor: hops)
    }

    /// The subprotocol the widget asks for by default (websockify's name for raw bytes in binary frames).
    static let binarySubprotocol = "binary"

    /// Whether a page at `origin` (nil: no `Origin` header, not a browser) may open a WebSocket.
    func allows(origin: String?) -> Bool {
        guard let origin, !allowedOrigins.isEmpty else { return true }
        return allowedOrigins.contains(Self.normalized(origin))
    }

    /// An origin as compared: lower case, without a trailing slash.
    static func normalized(_ origin: String) -> String {
        var origin = origin.trimmingASCIISpaces.lowercased()
        while origin.hasSuffix("/") { origin.removeLast() }
        return origin
    }

    /// Whether the handshake asked for the `binary` subprotocol (then replies go in binary frames, else text frames).
    static func wantsBinary(_ head: HTTPRequestHead) -> Bool {
        head.headers[canonicalForm: "Sec-WebSocket-Protocol"].contains {
            String($0).trimmingASCIISpaces == binarySubprotocol
        }
    }

    /// The most header fields a handshake may have (as the staff console's); more get 400 (QA24 S3-3).
    static let maximumHeaderFields = 64

    /// Sets up a new connection's pipeline for the handshake; once a WebSocket is open, `upgraded` adds the line
    /// pipeline (timeouts, framing, the chat's handler) after ``WebSocketBridgeHandler``.
    /// `introduction` is what a trusted TCP proxy's PROXY header said before the handshake (``client(of:head:introduction:)``).
    func configure(
        _ channel: any Channel, handshakeTimeout: TimeAmount, introduction: ProxyHeader.Introduction = .none,
        upgraded: @escaping @Sendable (any Channel, String?) throws -> Void
    ) throws {
        let handshake = WebSocketHandshakeHandler(endpoint: self, timeout: handshakeTimeout)
        let boundHandshake = NIOLoopBound(handshake, eventLoop: channel.eventLoop)
        let endpoint = self
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: maximumFrameSize,
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                let origin = head.headers.first(name: "Origin")
                // RFC 6455 4.1: the handshake is a GET (QA23 O4); the handshake handler answers others with 405.
                guard head.method == .GET, endpoint.allows(origin: origin),
                    head.headers.count <= Self.maximumHeaderFields
                else { return channel.eventLoop.makeSucceededFuture(nil) }
                var headers = HTTPHeaders()
                if Self.wantsBinary(head) { headers.add(name: "Sec-WebSocket-Protocol", value: Self.binarySubprotocol) }
                return channel.eventLoop.makeSucceededFuture(headers)
            },
            upgradePipelineHandler: { channel, head in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    pipeline.removeHandler(boundHandshake.value).whenFailure { _ in }
                    // Before the frame decoder: a frame still arriving counts against the line timeout.
                    try pipeline.addHandler(WebSocketFrameClock(), position: .first)
                    try pipeline.addHandler(
                        WebSocketBridgeHandler(binary: Self.wantsBinary(head), pingInterval: endpoint.pingInterval))
                    try upgraded(channel, endpoint.client(of: channel, head: head, introduction: introduction))
                }
            }
        )
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: false,
            withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }),
            withErrorHandling: true
        )
        try pipeline.addHandler(handshake)
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingASCIISpaces: String {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}
