/// A bare "Yes." or "No." that opens the center's answer, read against the way the visitor asked.
///
/// The center's answers say yes or no to the question as it is usually asked ("Can I rejoin?" — "Yes. It’s more
/// common than you think…"). Asked the other way round — "is it too late", "am i banned for leaving", "is there a
/// rule against coming back" — the same "Yes." says the opposite of what the answer means; asked with a condition
/// the center never spoke of — "can i come back without my parents knowing" — it promises the condition. In both
/// cases the reply starts with the sentence after the bare word, which says the same without answering a question
/// that wasn't asked.
///
/// The words are the knowledge's (`polar_openings` in vocabulary.yaml): another center, or another language,
/// swaps the file, not the code. A vocabulary without them leaves every answer as written.
public struct PolarOpening: Sendable, Hashable {
    /// The opening words that are only a yes or a no ("Yes.", "No."), each followed by a space and the rest of
    /// the answer.
    public var bareWords: [String]
    /// Words after "too" that turn a question round: "is it too late", "has it been too long".
    public var tooWords: Set<String>
    /// Words that turn a question round on their own: a yes to them is a no to coming back.
    public var invertingWords: Set<String>
    /// Words that, a word or two before "away", turn a question round: "will they turn me away".
    public var turningWords: Set<String>
    /// Words that turn a question round when it is asked of "it" or "that" ("is it weird to come back", "would it be
    /// strange"): a yes to them is a no to coming back (QA37 S2-2). Told of something else ("my group was weird")
    /// they turn nothing.
    public var strangeWords: Set<String>
    /// Words that put a condition on the question the center's answer doesn't speak to.
    public var conditionWords: Set<String>
    /// Words that open a yes/no question ("is", "am", "do"): a question they open a few words before the word that
    /// turns it round ("is it too late", "am i banned") is answered by the other bare word ("No."), so the answer
    /// still says yes or no to what was asked (QA23 W21). Empty: the bare word is only left out.
    public var turnedStarts: Set<String>
    /// Words that, right after "or", offer no second way ("is it too late or whatever", "or not"): any other word
    /// after "or" starts an alternative, and a question offering two ways is not answered by a bare yes or no
    /// (QA23 W13, QA31 S2-14).
    public var emptyAlternatives: Set<String>
    /// Words that count ("two", "couple", "once"): an "or" between two counts ("2 or 3 weeks", "a month or two",
    /// "once or twice") is a story's estimate, not a second way to answer.
    public var countWords: Set<String>
    /// Words that open a yes/no question ("can", "do", "r"): an "or" offers a second way only after one of them
    /// ("i missed 2 or 3 weeks, my mom or my sister drove me… can i come back" asks one thing). Empty: any "or".
    public var questionStarts: Set<String>
    /// Words that open a question no yes or no answers ("how do i do that"): the bare word is left out when one of
    /// the first two words is one of them.
    public var openStarts: Set<String>
    /// Situations the center's answers never speak of ("kicked out", "discharged", "part time"), each as its words:
    /// said anywhere in a message, in the story as well as in the question, a bare yes or no would promise what the
    /// center hasn't said (QA25 S2-13).
    public var unspoken: [[String]] {
        didSet { unspokenByStart = Self.byFirstWord(unspoken) }
    }
    /// ``unspoken`` by each phrase's first word, so that a word of a message is compared only with the phrases it may
    /// start.
    private var unspokenByStart: [String: [[String]]] = [:]
    /// Openings that answer a question ("Possibly—but not always."), each followed by a space and the rest of the
    /// answer: said to a message that asks nothing ("i dont want to see my old counselor again") they answer a
    /// question never asked, and the reply starts with the sentence after them (QA36 S3-5).
    public var questionOnly: [String]

    /// Word lists as written in vocabulary.yaml (normalized, as the analyzer reads words).
    public init(
        bareWords: [String] = [], tooWords: Set<String> = [], invertingWords: Set<String> = [],
        turningWords: Set<String> = [], conditionWords: Set<String> = [], turnedStarts: Set<String> = [],
        emptyAlternatives: Set<String> = [], openStarts: Set<String> = [], unspoken: [[String]] = [],
        countWords: Set<String> = [], questionStarts: Set<String> = [], questionOnly: [String] = [],
        strangeWords: Set<String> = []
    ) {
        self.strangeWords = strangeWords
        self.questionOnly = questionOnly
        self.bareWords = bareWords
        self.tooWords = tooWords
        self.invertingWords = invertingWords
        self.turningWords = turningWords
        self.conditionWords = conditionWords
        self.turnedStarts = turnedStarts
        self.emptyAlternatives = emptyAlternatives
        self.countWords = countWords
        self.questionStarts = questionStarts
        self.openStarts = openStarts
        self.unspoken = unspoken.filter { !$0.isEmpty }
        self.unspokenByStart = Self.byFirstWord(self.unspoken)
    }

    /// Phrases grouped by their first word, each group in the phrases' order.
    private static func byFirstWord(_ phrases: [[String]]) -> [String: [[String]]] {
        Dictionary(grouping: phrases.filter { !$0.isEmpty }, by: { $0[0] })
    }

