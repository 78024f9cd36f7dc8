/// Punctuation said aloud to voice dictation and typed out as words ("can I come back period", "what if I relapsed
/// question mark", "hi comma I left in May"): read as the mark it names, so a spoken "period" is never a word of the
/// question (QA33 S2-12). Read after the safety check, which sees the message as typed.
enum SpokenMarks {
    /// `text` with each spoken mark turned into the mark, joined to the word before it. A name for a mark after "a",
    /// "the", "my" and the like is a word ("my period is late", "a question mark over it"), and so is one with
    /// "of", "is" or "was" after it ("a period of time", "period was late"); both stay as typed.
    static func read(_ text: String) -> String {
        if asciiHoldsFirstWord(text) == false { return text }
        let tokens = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard tokens.count > 1, tokens.contains(where: { Self.firstWords.contains(plain($0)) }) else { return text }
        var out: [String] = []
        var index = 0
        while index < tokens.count {
            if let said = spokenMark(in: tokens, at: index), let last = out.last {
                out[out.count - 1] = last + said.mark
                index += said.words
            } else {
                out.append(tokens[index])
                index += 1
            }
        }
        return out.joined(separator: " ")
    }

    /// The mark said at `index` and how many words say it; nil when the words there are no spoken mark.
    private static func spokenMark(in tokens: [String], at index: Int) -> (mark: String, words: Int)? {
        let word = plain(tokens[index])
        guard firstWords.contains(word), index > 0 else { return nil }
        let next = index + 1 < tokens.count ? plain(tokens[index + 1]) : ""
        let said: (mark: String, words: Int)? =
            switch (word, next) {
            case ("period", _), ("full", "stop"): word == "full" ? (".", 2) : (".", 1)
            case ("comma", _): (",", 1)
            case ("question", "mark"): ("?", 2)
            case ("exclamation", "point"), ("exclamation", "mark"): ("!", 2)
            default: nil
            }
        guard let said else { return nil }
        // "my period", "a question mark", "the worst period": a word, not a mark.
        let before = tokens[max(0, index - 2)..<index].map(plain)
        guard before.allSatisfy({ !wordBefore.contains($0) }) else { return nil }
        let after = index + said.words < tokens.count ? plain(tokens[index + said.words]) : ""
        guard !wordAfter.contains(after) else { return nil }
        return said
    }

    /// Whether an ASCII text has a word whose ``plain(_:)`` letters are one of `firstWords`, read from its bytes; nil
    /// for a text that isn't ASCII (read as `read` does). For ASCII text the words split at whitespace and their
    /// lowercased letters and digits are the same by bytes: most messages say no mark, and reading each of their words
    /// into a `String` to ask was 5% of answering a question.
    private static func asciiHoldsFirstWord(_ text: String) -> Bool? {
        // A word's letters and digits, lowercased, packed eight bytes to a word; longer than 16 is no first word.
        var low: UInt64 = 0
        var high: UInt64 = 0
        var count = 0
        var found = false
        func endWord() {
            if count > 0, count <= 16, firstWordBytes.contains(where: { $0.low == low && $0.high == high }) {
                found = true
            }
            low = 0
            high = 0
            count = 0
        }
        for byte in text.utf8 {
            if byte >= 0x80 { return nil }
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                endWord()
                continue
            }
            let lowered = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            guard (0x61...0x7A).contains(lowered) || (0x30...0x39).contains(lowered) else { continue }
            if count < 8 {
                low |= UInt64(lowered) << (8 * UInt64(count))
            } else if count < 16 {
                high |= UInt64(lowered) << (8 * UInt64(count - 8))
            }
            count += 1
        }
        endWord()
        return found
    }

    /// `firstWords` packed as ``asciiHoldsFirstWord(_:)`` packs a word's bytes.
    private static let firstWordBytes: [(low: UInt64, high: UInt64)] = firstWords.map { word in
        var low: UInt64 = 0
        var high: UInt64 = 0
        for (index, byte) in word.utf8.enumerated() {
            if index < 8 { low |= UInt64(byte) << (8 * UInt64(index)) } else { high |= UInt64(byte) << (8 * UInt64(index - 8)) }
        }
        return (low, high)
    }

    /// A token lowercased, without the marks typed around it.
    private static func plain(_ token: String) -> String {
        String(token.lowercased().filter { $0.isLetter || $0.isNumber })
    }

    /// The first word of each spoken mark.
    private static let firstWords: Set<String> = ["period", "full", "comma", "question", "exclamation"]

    /// Words that make the next a noun ("my period", "a comma"), a word or two before it.
    private static let wordBefore: Set<String> = [
        "a", "an", "the", "my", "her", "his", "your", "their", "our", "its", "this", "that", "each", "every", "some",
        "any", "one", "first", "last", "next", "grace", "trial", "waiting", "probation", "probationary",
    ]

    /// Words that make the word before them a noun ("period of time", "period was late", "period cramps").
    private static let wordAfter: Set<String> = [
        "of", "is", "was", "has", "had", "came", "comes", "cramps", "pain", "pains", "late", "app", "tracker",
    ]
}
