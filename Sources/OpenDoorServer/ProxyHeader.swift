import NIOCore

/// The PROXY protocol header (HAProxy's `send-proxy` and `send-proxy-v2`, haproxy.org/download/2.8/doc/proxy-protocol.txt)
/// that a proxy sends before a connection's first byte, naming the visitor it carries (QA29 S1-3: behind HAProxy every
/// visitor came from the proxy's address, and one flooder spent the rate budget of all).
///
/// Read only on connections from a `--trusted-proxy` address when `--proxy-protocol` is on: anyone else could name
/// any address.
enum ProxyHeader {
    /// What the first bytes of a connection say.
    enum Reading: Equatable {
        /// Not enough bytes yet.
        case incomplete
        /// Not a PROXY header, or a malformed one: the connection is closed.
        case invalid
        /// A header of `length` bytes naming the visitor's address; nil: the proxy's own connection (a health check:
        /// v2 `LOCAL`, v1 `UNKNOWN`), or a family other than TCP over IPv4/IPv6, taken as the peer.
        case header(length: Int, client: String?)
    }

    /// What a connection from a trusted proxy began with.
    enum Introduction: Equatable, Sendable {
        /// No PROXY header, where one is optional: an HTTP proxy's request on the WebSocket port.
        case none
        /// A header naming the visitor; nil: the proxy's own connection, or a family with no visitor's address.
        case header(client: String?)
    }

    /// Whether `bytes` (all that have come) can be the start of a header: they begin as a v1 line or the v2
    /// signature does. An HTTP request never can ("GET " is not "PROXY ").
    static func mayBegin(_ bytes: ByteBufferView) -> Bool {
        let first = Array(bytes.prefix(signature.count))
        return Array("PROXY ".utf8).starts(with: first.prefix(6)) || signature.starts(with: first)
    }

    /// The v2 signature: `\r\n\r\n\0\r\nQUIT\n`.
    static let signature: [UInt8] = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A]
    /// The longest v1 line, its `\r\n` included.
    static let maximumV1Length = 107
    /// The longest v2 header taken (addresses and a few TLVs; HAProxy's own are far shorter).
    static let maximumV2Length = 16 + 1024

    /// Reads the header at the start of `bytes`.
    static func read(_ bytes: ByteBufferView) -> Reading {
        let bytes = Array(bytes.prefix(maximumV2Length))
        // The first bytes (all of them while fewer have come) say which version it is, if either.
        let v1 = Array("PROXY ".utf8)
        if v1.starts(with: bytes.prefix(v1.count)) { return readV1(bytes) }
        if signature.starts(with: bytes.prefix(signature.count)) { return readV2(bytes) }
        return .invalid
    }

    private static func readV1(_ bytes: [UInt8]) -> Reading {
        guard let end = bytes.prefix(maximumV1Length).firstIndex(of: 0x0A) else {
            return bytes.count >= maximumV1Length ? .invalid : .incomplete
        }
        guard end > 0, bytes[end - 1] == 0x0D else { return .invalid }
        let line = String(decoding: bytes[..<(end - 1)], as: UTF8.self)
        let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 2, fields[0] == "PROXY" else { return .invalid }
        switch fields[1] {
        case "UNKNOWN":
            return .header(length: end + 1, client: nil)
        case "TCP4", "TCP6":
            guard fields.count == 6, let source = TrustedProxies.parse(fields[2]),
                source.count == (fields[1] == "TCP4" ? 4 : 16), TrustedProxies.parse(fields[3]) != nil,
                UInt16(fields[4]) != nil, UInt16(fields[5]) != nil
            else { return .invalid }
            return .header(length: end + 1, client: TrustedProxies.format(source))
        default:
            return .invalid
        }
    }

    private static func readV2(_ bytes: [UInt8]) -> Reading {
        guard bytes.count >= 16 else { return .incomplete }
        let versionAndCommand = bytes[12]
        let family = bytes[13]
        let length = Int(bytes[14]) << 8 | Int(bytes[15])
        guard versionAndCommand >> 4 == 2, 16 + length <= maximumV2Length else { return .invalid }
        guard bytes.count >= 16 + length else { return .incomplete }
        switch versionAndCommand & 0x0F {
        case 0x0:  // LOCAL: the proxy's own connection (a health check)
            return .header(length: 16 + length, client: nil)
        case 0x1:  // PROXY
            let address = bytes[16..<(16 + length)]
            switch family {
            case 0x11 where length >= 12:  // TCP over IPv4
                return .header(length: 16 + length, client: TrustedProxies.format(Array(address.prefix(4))))
            case 0x21 where length >= 36:  // TCP over IPv6
                let source = Array(address.prefix(16))
                return .header(
                    length: 16 + length, client: TrustedProxies.parse(TrustedProxies.format(source)).map(TrustedProxies.format))
            case 0x11, 0x21:
                return .invalid
            default:  // UDP, UNIX sockets, UNSPEC: no visitor's address to count
                return .header(length: 16 + length, client: nil)
            }
        default:
            return .invalid
        }
    }
}

