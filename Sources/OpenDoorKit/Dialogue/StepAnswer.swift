/// Reads an answer at a callback step as a sentence, not only by its first word: "voicemail is fine"
/// is yes, "thats not ok" is no, "nah never mind, forget the whole thing" cancels.
///
/// The phrases of each kind are `dialogue.yaml`'s `words`. Every phrase is looked for wherever it
/// stands, the longest first at each word ("dont mind" before "dont"); a phrase right after "not",
/// "dont", "isnt" or "never" counts as its opposite ("not okay" is no). When a sentence holds both
/// a yes and a no, it isn't clear, and the step is asked again.
struct StepAnswer {
    /// The phrases of each kind, as words.
    private let phrases: [AnswerWord: [[Substring]]]
    /// The phrases of each kind, their words joined by single spaces: what ``isOnly(_:_:)`` compares a message's
    /// normalized words with, in one set lookup (it runs for every message).
    private let wholePhrases: [AnswerWord: Set<String>]

    /// Words that turn the phrase right after them around.
    private static let negations: Set<Substring> = ["not", "dont", "isnt", "never", "doesnt", "wont", "aint"]

    init(_ dialogue: DialogueText) {
        var phrases: [AnswerWord: [[Substring]]] = [:]
        for (kind, list) in dialogue.words {
            phrases[kind] = list.map { $0.split(separator: " ") }.filter { !$0.isEmpty }
        }
        self.phrases = phrases
        wholePhrases = phrases.mapValues { Set($0.map { $0.joined(separator: " ") }) }
    }

    /// The kind of answer among `kinds`, or nil when the sentence gives none or gives opposite ones.
    ///
    /// `.discreet` wins over yes and no (it is a yes with a condition); yes against no is unclear.
    func read(_ message: String, among kinds: [AnswerWord]) -> AnswerWord? {
        let words = TextNormalizer.words(message).map { Substring($0) }
        guard !words.isEmpty else { return nil }
        let found = self.found(in: words, kinds: kinds)
        if kinds.contains(.discreet), found.contains(.discreet) { return .discreet }
        let answers = kinds.filter { $0 != .discreet && found.contains($0) }
        return answers.count == 1 ? answers[0] : nil
    }

    /// Whether a message cancels: it starts with a cancel phrase and says little else ("stop" but not
    /// "stop by tomorrow"), or holds a cancel phrase of two words or more anywhere ("nah never mind,
    /// forget the whole thing"), or is a short message with a cancel word in it ("ok cancel").
    func cancels(_ message: String) -> Bool {
        let words = TextNormalizer.words(message).map { Substring($0) }
        guard !words.isEmpty else { return false }
        for phrase in phrases[.cancel] ?? [] {
            for start in occurrences(of: phrase, in: words) {
                if start == 0 && words.count <= phrase.count + 2 { return true }
                if phrase.count >= 2 || words.count <= 3 { return true }
            }
        }
        return false
    }

    /// Whether the whole message is one phrase of a kind ("thank you", "hi there").
    ///
    /// The same as comparing the message's words with each phrase's: words never hold a space nor are empty, so
    /// two lists of words are equal exactly when their words joined by spaces are.
    func isOnly(_ message: String, _ kind: AnswerWord) -> Bool {
        guard let whole = wholePhrases[kind], !whole.isEmpty else { return false }
        return whole.contains(TextNormalizer.normalize(message))
    }

    private func found(in words: [Substring], kinds: [AnswerWord]) -> Set<AnswerWord> {
        var found: Set<AnswerWord> = []
        var i = 0
        while i < words.count {
            var best: (kind: AnswerWord, length: Int)?
            for kind in kinds {
                for phrase in phrases[kind] ?? [] where phrase.count > (best?.length ?? 0) {
                    if i + phrase.count <= words.count, words[i..<(i + phrase.count)].elementsEqual(phrase) {
                        best = (kind, phrase.count)
                    }
                }
            }
            guard let best else {
                i += 1
                continue
            }
            // "please" says yes on its own ("please", "yes please"), not inside a sentence ("no voicemails please").
            if best.length == 1, words[i] == "please", words.count > 2 {
                i += 1
                continue
            }
            let negated = i > 0 && Self.negations.contains(words[i - 1])
            switch (best.kind, negated) {
            case (.yes, true): found.insert(.no)
            case (.no, true): found.insert(.yes)
            default: found.insert(best.kind)
            }
            i += best.length
        }
        return found
    }

    private func occurrences(of phrase: [Substring], in words: [Substring]) -> [Int] {
        guard words.count >= phrase.count else { return [] }
        return (0...(words.count - phrase.count)).filter { words[$0..<($0 + phrase.count)].elementsEqual(phrase) }
    }
}
