import Foundation

extension Character {
    /// Whether this character is one of `marks` (ASCII punctuation, e.g. `",.;!\n"`): what `marks.contains(self)`
    /// says, without comparing strings.
    ///
    /// Comparing characters normalizes both; on a line of 1,300 accented letters written with combining marks that
    /// was most of answering it (5 ms, in the clause splits of the replies' checks). Only a character of one scalar
    /// can equal an ASCII mark, and of those, beside the mark itself, only U+037E GREEK QUESTION MARK, which is
    /// canonically a semicolon.
    func isOne(of marks: String) -> Bool {
        var scalars = unicodeScalars.makeIterator()
        guard let scalar = scalars.next(), scalars.next() == nil else { return false }
        let value = scalar.value == 0x037E ? 0x3B : scalar.value
        return value < 0x80 && marks.utf8.contains(UInt8(value))
    }
}

extension String {
    /// `split(whereSeparator: { $0.isOne(of: marks) })`: the clauses between the marks (ASCII punctuation).
    ///
    /// When no byte of the text can start one of the marks, there is nothing to split and no character is walked: on
    /// a 4,000-byte line of letters with combining marks, walking its characters to find none was a large part of
    /// answering it. A mark can only be its own ASCII byte, or U+037E (which starts with the byte 0xCD).
    func clauses(splitAt marks: String) -> [Substring] {
        guard mayHoldMark(of: marks) else { return isEmpty ? [] : [self[...]] }
        // ASCII without a carriage return ("\r\n" is one character): each byte is a character, so the marks are
        // found byte by byte, without walking characters.
        if utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            let markBytes = Array(marks.utf8)
            return utf8.split(whereSeparator: { markBytes.contains($0) }).map { self[$0.startIndex..<$0.endIndex] }
        }
        return split(whereSeparator: { $0.isOne(of: marks) })
    }

    /// Where each of `marks` (ASCII punctuation) stands, first to last: the index of the mark's character and the
    /// index after it; the characters a `for character in self` loop finds `marks.contains(character)` for. Empty,
    /// without walking characters, when no byte of the text can start a mark (see ``clauses(splitAt:)``).
    func marks(of marks: String) -> [(mark: Index, end: Index)] {
        guard mayHoldMark(of: marks) else { return [] }
        var found: [(mark: Index, end: Index)] = []
        var index = startIndex
        while index < endIndex {
            let next = self.index(after: index)
            if self[index].isOne(of: marks) { found.append((index, next)) }
            index = next
        }
        return found
    }

    /// Whether a byte of the text can start one of `marks` (ASCII punctuation): its own byte, or 0xCD, which starts
    /// U+037E GREEK QUESTION MARK (canonically a semicolon).
    func mayHoldMark(of marks: String) -> Bool {
        var mask: (low: UInt64, high: UInt64) = (0, 0)
        for byte in marks.utf8 where byte < 0x80 {
            if byte < 64 { mask.low |= 1 << UInt64(byte) } else { mask.high |= 1 << UInt64(byte - 64) }
        }
        return utf8.contains { byte in
            byte < 64 ? mask.low & (1 << UInt64(byte)) != 0 : byte < 0x80 ? mask.high & (1 << UInt64(byte - 64)) != 0 : byte == 0xCD
        }
    }

    /// `contains("?")`, without searching when the text has no question mark byte at all (no other character is
    /// canonically equivalent to one).
    var hasQuestionMark: Bool {
        utf8.contains(0x3F) && contains("?")
    }
}

extension String {
    /// Whether the UTF-8 bytes of `needle` are somewhere in the text's: for ASCII letters and marks, which no other
    /// character is canonically equivalent to, a quick test that a pattern of them can't match.
    func holdsBytes(of needle: String) -> Bool {
        holdsBytes(of: Array(needle.utf8))
    }

    /// `contains(needle)` (Foundation's search) for a needle of ASCII digits and marks ("988", "#"), which no other
    /// character is canonically equivalent to, and no character decomposes into: asked of Foundation only when the
    /// needle's bytes are in the text. A reply's text rarely holds them, and searching it through Foundation on every
    /// message cost more than the answer's matching (QA s26).
    func containsSymbols(_ needle: String) -> Bool {
        holdsBytes(of: needle) && contains(needle)
    }

    /// ``holdsBytes(of:)`` for the needle's UTF-8 bytes.
    func holdsBytes(of pattern: [UInt8]) -> Bool {
        guard let first = pattern.first else { return true }
        var text = self
        return text.withUTF8 { bytes in
            guard bytes.count >= pattern.count else { return false }
            for start in 0...(bytes.count - pattern.count) where bytes[start] == first {
                if (1..<pattern.count).allSatisfy({ bytes[start + $0] == pattern[$0] }) { return true }
            }
            return false
        }
    }
}

extension StringProtocol {
    /// `range(of: needle, options: .caseInsensitive)` for an ASCII needle, found byte by byte when the text is ASCII
    /// too (ASCII letters then differ only in case), and by Foundation otherwise.
    func caseInsensitiveRange(of needle: String) -> Range<Index>? {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.allSatisfy({ $0 < 0x80 }), utf8.allSatisfy({ $0 < 0x80 }) else {
            return range(of: needle, options: .caseInsensitive)
        }
        @inline(__always) func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        let wanted = pattern.map(lower)
        var start = utf8.startIndex
        var remaining = utf8.count
        while remaining >= wanted.count {
            var end = start
            var matches = true
            for byte in wanted {
                if lower(utf8[end]) != byte {
                    matches = false
                    break
                }
                end = utf8.index(after: end)
            }
            if matches { return start..<end }
            start = utf8.index(after: start)
            remaining -= 1
        }
        return nil
    }
}

extension Substring {
    /// `trimmingCharacters(in: .whitespaces)` (spaces, tabs and the other space separators), without Foundation
    /// when the ends are ASCII but a space or a tab: nothing is trimmed then.
    func trimmingSpacesAndTabs() -> String {
        guard let first = utf8.first, let last = utf8.last else { return "" }
        if first < 0x80, last < 0x80, first != 0x20, first != 0x09, last != 0x20, last != 0x09 { return String(self) }
        // Spaces and tabs at the ends, and ASCII past them ("i left group" after ". "): the space separators other
        // than the space are not ASCII, so the same cut as Foundation's, without it.
        let bytes = utf8
        guard let start = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else { return "" }
        let end = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 })!
        if bytes[start] < 0x80, bytes[end] < 0x80 { return String(self[start..<bytes.index(after: end)]) }
        return trimmingCharacters(in: .whitespaces)
    }
}
