import NIOCore

/// Frames a connection's bytes into lines with ``LineFrameDecoder``, and lets the handler after it stop the flow:
/// while it holds (``Flow/hold``), no more lines are framed and the socket is not read, so a client that
/// sends faster than it is allowed costs nothing more until the hold is lifted (``Flow/resume``).
///
/// NIO's `ByteToMessageHandler` frames every byte read before it looks up, so a 16 KB read of short lines is
/// a thousand lines to refuse one by one; here a hold stops at the line it is asked on. The bytes not framed
/// stay in this handler (at most one socket read's worth) and the rest in the kernel: the client's writes
/// block, as they do when the server doesn't keep up.
///
/// The end of input lifts the hold for good, then `ChannelEvent.inputClosed` is passed on, so that a client
/// that half-closes, an idle timeout or a shutdown is told goodbye at once. What was held back is dropped
/// unread then: NIO reads a closing connection's input to its end whatever the hold, and a flooder's socket
/// can hold megabytes of lines; framing them all at the close would cost what the hold saved. (They are lines
/// past a connection's budget of refused lines, which were never all checked for a crisis.) While held, bytes
/// past ``heldByteLimit`` are dropped as they come, and a connection that has lost bytes that way is closed if it
/// is ever resumed.
final class LineFramingHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = LineFrame
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    /// Sent by the handler after this one as an outbound user event.
    enum Flow: Sendable {
        /// Stop framing lines and reading the socket.
        case hold
        /// Go on framing and reading.
        case resume
    }

    /// Passed on (an inbound user event) when bytes of a line over the maximum were read and dropped, before the
    /// line ends: the handler after this one charges them to the connection's budget and may hold.
    struct Dropped: Sendable {
        /// Bytes dropped since the last such event.
        var bytes: Int
    }

    /// The most bytes kept unframed while held; NIO delivers more only while it reads a closing input to its end.
    static let heldByteLimit = 1 << 20

    private var decoder: LineFrameDecoder
    /// Bytes read and not yet framed.
    private var unframed: ByteBuffer?
    private var held = false
    /// Bytes were dropped during a hold: the stream can't be framed any more.
    private var dropping = false
    /// A read was asked for during the hold; it is passed on when the hold is lifted.
    private var readWanted = false
    /// The input has ended (closed, or the channel inactive): what is left is framed as the last lines.
    private var inputEnded = false
    /// `inputClosed` is still owed to the next handler, once the last lines are passed on.
    private var owesInputClosed = false
    /// Framing is under way further up the stack (a handler's reply can come back here).
    private var framing = false

    init(maximumLength: Int) {
        decoder = LineFrameDecoder(maximumLength: maximumLength)
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = Self.unwrapInboundIn(data)
        if held, (unframed?.readableBytes ?? 0) + bytes.readableBytes > Self.heldByteLimit { dropping = true }
        guard !dropping else { return }
        if unframed == nil || unframed?.readableBytes == 0 {
            unframed = bytes
        } else {
            unframed?.writeBuffer(&bytes)
        }
        frame(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event as? ChannelEvent == .inputClosed else {
            return context.fireUserInboundEventTriggered(event)
        }
        inputEnded = true
        owesInputClosed = true
        dropHeld()
        frame(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        // As `ByteToMessageHandler` does: what was read is framed as the last lines before the channel is gone.
        inputEnded = true
        dropHeld()
        frame(context: context)
        context.fireChannelInactive()
    }

    // MARK: - Outbound

    func read(context: ChannelHandlerContext) {
        if held {
            readWanted = true
        } else {
            context.read()
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let flow = event as? Flow else {
            return context.triggerUserOutboundEvent(event, promise: promise)
        }
        promise?.succeed()
        switch flow {
        case .hold:
            // After the end of input there is nothing to hold back: the last lines are passed on.
            if !inputEnded { held = true }
        case .resume:
            guard held else { return }
            held = false
            guard !dropping else { return context.close(promise: nil) }
            // Lines framed now come outside a read: a read-complete lets the next handler flush its answers.
            if frame(context: context) > 0 { context.fireChannelReadComplete() }
        }
    }

    /// At the end of input: what a hold kept back is dropped (see the type's notes), and the hold ends.
    private func dropHeld() {
        if held || dropping {
            unframed = nil
            dropping = true
        }
        held = false
    }

    // MARK: - Framing

    /// Passes lines on until the bytes run out or a hold stops it; then reads again if a read waits, or passes
    /// the end of input on. Returns how many lines it passed on.
    @discardableResult
    private func frame(context: ChannelHandlerContext) -> Int {
        guard !framing else { return 0 }
        framing = true
        defer { framing = false }
        var passed = 0
        while !held {
            var buffer = unframed ?? ByteBuffer()
            unframed = nil
            guard inputEnded || buffer.readableBytes > 0 else { break }
            let line: LineFrame?
            do {
                line = inputEnded
                    ? try decoder.decodeLast(buffer: &buffer, seenEOF: true) : try decoder.decode(buffer: &buffer)
            } catch {
                context.fireErrorCaught(error)
                return passed
            }
            if buffer.readableBytes > 0 { unframed = buffer }
            if decoder.droppedBytes > 0 {
                // Before the line (if it ended): the charge may hold the connection, and the line then waits.
                let dropped = Dropped(bytes: decoder.droppedBytes)
                decoder.droppedBytes = 0
                context.fireUserInboundEventTriggered(dropped)
            }
            guard let line else { break }
            passed += 1
            context.fireChannelRead(Self.wrapInboundOut(line))
        }
        guard !held else { return passed }
        if readWanted {
            readWanted = false
            context.read()
        }
        if owesInputClosed {
            owesInputClosed = false
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        }
        return passed
    }
}
