/// Punctuation said aloud to voice dictation and typed out as words ("can I come back period", "what if I relapsed
/// question mark", "hi comma I left in May"): read as the mark it names, so a spoken "period" is never a word of the
/// question (QA33 S2-12). Read after the safety check, which sees the message as typed.
enum SpokenMarks {
    /// `text` with each spoken mark turned into the mark, joined to the word before it. A name for a mark after "a",
    /// "the", "my" and the like is a word ("my period is late", "a question mark over it"), and so is one with
    /// "of", "is" or "was" after it ("a period of time", "period was late"); both stay as typed.
    static func read(_ text: String) -> String {
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
