import NIOCore

/// One line from a client, or word that a line was too long and was skipped.
package enum LineFrame {
    /// A line's bytes, without its line break.
    case line(ByteBuffer)
    /// A line longer than the maximum; its bytes were dropped, up to and including its line break.
    case tooLong
}

/// Splits a byte stream into lines with NIO's `NIOSplitLinesMessageDecoder`, and bounds their length.
///
/// A line break is `\n`, `\r\n`, `\r`, vertical tab or form feed. The bound is checked twice, because
/// a frame decoder's buffer limit only counts bytes still waiting for a line break: a long line that
/// arrives whole with its break would pass it. So every decoded line is measured, and bytes that pile
/// up without a break are dropped as soon as they pass the maximum, together with the rest of their
/// line. Either way the client gets one ``LineFrame/tooLong`` and the connection goes on; memory per
/// connection stays near the maximum whatever the client sends.
package struct LineFrameDecoder: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = LineFrame

    /// The longest line let through, in bytes without the line break.
    package let maximumLength: Int
    private var lines = NIOSplitLinesMessageDecoder(omittingEmptySubsequences: false)
    /// Dropping the rest of a line that was already too long.
    private var skipping = false
    /// The dropped line ended with `\r`: a `\n` right after it belongs to the same break.
    private var skipLineFeed = false

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
        if skipping {
            guard let end = buffer.readableBytesView.firstIndex(where: Self.isLineBreak) else {
                buffer.moveReaderIndex(to: buffer.writerIndex)
                return nil
            }
            skipLineFeed = buffer.getInteger(at: end, as: UInt8.self) == UInt8(ascii: "\r")
            buffer.moveReaderIndex(to: end + 1)
            skipping = false
            lines = NIOSplitLinesMessageDecoder(omittingEmptySubsequences: false)
            if skipLineFeed, buffer.readableBytes > 0 { return try decode(&buffer, isLast: isLast) }
        }
        let line = isLast ? try lines.decodeLast(buffer: &buffer, seenEOF: true) : try lines.decode(buffer: &buffer)
        if isLast, let line, line.readableBytes == 0 {
            // What follows the last line break at the end of input: "hi\n" is one line, not two.
            return nil
        }
        if let line {
            return line.readableBytes > maximumLength ? .tooLong : .line(line)
        }
        if !isLast && buffer.readableBytes > maximumLength {
            // No line break yet and already too long: drop it now rather than hold it.
            buffer.moveReaderIndex(to: buffer.writerIndex)
            lines = NIOSplitLinesMessageDecoder(omittingEmptySubsequences: false)
            skipping = true
            return .tooLong
        }
        return nil
    }

    /// The bytes `NIOSplitLinesMessageDecoder` breaks lines at: `\n`, vertical tab, form feed, `\r`.
    private static func isLineBreak(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "\n")...UInt8(ascii: "\r")).contains(byte)
    }
}
