/// A message read as its sentences and clauses, with the ones that ask marked: a long message is
/// usually a story, then the question, and the question is what the visitor wants answered.
///
/// Sentences end at `.`, `!`, `?`, `;`, `…` and line breaks; a sentence splits into clauses at commas, and
/// before "and", "but", "also", "plus" when a question follows ("can i come back and do they take
/// medicaid" is two questions).
///
/// A clause asks when its sentence ends with `?`, when it starts with a question word ("what", "can",
/// "is", …) once leading filler ("so", "but", "honestly") is set aside, or when it holds a question or
/// request phrase ("can i", "do they", "is there", "i want to know"). When nothing asks and the message has
/// several sentences, its last sentence is taken as the point.
public struct MessageParts: Sendable, Hashable {
    /// One clause of the message.
    public struct Part: Sendable, Hashable {
        /// The clause as typed, trimmed.
        public var text: Substring
        /// Whether the clause asks or requests something: the part that decides the answer.
        public var isFocus: Bool
        /// Whether it is the first clause of its sentence.
        var startsSentence: Bool
    }

    /// Every clause, in order.
    public var parts: [Part]

    /// Whether some clauses are the point and others only the story around it.
    public var hasFocus: Bool {
        parts.contains(where: \.isFocus) && parts.contains { !$0.isFocus }
    }

    /// The clauses that ask, joined: what decided the answer (for explanations).
    public var focusText: String {
        parts.filter(\.isFocus).map { String($0.text) }.joined(separator: " … ")
    }

    /// The questions of the message, one per sentence that asks, in order.
    public var questions: [String] { sentences(asking: true) }

    /// The sentences of the message that don't ask (their clauses that don't), in order: what the visitor tells.
    public var statements: [String] { sentences(asking: false) }

    /// The clauses that ask (or don't), joined by sentence.
    private func sentences(asking: Bool) -> [String] {
        var result: [String] = []
        var current: [Substring] = []
        for part in parts {
            if part.startsSentence, !current.isEmpty {
                result.append(current.joined(separator: ", "))
                current = []
            }
            if part.isFocus == asking { current.append(part.text) }
        }
        if !current.isEmpty { result.append(current.joined(separator: ", ")) }
        return result
    }

    /// Splits a message; messages of one clause, or too short to hold a story, come back as one part.
    public init(_ text: String) {
        var parts: [Part] = []
        var sentenceCount = 0
        // Nearly every message is plain text: one Unicode scalar per character. It is read by its bytes, which
        // gives the same parts as reading it by characters without grapheme breaking on every letter.
        let plain = PlainText.holds(text)
        for (sentence, asks) in plain ? PlainText.sentences(of: text) : Self.sentences(of: text) {
            var first = true
            var previous: Part?
            let clauses =
                plain ? PlainText.clauses(of: sentence) : Self.clauses(of: sentence)
            for clause in clauses {
                let words = plain ? PlainText.words(of: clause) : Self.words(of: clause)
                let pieces = Self.questionsJoined(in: clause, words: words)
                for (index, piece) in pieces.enumerated() {
                    let trimmed = plain ? PlainText.trimmedClause(piece) : piece.trimmedClause()
                    guard
                        plain
                            ? PlainText.hasLetterOrDigit(trimmed) : trimmed.contains(where: { $0.isLetter || $0.isNumber })
                    else { continue }
                    // A question joined by "and" starts a question of its own, after a comma too when the clause
                    // before it asks by itself ("does the program work with the va, and can i come back").
                    let starts =
                        first || index > 0
                        || (Self.opensJoinedQuestion(words)
                            && previous.map { Self.asks($0.text, startsSentence: $0.startsSentence) } == true)
                    let part = Part(
                        text: trimmed, isFocus: asks || Self.asks(trimmed, startsSentence: starts), startsSentence: starts)
                    parts.append(part)
                    previous = part
                    first = false
                }
            }
            if !first { sentenceCount += 1 }
        }
        if !parts.contains(where: \.isFocus), sentenceCount > 1 {
            // Nothing asks: the last sentence is usually the point ("… i just want to come back").
            if let start = parts.lastIndex(where: \.startsSentence) {
                for i in start..<parts.count { parts[i].isFocus = true }
            }
        }
        self.parts = parts
    }

