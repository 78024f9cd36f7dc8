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
    /// Words that put a condition on the question the center's answer doesn't speak to.
    public var conditionWords: Set<String>

    /// Word lists as written in vocabulary.yaml (normalized, as the analyzer reads words).
    public init(
        bareWords: [String] = [], tooWords: Set<String> = [], invertingWords: Set<String> = [],
        turningWords: Set<String> = [], conditionWords: Set<String> = []
    ) {
        self.bareWords = bareWords
        self.tooWords = tooWords
        self.invertingWords = invertingWords
        self.turningWords = turningWords
        self.conditionWords = conditionWords
    }

    /// The answer as it should open for a message of these words (normalized, as the analyzer reads them).
    public func fitted(_ answer: String, to words: [String]) -> String {
        guard let bare = bareWords.first(where: { answer.hasPrefix($0 + " ") }), asksOtherwise(words) else {
            return answer
        }
        return String(answer.dropFirst(bare.count + 1))
    }

    /// Whether a bare yes or no would answer something else than the message asks.
    func asksOtherwise(_ words: [String]) -> Bool {
        for (position, word) in words.enumerated() {
            if invertingWords.contains(word) || conditionWords.contains(word) { return true }
            if word == "too", position + 1 < words.count, tooWords.contains(words[position + 1]) { return true }
            if word == "away", words[max(0, position - 2)..<position].contains(where: turningWords.contains) { return true }
        }
        return false
    }
}
