/// Splits text into the words safety patterns are written in, the same way for the staff's
/// patterns and for what visitors type.
///
/// Letters are lowercased and Latin letters with marks folded to plain ones ("tomé" is "tome", "ß" is "ss");
/// apostrophes (straight, curly, backtick) are dropped so that
/// "don't", "don’t" and "dont" are one word; every other mark separates words; digits and letters
/// are split apart ("800mg" is "800 mg") and a comma inside a number is dropped ("1,200"); a letter repeated three
/// times or more is kept twice ("dieee" is "diee").
/// It runs over Unicode scalars once, with no regular expressions and no heap allocation.
enum SafetyTokenizer {
    /// One word of normalized text, handed to the caller of `forEachWord(in:_:)`.
    ///
    /// The bytes are valid only inside the callback.
    struct Word {
        /// The word's first `SafetyTokenizer.maximumStoredLength` bytes: lowercase `a`–`z` and `0`–`9`,
        /// or the lowercased UTF-8 of other letters.
        var bytes: UnsafeBufferPointer<UInt8>
        /// The whole word's length in bytes; longer than `bytes` for very long words.
        var length: Int
        /// Only `a`–`z`, so typo tolerance may apply.
        var isPlainLetters: Bool
        /// The value of an all-digit word such as `800` out of `800mg` (capped at a million), otherwise -1.
        var number: Int32
        /// A sentence ended before this word (`.`, `!`, `?`, `;` or a line break came after the previous word).
        var startsSentence: Bool
        /// A clause ended before this word inside the sentence (`,`, `:`, a bracket or a dash between spaces).
        var startsClause: Bool

        /// The word as a string (for compiling patterns; the hot path never builds strings).
        var string: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Bytes kept per word; nothing a pattern could name is longer.
    static let maximumStoredLength = 48

