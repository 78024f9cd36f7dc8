import OpenDoorKit

/// Writes a reply as the JSON-lines protocol sends it, byte for byte what `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]` writes for `ReplyObject`, without going through `Codable`.
///
/// A reply is written for every message, and the encoder's generic machinery was a tenth of the server's
/// time per message under load. The keys are written in sorted order by hand; strings are escaped as
/// Foundation escapes them (`\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00xx`, nothing
/// else); a number that Foundation would write with an exponent, or that isn't finite, makes ``line(for:)``
/// return nil so that the caller falls back to `JSONEncoder`. Debug builds check every line against
/// `JSONEncoder` (see `ServerOutput`).
enum JSONReplyWriter {
    /// The reply as one JSON object and `\n`, or nil when only `JSONEncoder` should write it.
    static func line(for reply: Reply) -> String? {
        guard let confidence = number(reply.confidence) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(reply.text.utf8.count + reply.source.utf8.count + 64 * reply.options.count + 160)
        out.append(contentsOf: #"{"confidence":"#.utf8)
        out.append(contentsOf: confidence.utf8)
        out.append(contentsOf: #","crisis":"#.utf8)
        out.append(contentsOf: (reply.crisis ? "true" : "false").utf8)
        out.append(contentsOf: #","intent":"#.utf8)
        appendString(reply.intent.rawValue, to: &out)
        out.append(contentsOf: #","options":["#.utf8)
        for (index, option) in reply.options.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(option, to: &out)
        }
        out.append(contentsOf: #"],"source":"#.utf8)
        appendString(reply.source, to: &out)
        out.append(contentsOf: #","state":"#.utf8)
        appendString(reply.state.rawValue, to: &out)
        out.append(contentsOf: #","text":"#.utf8)
        appendString(reply.text, to: &out)
        out.append(contentsOf: #","type":"reply"}"#.utf8)
        out.append(UInt8(ascii: "\n"))
        return String(decoding: out, as: UTF8.self)
    }

    /// A number as Foundation writes it (`1` for 1.0, `0.8033026456832886`), or nil for exponents and
    /// non-finite values.
    static func number(_ value: Double) -> String? {
        guard value.isFinite else { return nil }
        var text = value.description
        if text.utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) { return nil }
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text
    }

    /// A JSON string literal, escaped as Foundation's `JSONEncoder` escapes it.
    static func appendString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            // Runs of bytes that need no escape are copied whole.
            var runStart = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                appendEscape(byte, to: &out)
                runStart = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
        default:
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
