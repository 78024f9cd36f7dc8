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
    private(set) var fields: [(key: String, value: String)] = []

    /// The object's string fields, or nil when the line isn't in the simple form.
    init?(_ line: String) {
        var line = line
        // One pass over the UTF-8 bytes; strings are made only for the fields found.
        let parsed: [(key: String, value: String)]? = line.withUTF8 { utf8 in
            var fields: [(key: String, value: String)] = []
            var index = 0
            let end = utf8.count

            func skipWhitespace() {
                while index < end, Self.isWhitespace(utf8[index]) { index += 1 }
            }
            func expect(_ byte: UInt8) -> Bool {
                guard index < end, utf8[index] == byte else { return false }
                index += 1
                return true
            }
            /// A string with no escapes and no control characters, as the range of its bytes without quotes.
            func plainString() -> Range<Int>? {
                guard expect(UInt8(ascii: "\"")) else { return nil }
                let start = index
                while index < end {
                    let byte = utf8[index]
                    if byte == UInt8(ascii: "\"") {
                        index += 1
                        return start..<(index - 1)
                    }
                    if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                    index += 1
                }
                return nil
            }
            func string(_ range: Range<Int>) -> String {
                // The quotes around it are ASCII, so the range holds whole characters of valid UTF-8.
                String(decoding: UnsafeBufferPointer(rebasing: utf8[range]), as: UTF8.self)
            }

            skipWhitespace()
            guard expect(UInt8(ascii: "{")) else { return nil }
            while true {
                skipWhitespace()
                // Only ASCII keys: then two keys are the same key exactly when their bytes are equal.
                guard let keyRange = plainString(), utf8[keyRange].allSatisfy({ $0 < 0x80 }) else { return nil }
                skipWhitespace()
                guard expect(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                guard let valueRange = plainString() else { return nil }
                let key = string(keyRange)
                if fields.contains(where: { $0.key == key }) { return nil }
                fields.append((key, string(valueRange)))
                skipWhitespace()
                if expect(UInt8(ascii: ",")) { continue }
                guard expect(UInt8(ascii: "}")) else { return nil }
                break
            }
            skipWhitespace()
            guard index == end else { return nil }
            return fields
        }
        guard let parsed else { return nil }
        fields = parsed
    }

    /// The value of `key`, if the object has it.
    subscript(key: String) -> String? {
        fields.first { $0.key == key }?.value
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
