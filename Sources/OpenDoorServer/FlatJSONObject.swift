/// The string fields of a flat JSON object such as `{"type":"message","text":"hello"}`, read without
/// `JSONDecoder`, for the lines clients send most.
///
/// It reads only the simplest form: one object whose values are all strings, with no escapes, no control
/// characters and no repeated keys. Anything else (numbers, nesting, `\u` escapes, a repeated key, invalid
/// JSON) makes ``init(_:)`` return nil, and the caller decodes the line with `JSONDecoder` as before, so every
/// line means what `JSONDecoder` says it means. Debug builds check each result against `JSONDecoder`
/// (see `ClientInput`).
struct FlatJSONObject {
    /// The fields, in the order written.
    private(set) var fields: [(key: Substring.UTF8View, value: Substring.UTF8View)] = []

    /// The object's string fields, or nil when the line isn't in the simple form.
    init?(_ line: String) {
        var line = line
        line.makeContiguousUTF8()
        let utf8 = Substring(line).utf8
        var index = utf8.startIndex
        let end = utf8.endIndex

        func skipWhitespace() {
            while index < end, Self.isWhitespace(utf8[index]) { index = utf8.index(after: index) }
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < end, utf8[index] == byte else { return false }
            index = utf8.index(after: index)
            return true
        }
        /// A string with no escapes and no control characters, without its quotes.
        func plainString() -> Substring.UTF8View? {
            guard expect(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < end {
                let byte = utf8[index]
                if byte == UInt8(ascii: "\"") {
                    let value = utf8[start..<index]
                    index = utf8.index(after: index)
                    return value
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                index = utf8.index(after: index)
            }
            return nil
        }

        skipWhitespace()
        guard expect(UInt8(ascii: "{")) else { return nil }
        while true {
            skipWhitespace()
            // Only ASCII keys: then two keys are the same key exactly when their bytes are equal.
            guard let key = plainString(), key.allSatisfy({ $0 < 0x80 }) else { return nil }
            skipWhitespace()
            guard expect(UInt8(ascii: ":")) else { return nil }
            skipWhitespace()
            guard let value = plainString() else { return nil }
            if fields.contains(where: { $0.key.elementsEqual(key) }) { return nil }
            fields.append((key, value))
            skipWhitespace()
            if expect(UInt8(ascii: ",")) { continue }
            guard expect(UInt8(ascii: "}")) else { return nil }
            break
        }
        skipWhitespace()
        guard index == end else { return nil }
    }

    /// The value of `key`, if the object has it.
    subscript(key: String) -> String? {
        guard let field = fields.first(where: { $0.key.elementsEqual(key.utf8) }) else { return nil }
        return String(Substring(field.value))
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
