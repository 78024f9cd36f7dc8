import NIOCore
import OpenDoorKit

/// The visitor's words in the kept ends of a line that was too long (``LineFrame/tooLong(head:tail:)``), for the
/// crisis check: someone pasting a long story that ends "i have the pills in my hand" won't send it again in parts.
enum LongLine {
    /// The first end (head, then tail) in which `safety` finds a crisis, as text for the conversation; nil when
    /// neither alarms. Each end is checked alone, so that no phrase is made up across the dropped middle.
    static func crisisText(
        head: ByteBuffer, tail: ByteBuffer, as chatProtocol: ChatProtocol, safety: CrisisDetector
    ) -> String? {
        for (bytes, isHead) in [(head, true), (tail, false)] where bytes.readableBytes > 0 {
            // Cut anywhere, maybe inside a character: what can't be decoded becomes U+FFFD.
            var text = String(decoding: bytes.readableBytesView, as: UTF8.self)
            if chatProtocol == .jsonLines { text = jsonText(text, isHead: isHead) }
            text = VisitorText.clean(text)
            if safety.assess(text) != nil { return text }
        }
        return nil
    }

    /// The message text in one end of a JSON line: after `"text":"` in the head, before the closing quote and
    /// brace in the tail, with the usual escapes undone.
    static func jsonText(_ fragment: String, isHead: Bool) -> String {
        var text = Substring(fragment)
        if isHead, let key = text.range(of: #""text""#) {
            text = text[key.upperBound...].drop { $0 == " " || $0 == ":" }
            if text.first == "\"" { text = text.dropFirst() }
        }
        if !isHead {
            // `…text","type":"message"}` when the type came after the text.
            if let type = text.firstMatch(of: typeAfterText) { text = Substring(text[..<type.range.lowerBound] + "\"") }
            if let quote = lastUnescapedQuote(in: text) { text = text[..<quote] }
        }
        return unescape(text)
    }

    nonisolated(unsafe) private static let typeAfterText = /"\s*,\s*"type"\s*:\s*"[a-z]*"\s*\}\s*$/

    private static func lastUnescapedQuote(in text: Substring) -> Substring.Index? {
        var index = text.endIndex
        while let found = text[..<index].lastIndex(of: "\"") {
            var backslashes = 0
            var before = found
            while before > text.startIndex, text[text.index(before: before)] == "\\" {
                backslashes += 1
                before = text.index(before: before)
            }
            if backslashes % 2 == 0 { return found }
            index = found
        }
        return nil
    }

    /// JSON string escapes undone (`\n` and `\t` as spaces); a broken one at a cut is dropped.
    static func unescape(_ text: Substring) -> String {
        var out = String.UnicodeScalarView()
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "\\" else {
                out.append(scalar)
                continue
            }
            guard let escaped = scalars.popFirst() else { break }
            switch escaped {
            case "n", "t", "r", "b", "f": out.append(" ")
            case "u":
                let digits = String(String.UnicodeScalarView(scalars.prefix(4)))
                scalars = scalars.dropFirst(4)
                if digits.count == 4, let value = UInt32(digits, radix: 16), let decoded = Unicode.Scalar(value) {
                    out.append(decoded)
                }
            default: out.append(escaped)
            }
        }
        return String(out)
    }
}
