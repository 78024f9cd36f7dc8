/// Reads one JSON-lines line strictly (RFC 8259) and keeps the top-level string fields a client object has.
///
/// Foundation's `JSONDecoder` accepts more than JSON (trailing commas, numbers like `01`); this reader
/// accepts exactly JSON, in one pass over the UTF-8 bytes with no recursion deeper than
/// ``maximumDepth``, so a line's cost is linear in its length whatever it holds. Only an object is a
/// client line; its string members are kept (escapes decoded), members of other kinds are checked and
/// skipped, and a key given twice makes the line invalid (which one would count is anyone's guess).
package enum JSONLineReader {
    /// The deepest nesting of arrays and objects accepted.
    static let maximumDepth = 32

    /// The top-level string members of the object on `line`, or nil when the line is not exactly one JSON
    /// object (whitespace around it allowed).
    package static func stringFields(_ line: String) -> [String: String]? {
        var fields: [String: String] = [:]
        return read(line, into: &fields) ? fields : nil
    }

    /// The top-level `type` and `text` members that are strings, as ``stringFields(_:)`` reads them, or nil when
    /// the line is not exactly one JSON object; without a dictionary (every client line is read here).
    package static func typeAndText(_ line: String) -> (type: String?, text: String?)? {
        var fields = TypeAndText()
        return read(line, into: &fields) ? (fields.type, fields.text) : nil
    }

    private static func read<Fields: FieldSink>(_ line: String, into fields: inout Fields) -> Bool {
        var line = line
        return line.withUTF8 { bytes in
            var reader = Reader(bytes: bytes)
            return reader.topLevelObject(into: &fields)
        }
    }

    /// Where the string members of the object go.
    fileprivate protocol FieldSink {
        mutating func take(_ key: String, _ value: String)
    }

    private struct TypeAndText: FieldSink {
        var type: String?
        var text: String?

        mutating func take(_ key: String, _ value: String) {
            switch key {
            case "type": type = value
            case "text": text = value
            default: break
            }
        }
    }

    /// The keys seen so far, to refuse one given twice: the first two (all a client line usually has) without
    /// allocating, the rest in a set.
    private struct SeenKeys {
        private var first: String?
        private var second: String?
        private var more: Set<String> = []

        /// False when `key` was seen before.
        mutating func insert(_ key: String) -> Bool {
            if key == first || key == second || (!more.isEmpty && more.contains(key)) { return false }
            if first == nil {
                first = key
            } else if second == nil {
                second = key
            } else {
                return more.insert(key).inserted
            }
            return true
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func topLevelObject<Fields: FieldSink>(into fields: inout Fields) -> Bool {
            skipWhitespace()
            guard peek() == UInt8(ascii: "{") else { return false }
            index += 1
            var keys = SeenKeys()
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    skipWhitespace()
                    guard let key = string(), keys.insert(key) else { return false }
                    skipWhitespace()
                    guard expect(UInt8(ascii: ":")) else { return false }
                    skipWhitespace()
                    if peek() == UInt8(ascii: "\"") {
                        guard let value = string() else { return false }
                        fields.take(key, value)
                    } else {
                        guard skipValue(depth: 1) else { return false }
                    }
                    skipWhitespace()
                    if expect(UInt8(ascii: ",")) { continue }
                    guard expect(UInt8(ascii: "}")) else { return false }
                    break
                }
            }
            skipWhitespace()
            return index == bytes.count
        }

        // MARK: - Values

        /// Checks and skips any value (a string, number, literal, array or object).
        mutating func skipValue(depth: Int) -> Bool {
            guard depth <= JSONLineReader.maximumDepth, let first = peek() else { return false }
            switch first {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"):
                index += 1
                skipWhitespace()
                if expect(UInt8(ascii: "}")) { return true }
                while true {
                    skipWhitespace()
                    guard string() != nil else { return false }
                    skipWhitespace()
                    guard expect(UInt8(ascii: ":")) else { return false }
                    skipWhitespace()
                    guard skipValue(depth: depth + 1) else { return false }
                    skipWhitespace()
                    if expect(UInt8(ascii: ",")) { continue }
                    return expect(UInt8(ascii: "}"))
                }
            case UInt8(ascii: "["):
                index += 1
                skipWhitespace()
                if expect(UInt8(ascii: "]")) { return true }
                while true {
                    skipWhitespace()
                    guard skipValue(depth: depth + 1) else { return false }
                    skipWhitespace()
                    if expect(UInt8(ascii: ",")) { continue }
                    return expect(UInt8(ascii: "]"))
                }
            case UInt8(ascii: "t"):
                return literal("true")
            case UInt8(ascii: "f"):
                return literal("false")
            case UInt8(ascii: "n"):
                return literal("null")
            default:
                return number()
            }
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
        mutating func number() -> Bool {
            _ = expect(UInt8(ascii: "-"))
            guard let first = peek(), isDigit(first) else { return false }
            index += 1
            if first != UInt8(ascii: "0") { skipDigits() }
            if expect(UInt8(ascii: ".")) {
                guard let digit = peek(), isDigit(digit) else { return false }
                skipDigits()
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                guard let digit = peek(), isDigit(digit) else { return false }
                skipDigits()
            }
            return true
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        /// A string, its escapes decoded; nil when it is not valid JSON (a raw control character, a bad
        /// escape, a lone surrogate, no closing quote).
        mutating func string() -> String? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = index
            // Most strings have no escape: they are taken as they are.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    defer { index += 1 }
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            var scalars = String.UnicodeScalarView()
            scalars.append(contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self).unicodeScalars)
            var plainStart = index
            func flushPlain() {
                if plainStart < index {
                    scalars.append(
                        contentsOf: String(decoding: UnsafeBufferPointer(rebasing: bytes[plainStart..<index]), as: UTF8.self)
                            .unicodeScalars)
                }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flushPlain()
                    index += 1
                    return String(scalars)
                }
                if byte < 0x20 { return nil }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                flushPlain()
                index += 1
                guard let escaped = peek() else { return nil }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard let unit = hexUnit() else { return nil }
                    if (0xD800...0xDBFF).contains(unit) {
                        guard expect(UInt8(ascii: "\\")), expect(UInt8(ascii: "u")), let low = hexUnit(),
                            (0xDC00...0xDFFF).contains(low)
                        else { return nil }
                        let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        guard let scalar = Unicode.Scalar(value) else { return nil }
                        scalars.append(scalar)
                    } else {
                        guard let scalar = Unicode.Scalar(UInt32(unit)) else { return nil }  // a lone low surrogate
                        scalars.append(scalar)
                    }
                default:
                    return nil
                }
                plainStart = index
            }
            return nil
        }

        /// Four hex digits after `\u`.
        mutating func hexUnit() -> UInt16? {
            guard bytes.count - index >= 4 else { return nil }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt16(digit)
                index += 1
            }
            return value
        }

        // MARK: - Bytes

        func peek() -> UInt8? {
            index < bytes.count ? bytes[index] : nil
        }

        mutating func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func skipDigits() {
            while let byte = peek(), isDigit(byte) { index += 1 }
        }

        func isDigit(_ byte: UInt8) -> Bool {
            byte &- UInt8(ascii: "0") < 10
        }
    }
}

extension Dictionary: JSONLineReader.FieldSink where Key == String, Value == String {
    fileprivate mutating func take(_ key: String, _ value: String) {
        self[key] = value
    }
}
