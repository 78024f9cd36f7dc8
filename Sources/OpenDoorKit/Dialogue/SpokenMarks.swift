/// Punctuation said aloud to voice dictation and typed out as words ("can I come back period", "what if I relapsed
/// question mark", "hi comma I left in May"): read as the mark it names, so a spoken "period" is never a word of the
/// question (QA33 S2-12). Read after the safety check, which sees the message as typed.
enum SpokenMarks {
    /// `text` with each spoken mark turned into the mark, joined to the word before it. A name for a mark after "a",
    /// "the", "my" and the like is a word ("my period is late", "a question mark over it"), and so is one with
    /// "of", "is" or "was" after it ("a period of time", "period was late"); both stay as typed.
    static func read(_ text: String) -> String {
        guard mayNameMark(text) else { return text }
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

    /// Whether a token of `text` may be, read `plain`, the first word of a spoken mark: false only when none is.
    ///
    /// Every message passes here, and splitting it into `Character`s and lowercasing each token was an eighth of a
    /// worst-case message's reply (round 28). In ASCII text a token's plain form is its letters and digits lowercased,
    /// read here from the bytes. Otherwise a token's plain form can only be a first word when the text's ASCII
    /// letters hold that word's letters in order (a letter of another script, a letter with a mark, lowercases to no
    /// ASCII letter of these words: only the Kelvin sign lowercases to one, "k"), so that is asked first.
    static func mayNameMark(_ text: String) -> Bool {
        var plain: (UInt64, UInt64) = (0, 0)  // a token's first 16 plain bytes, lowercased
        var count = 0
        var ascii = true
        // For text that isn't ASCII: how far each first word's letters have been seen in order.
        var seen = [Int](repeating: 0, count: firstWordBytes.count)
        func tokenEnded() -> Bool {
            defer {
                plain = (0, 0)
                count = 0
            }
            return count <= 16 && firstWordKeys.contains { $0 == plain }
        }
        for byte in text.utf8 {
            var letter = byte
            switch byte {
            case 0x41...0x5A: letter = byte | 0x20
            case 0x61...0x7A, 0x30...0x39: break
            case 0x09...0x0D, 0x20:
                if ascii, tokenEnded() { return true }
                continue
            case 0x80...:
                ascii = false
                continue
            default: continue  // ASCII marks: dropped from the token
            }
            if count < 16 {
                if count < 8 {
                    plain.0 |= UInt64(letter) << (8 * count)
                } else {
                    plain.1 |= UInt64(letter) << (8 * (count - 8))
                }
            }
            count += 1
            for (word, letters) in firstWordBytes.enumerated() where seen[word] < letters.count {
                if letters[seen[word]] == letter { seen[word] += 1 }
            }
        }
        if ascii { return tokenEnded() }
        return zip(seen, firstWordBytes).contains { $0 == $1.count }
    }

    /// The first words' bytes, and the same packed as `mayNameMark` packs a token.
    private static let firstWordBytes = firstWords.map { Array($0.utf8) }
    private static let firstWordKeys: [(UInt64, UInt64)] = firstWordBytes.map { letters in
        var key: (UInt64, UInt64) = (0, 0)
        for (position, letter) in letters.enumerated() {
            if position < 8 {
                key.0 |= UInt64(letter) << (8 * position)
            } else {
                key.1 |= UInt64(letter) << (8 * (position - 8))
            }
        }
        return key
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
