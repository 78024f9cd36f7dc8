import NIOCore

/// One line from a client, or word that a line was too long and was skipped.
package enum LineFrame {
    /// A line's bytes, without its line break.
    case line(ByteBuffer)
    /// A line longer than the maximum: only its first `maximum` bytes (`head`) and the last `maximum` bytes of the
    /// rest (`tail`, maybe shorter) were kept, for the crisis check; the bytes between were dropped.
    case tooLong(head: ByteBuffer, tail: ByteBuffer)
}

/// Splits a byte stream into lines, and bounds their length.
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
///
/// The decoder remembers how far it has searched the bytes waiting for a break (so that a line arriving in small
/// reads is searched once), but never trusts that figure past the bytes it is given: the buffer it gets may be a
/// new one, with the old one's bytes dropped (a connection closing with held-back bytes; QA24 S1-1). NIO's
/// `NIOSplitLinesMessageDecoder` trusted it, and such a close trapped on a range past the buffer's end, taking the
/// whole server down.
package struct LineFrameDecoder: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = LineFrame

    /// The longest line let through, in bytes without the line break.
    package let maximumLength: Int
    /// Bytes at the start of the unread bytes already searched for a line break, without finding one.
    private var searched = 0
    /// The kept ends of a line that is already too long, while its rest is dropped.
    private var long: (head: ByteBuffer, tail: ByteBuffer)?
    /// The last line ended with `\r`: a `\n` right after it belongs to the same break.
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
            return .tooLong(head: kept.head, tail: kept.tail)
        }
        if let line = nextLine(&buffer, isLast: isLast) {
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
            searched = 0
        }
        return nil
    }

    /// The next line in `buffer` without its break, the break read too; at the end of input (`isLast`) the bytes
    /// after the last break, if any ("hi\n" is one line, not two). A `\r` break's `\n` is left to
    /// ``skipLineFeed``.
    private mutating func nextLine(_ buffer: inout ByteBuffer, isLast: Bool) -> ByteBuffer? {
        let bytes = buffer.readableBytesView
        // Never past the bytes given: they may not be the ones searched before.
        let from = bytes.index(bytes.startIndex, offsetBy: min(searched, bytes.count))
        guard let end = bytes[from...].firstIndex(where: Self.isLineBreak) else {
            guard isLast else {
                searched = bytes.count
                return nil
            }
            searched = 0
            guard !bytes.isEmpty else { return nil }
            return buffer.readSlice(length: bytes.count)
        }
        searched = 0
        let line = buffer.getSlice(at: buffer.readerIndex, length: end - bytes.startIndex) ?? ByteBuffer()
        skipLineFeed = buffer.getInteger(at: end, as: UInt8.self) == UInt8(ascii: "\r")
        buffer.moveReaderIndex(to: end + 1)
        return line
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

    /// The bytes lines break at: `\n`, vertical tab, form feed, `\r` (and `\r\n` as one, through ``skipLineFeed``).
    private static func isLineBreak(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "\n")...UInt8(ascii: "\r")).contains(byte)
    }
}