    /// The sentences of a text, each with whether it ends with a question mark.
    static func sentences(of text: String) -> [(text: Substring, asks: Bool)] {
        // No byte of a mark that ends a sentence (`…` is E2 80 A6): one sentence, found without reading every
        // character (a line of 2,000 accented letters took a millisecond to read by characters).
        if !text.utf8.contains(where: Self.startsSentenceEnd) {
            return text.isEmpty ? [] : [(text[...], false)]
        }
        var result: [(Substring, Bool)] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let c = text[i]
            let next = text.index(after: i)
            let ends: Bool
            switch c.onlyScalar ?? "\0" {
            case "?", "!", ";", "…", "\n":
                ends = true
            case ".":
                // "4.5" or "a.m." is not the end of a sentence; ". " or a final "." is.
                ends = next == text.endIndex || text[next].isWhitespace || text[next].onlyScalar == "."
            default:
                ends = false
            }
            guard ends else {
                i = next
                continue
            }
            var end = next
            while end < text.endIndex, let mark = text[end].onlyScalar, mark == "?" || mark == "!" || mark == "."
                || mark == "…"
            {
                end = text.index(after: end)
            }
            result.append((text[start..<end], text[i..<end].contains { $0.onlyScalar == "?" }))
            start = end
            i = end
        }
        if start < text.endIndex { result.append((text[start...], false)) }
        return result
    }

    /// Whether a byte is the first of a mark ``sentences(of:)`` ends a sentence at: `?`, `!`, `;`, `.`, a line
    /// feed, or the lead byte of `…`.
    @inline(__always)
    private static func startsSentenceEnd(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x3F, 0x21, 0x3B, 0x2E, 0x0A, 0xE2: true
        default: false
        }
    }

    /// The clauses of a sentence: its non-empty runs between commas (a comma is one scalar that nothing else is
    /// canonically equivalent to, so a character is a comma exactly when it is that scalar alone).
    static func clauses(of sentence: Substring) -> [Substring] {
        guard sentence.utf8.contains(UInt8(ascii: ",")) else { return sentence.isEmpty ? [] : [sentence] }
        var clauses: [Substring] = []
        var start = sentence.startIndex
        var i = start
        while i < sentence.endIndex {
            let next = sentence.index(after: i)
            if sentence[i].onlyScalar == "," {
                if start < i { clauses.append(sentence[start..<i]) }
                start = next
            }
            i = next
        }
        if start < sentence.endIndex { clauses.append(sentence[start...]) }
        return clauses
    }

    /// Words that join a second question to a first ("… and do they take medicaid").
    /// Not "or": "do i just show up or is there a call first" is one question with two ways.
    private static let joiningWords: Set<String> = ["and", "but", "also", "plus", "&"]

    /// A clause cut before each joining word that a question follows: "can i come back and do they take
    /// medicaid" is "can i come back" and "and do they take medicaid". The question must open with a question
    /// word that isn't a relative one ("and when i do", "and which"), a yes/no one with its subject ("and do
    /// they", not "and did drugs"), and each piece keep two words or more.
    ///
    /// `words` are the clause's words when already read (``PlainText/words(of:)``), else they are read here.
    static func questionsJoined(
        in clause: Substring, words known: [(range: Range<Substring.Index>, word: String)]? = nil
    ) -> [Substring] {
        let words = known ?? Self.words(of: clause)
        guard words.count >= 5 else { return [clause] }
        var pieces: [Substring] = []
        var pieceStart = clause.startIndex
        var wordsInPiece = 0
        for (k, entry) in words.enumerated() {
            defer { wordsInPiece += 1 }
            guard wordsInPiece >= 2, joiningWords.contains(entry.word) || clause[entry.range] == "&",
                k + 2 < words.count
            else { continue }
            // "and do they", "but is there", "and how long": a question, not "and do the steps" or "and did drugs".
            let next = words[k + 1].word
            guard wordQuestions.contains(next) || Self.opensYesNo(next, subject: words[k + 2].word) else { continue }
            pieces.append(clause[pieceStart..<entry.range.lowerBound])
            pieceStart = entry.range.lowerBound
            wordsInPiece = 0
        }
        pieces.append(clause[pieceStart...])
        return pieces
    }

    /// Whether a clause opens with a joining word and a question ("and can i come back", "but how long"), by the
    /// rule of ``questionsJoined(in:words:)``, or with a yes/no question and its subject and no joining word ("can i
    /// come back, will i have the same counselor, and …": a list of questions).
    static func opensJoinedQuestion(_ words: [(range: Range<Substring.Index>, word: String)]) -> Bool {
        guard words.count >= 3 else { return false }
        guard joiningWords.contains(words[0].word) else {
            let first = words[0].word
            return questionStarters.contains(first) && !relativeStarters.contains(first)
                && !wordQuestions.contains(first) && questionSubjects.contains(words[1].word)
        }
        guard words.count >= 4 else { return false }
        let next = words[1].word
        return wordQuestions.contains(next) || Self.opensYesNo(next, subject: words[2].word)
    }

    /// Whether a question word and the word after it open a yes/no question after a joining word: "and do they",
    /// "and is there", and with a thing or person named ("and will the same counselor be there", "and is my spot
    /// still open", QA21 W6) after the words that ask about one; not "and do the steps" or "and did drugs".
    static func opensYesNo(_ word: String, subject: String) -> Bool {
        guard questionStarters.contains(word), !relativeStarters.contains(word) else { return false }
        return questionSubjects.contains(subject) || (namedSubjectQuestions.contains(word) && namedSubjects.contains(subject))
    }

    /// Question words after which a named subject ("the", "my") still asks (see ``opensYesNo(_:subject:)``).
    private static let namedSubjectQuestions: Set<String> = ["will", "would", "is", "are", "can", "could"]
    /// Words that open a named subject.
    private static let namedSubjects: Set<String> = ["the", "my", "your", "a", "an"]

    /// The whitespace-separated words of a clause, each with its letters lowercased (nothing else kept).
    static func words(of clause: Substring) -> [(range: Range<Substring.Index>, word: String)] {
        // No byte that starts a whitespace scalar (tab to carriage return, space, and the lead bytes of U+0085,
        // U+00A0, U+1680, U+2000–U+205F and U+3000): no character is whitespace, and the clause is one word.
        if !clause.utf8.contains(where: Self.startsWhitespace) {
            return clause.isEmpty ? [] : [(clause.startIndex..<clause.endIndex, clause.lowercased().filter(\.isLetter))]
        }
        var words: [(range: Range<Substring.Index>, word: String)] = []
        var start: Substring.Index?
        for i in clause.indices {
            if clause[i].isWhitespace {
                if let s = start { words.append((s..<i, clause[s..<i].lowercased().filter(\.isLetter))) }
                start = nil
            } else if start == nil {
                start = i
            }
        }
        if let s = start { words.append((s..<clause.endIndex, clause[s...].lowercased().filter(\.isLetter))) }
        return words
    }

    /// Whether a byte may start the UTF-8 of a whitespace scalar (see ``words(of:)``).
    @inline(__always)
    private static func startsWhitespace(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x09...0x0D, 0x20, 0xC2, 0xE1, 0xE2, 0xE3: true
        default: false
        }
    }

    /// Question words that open a question by themselves after "and" ("and how long is it").
    private static let wordQuestions: Set<String> = ["what", "whats", "how", "hows", "why", "where", "wheres", "whether"]

    /// Who a yes/no question after "and" asks about ("and do they", "and is there").
    private static let questionSubjects: Set<String> = [
        "i", "you", "u", "ya", "yall", "they", "we", "he", "she", "it", "there", "that", "this", "someone",
        "somebody", "anyone", "anybody",
    ]

    /// Words that open a question.
    private static let questionStarters: Set<String> = [
        "what", "whats", "how", "hows", "when", "whens", "where", "wheres", "why", "who", "whos", "which",
        "can", "could", "cant", "do", "does", "did", "is", "isnt", "are", "will", "would", "wont", "should",
        "am", "may", "any", "anyone", "anybody", "hows", "whether",
    ]

    /// Question words that, after a comma, usually open a relative clause instead ("my dad, who has
    /// dementia"; "in may, when my mom got sick"): there they ask only with a question mark or an asking phrase.
    private static let relativeStarters: Set<String> = ["who", "whos", "which", "when", "whens", "where", "wheres"]

    /// Leading words that say nothing about whether a clause asks.
    private static let leadingFiller: Set<String> = [
        "so", "and", "but", "like", "ok", "okay", "anyway", "anyways", "honestly", "just", "well", "um", "uh",
        "also", "now", "then", "basically", "idk", "tbh", "yeah", "hey", "hi", "oh", "ya", "plus", "because",
        "cause", "bc", "lol", "ugh", "man", "sorry", "guess", "mean", "really", "seriously", "srsly",
    ]

    /// Phrases that ask or request anywhere in a clause.
    private static let askingPhrases: [[String]] = [
        ["can", "i"], ["could", "i"], ["do", "they"], ["do", "i"], ["is", "there"], ["is", "it"], ["will", "they"],
        ["would", "they"], ["what", "if"], ["what", "happens"], ["should", "i"], ["am", "i"], ["are", "they"],
        ["i", "wonder"], ["wondering"], ["want", "to", "know"], ["need", "to", "know"], ["can", "someone"],
        ["can", "you"], ["could", "you"], ["will", "i"], ["would", "i"], ["do", "you"], ["does", "it"],
        ["are", "there"], ["is", "that"], ["can", "they"], ["could", "someone"], ["call", "me"],
        ["want", "to", "come", "back"], ["want", "to", "go", "back"], ["how", "do"], ["how", "long"],
        ["how", "much"], ["tell", "me"], ["let", "me", "know"], ["any", "advice"], ["any", "tips"],
        // Questions folded into a statement: "idk if they'd take me", "not sure whether it's worth it".
        ["know", "if"], ["know", "whether"], ["sure", "if"], ["sure", "whether"], ["wonder", "if"],
        ["curious", "if"], ["my", "question"], ["whether"], ["inquire"], ["enquire"],
        // Requests: "just give me the number", "please get me back in".
        ["give", "me"], ["send", "me"], ["please"],
    ]

    /// Whether a clause asks or requests, by its words (see the type's description).
    static func asks(_ clause: Substring, startsSentence: Bool = true) -> Bool {
        let words = TextNormalizer.words(String(clause))
        guard let first = words.first(where: { !leadingFiller.contains($0) }) else { return false }
        if questionStarters.contains(first) && (startsSentence || !relativeStarters.contains(first)) { return true }
        for start in words.indices {
            for phrase in askingPhrasesByFirstWord[words[start], default: []]
            where start + phrase.count <= words.count && words[start..<(start + phrase.count)].elementsEqual(phrase) {
                return true
            }
        }
        return false
    }

    /// The asking part of each clause that asks by its own words, from its question word or asking phrase to
    /// its end, in order: "i was scared of being judged and now i need to know what the copay is" asks "need to know
    /// what the copay is". A question mark alone doesn't make a clause ask here: the story before the question, in
    /// the same sentence, stays out.
    public var askingTails: [String] { askingTails(last: parts.count) }

    /// The last `count` of ``askingTails``, found from the end: a line of thousands of clauses is not read whole
    /// again.
    public func askingTails(last count: Int) -> [String] {
        var tails: [String] = []
        for part in parts.reversed() where tails.count < count {
            if let tail = Self.askingTail(of: part.text, startsSentence: part.startsSentence) { tails.append(tail) }
        }
        return tails.reversed()
    }

    /// The words of a clause from where it asks (see ``askingTails``), or nil when it doesn't ask by its words.
    static func askingTail(of clause: Substring, startsSentence: Bool = true) -> String? {
        let words = TextNormalizer.words(String(clause))
        guard let lead = words.firstIndex(where: { !leadingFiller.contains($0) }) else { return nil }
        let first = words[lead]
        // "when i left", "how i let them down", "what i need": a question word with its subject right after it
        // tells of something; it doesn't ask.
        let tells = lead + 1 < words.count && tellingWords.contains(first) && tellingSubjects.contains(words[lead + 1])
        if questionStarters.contains(first) && (startsSentence || !relativeStarters.contains(first)) && !tells {
            return words[lead...].joined(separator: " ")
        }
        for start in words.indices {
            for phrase in askingPhrasesByFirstWord[words[start], default: []]
            where start + phrase.count <= words.count && words[start..<(start + phrase.count)].elementsEqual(phrase) {
                return words[start...].joined(separator: " ")
            }
        }
        return nil
    }

    /// Whether an asking tail (``askingTail(of:startsSentence:)``) is only a wish to come back ("want to come back",
    /// "want to go back but im scared"): what the story leads to, not a question of its own. A wish that goes on to
    /// ask ("want to come back but can i still") is a question.
    static func isWish(_ tail: String) -> Bool {
        let words = TextNormalizer.words(tail)
        guard words.count >= 4, words[0] == "want", words[1] == "to", words[2] == "come" || words[2] == "go",
            words[3] == "back"
        else { return false }
        return !asks(Substring(words.dropFirst(4).joined(separator: " ")), startsSentence: false)
    }

    /// Question words that, with a subject right after them, tell rather than ask (see ``askingTail(of:startsSentence:)``).
    private static let tellingWords: Set<String> = ["what", "how", "when", "where", "why", "who", "which"]
    private static let tellingSubjects: Set<String> = ["i", "im", "ive", "he", "she", "we", "they", "my", "his", "her", "our", "their"]

    /// ``askingPhrases`` by their first word: a clause's words are looked up once each, not compared with
    /// every phrase.
    private static let askingPhrasesByFirstWord = Dictionary(grouping: askingPhrases) { $0[0] }
}

extension Substring {
    /// The clause without surrounding spaces, dashes and closing marks.
    fileprivate func trimmedClause() -> Substring {
        var s = self
        while let first = s.first, first.isWhitespace || Self.isDash(first.onlyScalar) { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace || Self.isClosingMark(last.onlyScalar) { s = s.dropLast() }
        return s
    }

    private static func isDash(_ scalar: Unicode.Scalar?) -> Bool {
        scalar == "-" || scalar == "–" || scalar == "—"
    }

    private static func isClosingMark(_ scalar: Unicode.Scalar?) -> Bool {
        scalar == "?" || scalar == "!" || scalar == "." || scalar == "…" || scalar == ";"
    }
}

extension Character {
    /// The character's scalar when it is one scalar, else nil.
    ///
    /// Comparing Characters (`c == "?"`) compares them as canonically equivalent strings, which is slow
    /// for anything but ASCII: a line of 1,300 accented letters spent milliseconds on it. The marks this
    /// file looks for are single scalars that nothing else is canonically equivalent to, so comparing the
    /// scalar says the same.
    @inline(__always)
    fileprivate var onlyScalar: Unicode.Scalar? {
        let scalars = unicodeScalars
        guard let first = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex else {
            return nil
        }
        return first
    }
}