/// The first handler of a connection from a trusted proxy that sends the PROXY protocol: reads the header, then
/// builds the connection's pipeline with what it says (`then`: the visitor it names), passes on whatever followed the
/// header, and leaves the pipeline. A connection that sends anything else, or no whole header within `timeout`, is
/// closed; where the header is `optional` (the WebSocket port, which an HTTP proxy reaches with X-Forwarded-For while
/// a TCP proxy sends the header), a connection whose first bytes can't begin one goes on without it (``ProxyHeader/Introduction/none``).
final class ProxyHeaderHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let optional: Bool
    private let then: (any Channel, ProxyHeader.Introduction) throws -> Void
    private let onFailure: @Sendable () -> Void
    private var buffered: ByteBuffer?
    private var deadline: Scheduled<Void>?
    private var done = false

    init(
        timeout: TimeAmount, optional: Bool = false, onFailure: @escaping @Sendable () -> Void,
        then: @escaping (any Channel, ProxyHeader.Introduction) throws -> Void
    ) {
        self.timeout = timeout
        self.optional = optional
        self.onFailure = onFailure
        self.then = then
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { [onFailure, optional] in
            // Where the header is optional, a connection silent until now lacks a handshake, not a header.
            if !optional { onFailure() }
            channel.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !done else { return context.fireChannelRead(data) }
        var bytes = Self.unwrapInboundIn(data)
        if var held = buffered {
            held.writeBuffer(&bytes)
            bytes = held
        }
        switch ProxyHeader.read(bytes.readableBytesView) {
        case .incomplete:
            buffered = bytes
        case .invalid where optional && !ProxyHeader.mayBegin(bytes.readableBytesView):
            proceed(.none, passing: bytes, context: context)
        case .invalid:
            fail(context: context)
        case .header(let length, let client):
            bytes.moveReaderIndex(forwardBy: length)
            proceed(.header(client: client), passing: bytes, context: context)
        }
    }

    /// Builds the pipeline for `introduction`, passes `bytes` (what followed the header) on, and leaves.
    private func proceed(_ introduction: ProxyHeader.Introduction, passing bytes: ByteBuffer, context: ChannelHandlerContext) {
        done = true
        deadline?.cancel()
        buffered = nil
        do {
            try then(context.channel, introduction)
        } catch {
            return context.close(promise: nil)
        }
        if bytes.readableBytes > 0 { context.fireChannelRead(Self.wrapInboundOut(bytes)) }
        context.fireChannelReadComplete()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The proxy closed its side before a whole header: nothing to answer.
        if !done, event as? ChannelEvent == .inputClosed { return fail(context: context) }
        context.fireUserInboundEventTriggered(event)
    }

    private func fail(context: ChannelHandlerContext) {
        done = true
        buffered = nil
        onFailure()
        context.close(promise: nil)
    }
}