    /// The answer without an opening that only answers a question (``questionOnly``), when it opens with one; nil
    /// otherwise.
    public func questionOnlyRest(of answer: String) -> String? {
        guard let opening = questionOnly.first(where: { answer.hasPrefix($0 + " ") }) else { return nil }
        return String(answer.dropFirst(opening.count + 1))
    }

    /// The answer without its bare opening word, when it opens with one and the message (all of its words, the story
    /// too) speaks of a situation the center never spoke of; nil otherwise.
    public func unspokenRest(of answer: String, message words: [String]) -> String? {
        guard let bare = bareWords.first(where: { answer.hasPrefix($0 + " ") }) else { return nil }
        // Only the phrases a word starts are tried there: a message of 800 words against 60 phrases compared every
        // word with every phrase (7% of a long message's reply); comparing each word that starts one with all of them
        // was still a fifth of the longest line's reply (round 30, `perf record` of `load --in-process`).
        guard
            words.indices.contains(where: { start in
                unspokenByStart[words[start]]?.contains { phrase in
                    start + phrase.count <= words.count
                        && words[start..<(start + phrase.count)].elementsEqual(phrase)
                } ?? false
            })
        else { return nil }
        return String(answer.dropFirst(bare.count + 1))
    }

    /// How many words before the word that turns a question round its opening word ("is", "am") may stand: "is
    /// there a rule against".
    static let turnedReach = 4

    /// The answer as it should open for a message of these words (normalized, as the analyzer reads them).
    public func fitted(_ answer: String, to words: [String]) -> String {
        guard let bare = bareWords.first(where: { answer.hasPrefix($0 + " ") }) else { return answer }
        let rest = String(answer.dropFirst(bare.count + 1))
        if offersTwoWays(words) || words.contains(where: conditionWords.contains)
            || words.prefix(2).contains(where: openStarts.contains)
        {
            return rest
        }
        guard let turn = turnedAt(words) else { return answer }
        // "is it too late": the other bare word says the same as the answer; "i know its too late but…": left out.
        let opens = words[max(0, turn - Self.turnedReach)..<turn].contains(where: turnedStarts.contains)
        if opens, bareWords.count == 2, let index = bareWords.firstIndex(of: bare) {
            return bareWords[1 - index] + " " + rest
        }
        return rest
    }

    /// Where a word turns the question round ("too late", "banned", "turn me away"), if one does.
    func turnedAt(_ words: [String]) -> Int? {
        for (position, word) in words.enumerated() {
            if invertingWords.contains(word) { return position }
            if strangeWords.contains(word), askedOfIt(words, before: position) { return position }
            if word == "too", position + 1 < words.count, tooWords.contains(words[position + 1]) { return position }
            if word == "away", words[max(0, position - 2)..<position].contains(where: turningWords.contains) {
                return position
            }
        }
        return nil
    }

    /// Whether "it" or "that" stands up to four words before `position`, right after a word that opens a question
    /// ("is it", "would it be", "wouldnt it be"): "is it weird to come back" asks it, "it felt weird to leave" tells.
    private func askedOfIt(_ words: [String], before position: Int) -> Bool {
        let window = words[max(0, position - 4)..<position]
        guard let it = window.lastIndex(where: { $0 == "it" || $0 == "that" }), it > words.startIndex else {
            return false
        }
        let opening = words[it - 1]
        return questionStarts.contains(opening) || turnedStarts.contains(opening) || opening == "not"
    }

    /// Whether the message offers two ways: "or" and an alternative after it, whatever its first word ("can i just
    /// show up or do i have to call first", "can i come back or am i kicked out", "r they done with me or can i come
    /// back"). A bare yes or no answers neither way, and a word that would turn the question round ("kicked",
    /// "too late") may stand in either of them, so the bare word is left out, never turned (QA31 S2-14). "or" with
    /// nothing after it but words that offer nothing ("or whatever", "or not", "or nah") leaves one question.
    func offersTwoWays(_ words: [String]) -> Bool {
        // From the end: an "or" with a word that offers something anywhere after it. One pass, however many "or"s.
        // Where the first word opening a yes/no question stands, found once: an "or" before it is the story's.
        let asked = questionStarts.isEmpty ? -1 : words.firstIndex(where: questionStarts.contains) ?? words.count
        var offered = false
        for (position, word) in zip(words.indices, words).reversed() {
            if word == "or" {
                if offered, asked < position, !betweenCounts(words, at: position) { return true }
            } else if !emptyAlternatives.contains(word) {
                offered = true
            }
        }
        return false
    }

    /// Whether the "or" at `position` stands between two counts ("2 or 3", "a week or two", "once or twice").
    private func betweenCounts(_ words: [String], at position: Int) -> Bool {
        func isCount(_ index: Int) -> Bool {
            guard words.indices.contains(index) else { return false }
            let word = words[index]
            return countWords.contains(word) || (!word.isEmpty && word.unicodeScalars.allSatisfy { ("0"..."9").contains($0) })
        }
        return isCount(position + 1) && (isCount(position - 1) || isCount(position - 2))
    }
}
