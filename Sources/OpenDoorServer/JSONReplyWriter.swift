import NIOCore
import OpenDoorKit

/// Writes a reply as the JSON-lines protocol sends it, byte for byte what `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` writes for `ReplyObject`, without going through `Codable`.
///
/// A reply is written for every message, and the encoder's generic machinery was a tenth of the server's
/// time per message under load. The keys are written in sorted order by hand, straight into the buffer that
/// goes to the socket; strings are escaped as Foundation escapes them (`\"`, `\\`, `\b \f \n \r \t`, other
/// control characters as `\u00xx`, nothing else); a number that Foundation would write with an exponent, or
/// that isn't finite, makes ``write(_:into:)`` write nothing and return false so that the caller falls back to
/// `JSONEncoder`. Debug builds check every line against `JSONEncoder` (see `ServerOutput`).
enum JSONReplyWriter {
    /// Appends the reply as one JSON object and `\n` to `out`; false (and nothing written) when only
    /// `JSONEncoder` should write it.
    static func write(_ reply: Reply, into out: inout ByteBuffer) -> Bool {
        guard let confidence = number(reply.confidence) else { return false }
        var optionBytes = 0
        for option in reply.options { optionBytes += option.utf8.count + 3 }
        out.reserveCapacity(
            minimumWritableBytes: reply.text.utf8.count + reply.source.utf8.count + reply.intent.rawValue.utf8.count
                + optionBytes + 128)
        out.writeStaticString(#"{"confidence":"#)
        out.writeString(confidence)
        out.writeStaticString(reply.crisis ? #","crisis":true,"intent":"# : #","crisis":false,"intent":"#)
        writeString(reply.intent.rawValue, into: &out)
        out.writeStaticString(#","options":["#)
        for (index, option) in reply.options.enumerated() {
            if index > 0 { out.writeInteger(UInt8(ascii: ",")) }
            writeString(option, into: &out)
        }
        out.writeStaticString(#"],"source":"#)
        writeString(reply.source, into: &out)
        out.writeStaticString(#","state":"#)
        writeString(reply.state.rawValue, into: &out)
        out.writeStaticString(#","text":"#)
        writeString(reply.text, into: &out)
        out.writeStaticString(#","type":"reply"}\#n"#)
        return true
    }

    /// A number as Foundation writes it (`1` for 1.0, `0.8033026456832886`), or nil for exponents and
    /// non-finite values.
    static func number(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        if value == 1 { return "1" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        var text = value.description
        if text.utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) { return nil }
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// Appends a JSON string literal, escaped as Foundation's `JSONEncoder` escapes it.
    static func writeString(_ string: String, into out: inout ByteBuffer) {
        out.writeInteger(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            let count = bytes.count
            // Runs of bytes that need no escape are copied whole; eight bytes at a time are checked for one
            // that does, and only a word that has one is looked at byte by byte.
            var runStart = 0
            var index = 0
            while index < count {
                while index + 8 <= count,
                    !mayNeedEscape(UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self))
                {
                    index += 8
                }
                let end = min(index + 8, count)
                while index < end {
                    let byte = base[index]
                    if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                        out.writeBytes(UnsafeRawBufferPointer(start: base + runStart, count: index - runStart))
                        writeEscape(byte, into: &out)
                        runStart = index + 1
                    }
                    index += 1
                }
            }
            out.writeBytes(UnsafeRawBufferPointer(start: base + runStart, count: count - runStart))
        }
        out.writeInteger(UInt8(ascii: "\""))
    }

    /// False only when none of the eight bytes of `word` is a control character, `"` or `\\`: the classic
    /// "has a zero byte" and "has a byte less than n" tests, which never miss one (they may flag a word
    /// that has none; that word is then checked byte by byte).
    @inline(__always)
    static func mayNeedEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        return (control | ((quote &- ones) & ~quote & highs) | ((backslash &- ones) & ~backslash & highs)) != 0
    }

    private static func writeEscape(_ byte: UInt8, into out: inout ByteBuffer) {
        switch byte {
        case 0x08: out.writeStaticString(#"\b"#)
        case 0x0C: out.writeStaticString(#"\f"#)
        case 0x0A: out.writeStaticString(#"\n"#)
        case 0x0D: out.writeStaticString(#"\r"#)
        case 0x09: out.writeStaticString(#"\t"#)
        case UInt8(ascii: "\""): out.writeStaticString(#"\""#)
        case UInt8(ascii: "\\"): out.writeStaticString(#"\\"#)
        default:
            out.writeStaticString(#"\u00"#)
            out.writeInteger(hexDigits[Int(byte >> 4)])
            out.writeInteger(hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
