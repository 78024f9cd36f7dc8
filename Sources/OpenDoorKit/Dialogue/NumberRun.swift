/// The search of ``Conversation/detailClauses(of:)`` for runs of digits with the marks a number is typed with,
/// `/\+?\(?\d[\d\s().\-]{5,}\d/`, each replaced by " | ", done on the bytes of ASCII text.
///
/// The regular expression reads characters; in ASCII text without a carriage return (which makes one character of
/// "\r\n") each byte is a character, a digit is 0–9 and whitespace is a tab, line feed, vertical tab, form feed,
/// carriage return or space, so the bytes give the same matches. On a line of 4,000 bytes of phone numbers the
/// regular expression took most of the first reply's time.
enum NumberRun {
    /// The text with every run replaced by " | ", as `text.replacing(/…/, with: " | ")` gives it; nil when the text
    /// is not ASCII or holds a carriage return (then the regular expression reads it).
    static func marked(in text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard !bytes.contains(where: { $0 >= 0x80 || $0 == 0x0D }) else { return nil }
            var result: [UInt8] = []
            result.reserveCapacity(bytes.count)
            var start = 0
            while start < bytes.count {
                if let end = match(bytes, at: start) {
                    result.append(contentsOf: " | ".utf8)
                    start = end
                } else {
                    result.append(bytes[start])
                    start += 1
                }
            }
            return String(decoding: result, as: UTF8.self)
        }
    }

    /// Where a run that starts at `start` ends (the index after its last digit), or nil when none starts there.
    ///
    /// Greedy as the expression is: an optional "+", an optional "(", a digit, then the longest stretch of digits,
    /// whitespace and `( ) . -` that leaves five or more of them before a final digit. Giving up the optional "+" or
    /// "(" never helps: the expression then needs a digit where that mark is.
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var i = start
        if bytes[i] == UInt8(ascii: "+") { i += 1 }
        if i < bytes.count, bytes[i] == UInt8(ascii: "(") { i += 1 }
        guard i < bytes.count, isDigit(bytes[i]) else { return nil }
        let first = i + 1
        var stretch = first
        while stretch < bytes.count, inRun(bytes[stretch]) { stretch += 1 }
        // The last digit of the stretch with at least five bytes of it before.
        var last = stretch - 1
        while last >= first + 5 {
            if isDigit(bytes[last]) { return last + 1 }
            last -= 1
        }
        return nil
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// A digit, whitespace (tab to carriage return, space), or one of `( ) . -`.
    @inline(__always)
    private static func inRun(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x09...0x0D, 0x20, UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
