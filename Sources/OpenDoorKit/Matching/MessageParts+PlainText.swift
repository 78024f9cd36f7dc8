extension MessageParts {
    /// Splitting text whose every character is a single Unicode scalar that splitting looks at alone: ASCII but
    /// the carriage return (which makes one character with a line feed after it), and the typographic marks
    /// people type (’ ‘ “ ” … – —).
    ///
    /// Such text is read by its UTF-8 bytes. Reading it character by character gives the same sentences,
    /// clauses and words, but runs grapheme breaking and a Unicode property lookup on every letter, which was
    /// a quarter of matching a long message. Any other text is read by characters, as before.
    enum PlainText {
        /// Whether the splitting by bytes reads `text` as the splitting by characters does.
        static func holds(_ text: String) -> Bool {
            text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
                var i = 0
                while i < bytes.count {
                    let byte = bytes[i]
                    if byte < 0x80 {
                        if byte == 0x0D { return false }
                        i += 1
                        continue
                    }
                    guard byte == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80 else { return false }
                    switch bytes[i + 2] {
                    case 0x98, 0x99, 0x9C, 0x9D, 0xA6, 0x93, 0x94:  // ‘ ’ “ ” … – —
                        i += 3
                    default:
                        return false
                    }
                }
                return true
            } ?? false
        }

        /// Whether a scalar of plain text is whitespace (as `Character.isWhitespace` says).
        @inline(__always)
        private static func isWhitespace(_ value: UInt32) -> Bool {
            value == 0x20 || (0x09...0x0D).contains(value)
        }

        /// The sentences of plain text, each with whether it ends with a question mark; the same as
        /// ``MessageParts/sentences(of:)``.
        static func sentences(of text: String) -> [(text: Substring, asks: Bool)] {
            let utf8 = text.utf8
            return utf8.withContiguousStorageIfAvailable { bytes -> [(text: Substring, asks: Bool)] in
                let count = bytes.count
                /// The scalar starting at byte `k` and its length: ASCII, or one of the marks U+20xx.
                func unit(_ k: Int) -> (value: UInt32, length: Int) {
                    let byte = bytes[k]
                    return byte < 0x80 ? (UInt32(byte), 1) : (0x2000 | UInt32(bytes[k + 2] & 0x3F), 3)
                }
                func index(_ offset: Int) -> String.Index { utf8.index(utf8.startIndex, offsetBy: offset) }
                var result: [(text: Substring, asks: Bool)] = []
                var start = 0
                var i = 0
                while i < count {
                    let (value, length) = unit(i)
                    let next = i + length
                    let ends: Bool
                    switch value {
                    case 0x3F, 0x21, 0x3B, 0x2026, 0x0A:  // ? ! ; … and a line break
                        ends = true
                    case 0x2E:  // "4.5" or "a.m." is not the end of a sentence; ". " or a final "." is.
                        ends = next == count || isWhitespace(unit(next).value) || unit(next).value == 0x2E
                    default:
                        ends = false
                    }
                    guard ends else {
                        i = next
                        continue
                    }
                    var end = next
                    while end < count {
                        let (mark, markLength) = unit(end)
                        guard mark == 0x3F || mark == 0x21 || mark == 0x2E || mark == 0x2026 else { break }
                        end += markLength
                    }
                    // Only ASCII bytes are below 0x80, so a "?" byte is a question mark.
                    let asks = bytes[i..<end].contains(0x3F)
                    result.append((text[index(start)..<index(end)], asks))
                    start = end
                    i = end
                }
                if start < count { result.append((text[index(start)...], false)) }
                return result
            } ?? MessageParts.sentences(of: text)
        }

        /// The clauses of a sentence of plain text: its parts between commas, empty ones left out.
        static func clauses(of sentence: Substring) -> [Substring] {
            let utf8 = sentence.utf8
            var result: [Substring] = []
            var start = utf8.startIndex
            var i = utf8.startIndex
            while i < utf8.endIndex {
                if utf8[i] == 0x2C {
                    if start < i { result.append(sentence[start..<i]) }
                    start = utf8.index(after: i)
                }
                i = utf8.index(after: i)
            }
            if start < utf8.endIndex { result.append(sentence[start...]) }
            return result
        }

        /// The whitespace-separated words of a clause of plain text, each with its letters lowercased and
        /// nothing else kept; the same as ``MessageParts/words(of:)``.
        static func words(of clause: Substring) -> [(range: Range<Substring.Index>, word: String)] {
            let utf8 = clause.utf8
            var words: [(range: Range<Substring.Index>, word: String)] = []
            var letters: [UInt8] = []
            var start: Substring.Index?
            var i = utf8.startIndex
            while i < utf8.endIndex {
                let byte = utf8[i]
                if isWhitespace(UInt32(byte)) {
                    if let s = start {
                        words.append((s..<i, String(decoding: letters, as: UTF8.self)))
                        letters.removeAll(keepingCapacity: true)
                    }
                    start = nil
                } else {
                    if start == nil { start = i }
                    switch byte {
                    case 0x41...0x5A: letters.append(byte + 0x20)
                    case 0x61...0x7A: letters.append(byte)
                    default: break
                    }
                }
                i = utf8.index(after: i)
            }
            if let s = start { words.append((s..<clause.endIndex, String(decoding: letters, as: UTF8.self))) }
            return words
        }

        /// The clause without surrounding whitespace, dashes and closing marks; the same as `trimmedClause()`.
        static func trimmedClause(_ clause: Substring) -> Substring {
            let scalars = clause.unicodeScalars
            var lower = scalars.startIndex
            var upper = scalars.endIndex
            while lower < upper {
                let value = scalars[lower].value
                guard isWhitespace(value) || value == 0x2D || value == 0x2013 || value == 0x2014 else { break }
                lower = scalars.index(after: lower)
            }
            while lower < upper {
                let before = scalars.index(before: upper)
                let value = scalars[before].value
                guard
                    isWhitespace(value) || value == 0x3F || value == 0x21 || value == 0x2E || value == 0x2026
                        || value == 0x3B
                else { break }
                upper = before
            }
            return clause[lower..<upper]
        }

        /// Whether the text has an ASCII letter or digit (plain text has no other letters or digits).
        static func hasLetterOrDigit(_ text: Substring) -> Bool {
            text.utf8.contains { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }
        }
    }
}