    /// Calls `body` for each word of `text`, in order.
    @inline(__always)
    static func forEachWord(in text: String, _ body: (Word) -> Void) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maximumStoredLength) { buffer in
            var length = 0
            var kind: UInt8 = 0  // 0 none, 1 letters, 2 digits
            var plain = true
            var value: Int32 = 0
            var commaPending = false
            var sentenceBreak = false
            var clauseBreak = false

            func flush() {
                commaPending = false
                guard length > 0 else { return }
                let stored = UnsafeBufferPointer(rebasing: buffer[0..<min(length, maximumStoredLength)])
                body(
                    Word(
                        bytes: stored, length: length, isPlainLetters: kind == 1 && plain,
                        number: kind == 2 ? value : -1, startsSentence: sentenceBreak,
                        startsClause: clauseBreak && !sentenceBreak))
                sentenceBreak = false
                clauseBreak = false
                length = 0
                kind = 0
                plain = true
                value = 0
            }

            func append(_ byte: UInt8, kind newKind: UInt8, plain isPlain: Bool) {
                if commaPending {
                    commaPending = false
                    if newKind != 2 {
                        flush()
                        clauseBreak = true  // "5,and"
                    }
                }
                if kind != 0 && kind != newKind { flush() }
                // A letter typed three times or more counts twice ("dieee", "noooo"): what is left is one letter
                // too many, a slip typo tolerance reads.
                if newKind == 1 && kind == 1 && length >= 2 && length < maximumStoredLength
                    && buffer[length - 1] == byte && buffer[length - 2] == byte
                {
                    return
                }
                kind = newKind
                if length < maximumStoredLength { buffer[length] = byte }
                length += 1
                if !isPlain { plain = false }
                if newKind == 2 { value = min(value &* 10 &+ Int32(byte &- 48), 1_000_000) }
            }

            for scalar in text.unicodeScalars {
                let v = scalar.value
                if v < 0x80 {
                    var byte = UInt8(truncatingIfNeeded: v)
                    if byte >= 65 && byte <= 90 { byte &+= 32 }
                    if byte >= 97 && byte <= 122 {
                        append(byte, kind: 1, plain: true)
                    } else if byte >= 48 && byte <= 57 {
                        append(byte, kind: 2, plain: true)
                    } else if byte == 39 || byte == 96 {
                        continue  // don't, dont
                    } else if byte == 44 && kind == 2 {
                        commaPending = true  // 1,200
                    } else {
                        if commaPending { clauseBreak = true }  // "5, and"
                        let betweenWords = length == 0  // a dash after a space, not inside "self-harm"
                        flush()
                        // . ! ? ; and line breaks end a sentence; a "." inside a number ("0.5") doesn't matter here.
                        if byte == 46 || byte == 33 || byte == 63 || byte == 59 || byte == 10 { sentenceBreak = true }
                        // , : brackets and a dash with a space before it end a clause ("2019, and tonight").
                        if byte == 44 || byte == 58 || byte == 40 || byte == 41 || (byte == 45 && betweenWords) {
                            clauseBreak = true
                        }
                    }
                } else if isApostrophe(v) || (v >= 0x300 && v <= 0x36F) {
                    continue  // a combining mark typed after its letter ("e" + U+0301) is dropped as "é" is folded
                } else if let folded = latinFolding(v) {
                    // "tomé", "Sí", "niño": a Latin letter with a mark is read as its plain letter, so patterns
                    // written in a–z match it and typo tolerance applies.
                    append(folded.0, kind: 1, plain: true)
                    if folded.1 != 0 { append(folded.1, kind: 1, plain: true) }
                } else if TextNormalizer.isAlphabetic(scalar) {
                    for byte in scalar.properties.lowercaseMapping.utf8 {
                        append(byte, kind: 1, plain: false)
                    }
                } else {
                    flush()
                }
            }
            flush()
        }
    }

    /// The words of `text` as strings, for compiling patterns.
    static func words(in text: String) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { words.append($0.string) }
        return words
    }

    /// The plain lowercase letters (one, or two as in "ß" → "ss") of a Latin letter with a mark (U+00C0–U+017F),
    /// or nil for any other scalar.
    @inline(__always)
    static func latinFolding(_ value: UInt32) -> (UInt8, UInt8)? {
        guard value >= 0xC0 && value <= 0x17F else { return nil }
        let packed = latinFoldingTable[Int(value - 0xC0)]
        guard packed != 0 else { return nil }
        return (UInt8(truncatingIfNeeded: packed), UInt8(truncatingIfNeeded: packed >> 8))
    }

    /// U+00C0–U+017F: each letter's plain lowercase letters packed as `first | second << 8` (0: not folded).
    private static let latinFoldingTable: [UInt16] = {
        // One character per scalar from U+00C0 (its canonical decomposition's base letter, lowercased; generated
        // with Python's unicodedata): "." is not folded (× ÷), capitals stand for two letters.
        let letters =
            "aaaaaaAceeeeiiiidnooooo.ouuuuyTSaaaaaaAceeeeiiiidnooooo.ouuuuyTy"
            + "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiJJjjkkkllllllllllnnnnnnnnnooooooOOrrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"
        let pairs: [UInt8: (UInt8, UInt8)] = [
            UInt8(ascii: "A"): (UInt8(ascii: "a"), UInt8(ascii: "e")),  // æ
            UInt8(ascii: "O"): (UInt8(ascii: "o"), UInt8(ascii: "e")),  // œ
            UInt8(ascii: "S"): (UInt8(ascii: "s"), UInt8(ascii: "s")),  // ß
            UInt8(ascii: "T"): (UInt8(ascii: "t"), UInt8(ascii: "h")),  // þ
            UInt8(ascii: "J"): (UInt8(ascii: "i"), UInt8(ascii: "j")),  // ĳ
        ]
        return letters.utf8.map { letter in
            if let pair = pairs[letter] { return UInt16(pair.0) | UInt16(pair.1) << 8 }
            return letter == UInt8(ascii: ".") ? 0 : UInt16(letter)
        }
    }()

    /// Curly and look-alike apostrophes people's keyboards produce.
    @inline(__always)
    private static func isApostrophe(_ value: UInt32) -> Bool {
        switch value {
        case 0x2018, 0x2019, 0x201B, 0x02BC, 0x00B4, 0x2032, 0xFF07: return true
        default: return false
        }
    }
}
