import NIOCore

/// One line from a client, or word that a line was too long and was skipped.
package enum LineFrame {
    /// A line's bytes, without its line break.
    case line(ByteBuffer)
    /// A line longer than the maximum: only its first `maximum` bytes (`head`) and the last `maximum` bytes of the
    /// rest (`tail`, maybe shorter) were kept, for the crisis check; the bytes between were dropped.
    case tooLong(head: ByteBuffer, tail: ByteBuffer)
}

/// Splits a byte stream into lines with NIO's `NIOSplitLinesMessageDecoder`, and bounds their length.
///
/// A line break is `\n`, `\r\n`, `\r`, vertical tab or form feed. The bound is checked twice, because
/// a frame decoder's buffer limit only counts bytes still waiting for a line break: a long line that
/// arrives whole with its break would pass it. So every decoded line is measured, and bytes that pile
/// up without a break are dropped as soon as they pass the maximum, together with the rest of their
/// line, except the line's first and last `maximum` bytes (a crisis buried in a long paste is still
/// seen). Either way the client gets one ``LineFrame/tooLong`` when the line ends (at its line break or
/// the end of input) and the connection goes on; memory per connection stays near three times the
/// maximum whatever the client sends. The bytes of a line past its first `maximum` are counted as they go
/// (``droppedBytes``), so that a line that never ends costs the connection's budget as finished lines do.
package struct LineFrameDecoder: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = LineFrame

    /// The longest line let through, in bytes without the line break.
    package let maximumLength: Int
    private var lines = NIOSplitLinesMessageDecoder(omittingEmptySubsequences: false)
    /// The kept ends of a line that is already too long, while its rest is dropped.
    private var long: (head: ByteBuffer, tail: ByteBuffer)?
    /// The dropped line ended with `\r`: a `\n` right after it belongs to the same break.
    private var skipLineFeed = false
    /// Bytes of too-long lines past their first `maximumLength` (their kept tails included), read since the
    /// owner last set this back to zero; counted as they arrive, before the line ends.
    package var droppedBytes = 0

    package init(maximumLength: Int) {
        self.maximumLength = maximumLength
    }

    package mutating func decode(buffer: inout ByteBuffer) throws -> LineFrame? {
        try decode(&buffer, isLast: false)
    }

    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> LineFrame? {
        try decode(&buffer, isLast: true)
    }

    private mutating func decode(_ buffer: inout ByteBuffer, isLast: Bool) throws -> LineFrame? {
        if skipLineFeed, let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) {
            skipLineFeed = false
            if first == UInt8(ascii: "\n") { buffer.moveReaderIndex(forwardBy: 1) }
        }
        if var kept = long {
            guard let end = buffer.readableBytesView.firstIndex(where: Self.isLineBreak) else {
                kept.tail = keepingEnd(of: kept.tail, then: buffer.readableBytesView)
                droppedBytes += buffer.readableBytes
                buffer.moveReaderIndex(to: buffer.writerIndex)
                // The end of input ends the line too.
                long = isLast ? nil : kept
                return isLast ? .tooLong(head: kept.head, tail: kept.tail) : nil
            }
            kept.tail = keepingEnd(of: kept.tail, then: buffer.readableBytesView[buffer.readerIndex..<end])
            droppedBytes += end - buffer.readerIndex
            skipLineFeed = buffer.getInteger(at: end, as: UInt8.self) == UInt8(ascii: "\r")
            buffer.moveReaderIndex(to: end + 1)
            long = nil
            lines = NIOSplitLinesMessageDecoder(omittingEmptySubsequences: false)
            return .tooLong(head: kept.head, tail: kept.tail)
        }
        let line = isLast ? try lines.decodeLast(buffer: &buffer, seenEOF: true) : try lines.decode(buffer: &buffer)
        if isLast, let line, line.readableBytes == 0 {
            // What follows the last line break at the end of input: "hi\n" is one line, not two.
            return nil
        }
        if let line {
            guard line.readableBytes > maximumLength else { return .line(line) }
            let (head, rest) = split(line.readableBytesView)
            droppedBytes += rest.count
            return .tooLong(head: head, tail: keepingEnd(of: ByteBuffer(), then: rest))
        }
        if !isLast && buffer.readableBytes > maximumLength {
            // No line break yet and already too long: keep its ends only rather than hold it.
            let (head, rest) = split(buffer.readableBytesView)
            droppedBytes += rest.count
            long = (head, keepingEnd(of: ByteBuffer(), then: rest))
            buffer.moveReaderIndex(to: buffer.writerIndex)
            lines = NIOSplitLinesMessageDecoder(omittingEmptySubsequences: false)
        }
        return nil
    }

    /// The first `maximumLength` bytes, and the rest.
    private func split(_ bytes: ByteBufferView) -> (ByteBuffer, ByteBufferView) {
        let cut = bytes.index(bytes.startIndex, offsetBy: maximumLength)
        return (ByteBuffer(bytes: bytes[..<cut]), bytes[cut...])
    }

    /// The last `maximumLength` bytes of `tail` followed by `more`.
    private func keepingEnd(of tail: ByteBuffer, then more: ByteBufferView) -> ByteBuffer {
        if more.count >= maximumLength {
            return ByteBuffer(bytes: more.suffix(maximumLength))
        }
        var kept = ByteBuffer(bytes: tail.readableBytesView.suffix(maximumLength - more.count))
        kept.writeBytes(more)
        return kept
    }

    /// The bytes `NIOSplitLinesMessageDecoder` breaks lines at: `\n`, vertical tab, form feed, `\r`.
    private static func isLineBreak(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "\n")...UInt8(ascii: "\r")).contains(byte)
    }
}
