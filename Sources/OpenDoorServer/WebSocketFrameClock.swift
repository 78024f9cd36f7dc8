import NIOCore

/// First in an open WebSocket's pipeline, before NIO's frame decoder: tells ``IdleTimeoutHandler`` when a frame has
/// begun to arrive and when it is whole (``PartialFrame``), so that a frame trickled a byte at a time is held to the
/// line timeout as a line on the text port is (QA25 S2-2).
///
/// The decoder keeps a frame's bytes until the frame is complete, so the handlers after it see nothing of a frame
/// still arriving: a client sending one frame a byte a second held its place until the idle timeout (600 s by
/// default), not the line timeout. This reads only the frame headers' lengths (RFC 6455 5.2) to know where each frame
/// ends; the decoder still does all the checking. A client that sent frames before the server's handshake answer
/// (which RFC 6455 forbids) may be counted out of step; at worst it is closed at the line timeout.
final class WebSocketFrameClock: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var boundaries = FrameBoundaries()
    private var started = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Self.unwrapInboundIn(data)
        bytes.withUnsafeReadableBytes { boundaries.consume($0) }
        let now = context.eventLoop.now
        context.fireChannelRead(data)
        // After the bytes: a frame completed by them has reached the line pipeline before its clock stops.
        if boundaries.inFrame != started {
            started = boundaries.inFrame
            context.fireUserInboundEventTriggered(started ? PartialFrame.started(now) : PartialFrame.ended)
        }
    }
}

/// A WebSocket frame begun (at a time) and not yet whole, or whole: from ``WebSocketFrameClock`` to
/// ``IdleTimeoutHandler``.
enum PartialFrame: Sendable {
    case started(NIODeadline)
    case ended
}

/// Where WebSocket frames end in a stream of bytes, from their headers: 2 bytes, then a 16- or 64-bit length when
/// the 7-bit one says 126 or 127, then a 4-byte mask when the mask bit is set; then the payload.
struct FrameBoundaries {
    /// The current frame's header bytes so far (empty between headers).
    private var header: [UInt8] = []
    /// Payload bytes of the current frame still to come.
    private var remaining: UInt64 = 0

    /// Whether a frame has begun and isn't whole yet.
    var inFrame: Bool { !header.isEmpty || remaining > 0 }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count {
            if header.isEmpty && remaining > 0 {
                let take = Int(min(UInt64(bytes.count - index), remaining))
                remaining -= UInt64(take)
                index += take
                continue
            }
            header.append(bytes[index])
            index += 1
            if let length = Self.headerLength(header), header.count == length {
                remaining = Self.payloadLength(header)
                header.removeAll(keepingCapacity: true)
            }
        }
    }

    /// The whole header's length, once its first two bytes are known.
    private static func headerLength(_ header: [UInt8]) -> Int? {
        guard header.count >= 2 else { return nil }
        let short = header[1] & 0x7F
        let extended = short == 126 ? 2 : short == 127 ? 8 : 0
        return 2 + extended + (header[1] & 0x80 != 0 ? 4 : 0)
    }

    private static func payloadLength(_ header: [UInt8]) -> UInt64 {
        let short = header[1] & 0x7F
        let count = short == 126 ? 2 : short == 127 ? 8 : 0
        guard count > 0 else { return UInt64(short) }
        return header[2..<(2 + count)].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
