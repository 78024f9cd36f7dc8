/// What the analyzer made of a message: useful to staff (`ask --explain`) and to the index.
public struct Analysis: Sendable, Hashable {
    /// The message's words after normalization and typo correction.
    public var words: [String]
    /// Typos corrected, as (typed, corrected) pairs.
    public var corrections: [Correction]
    /// The content tokens matched on: stems, and synonym groups written `~name`.
    public var tokens: [String]

    /// One corrected word.
    public struct Correction: Sendable, Hashable {
        /// What the visitor typed.
        public var typed: String
        /// The known word it was read as.
        public var corrected: String
    }
}

/// Turns text into the tokens the matcher compares, the same way for the knowledge's examples and for
/// what visitors type: normalize, correct typos, unfold shorthand, stem, join synonyms, drop filler.
public struct Analyzer: Sendable {
    let lexicon: Lexicon
    private let corrector: SpellingCorrector

    /// Creates an analyzer for a vocabulary; `corpus` holds every text the knowledge matches against,
    /// whose words make up the dictionary typos are corrected to.
    public init(vocabulary: Vocabulary, corpus: [String]) {
        let counts = Self.wordCounts(vocabulary: vocabulary, corpus: corpus.map(TextNormalizer.words))
        self.init(
            lexicon: Lexicon(vocabulary: vocabulary, words: counts.keys),
            corrector: SpellingCorrector(vocabulary: counts))
    }

    /// An analyzer from its parts, built apart (they don't depend on each other, so they can be built at once).
    init(lexicon: Lexicon, corrector: SpellingCorrector) {
        self.lexicon = lexicon
        self.corrector = corrector
    }

    /// Every word the analyzer knows, with how often it occurs: the words of the corpus, of the synonym
    /// groups, of shorthand and what it stands for, and each filler entry as written.
    static func wordCounts(vocabulary: Vocabulary, corpus: some Sequence<[String]>) -> [String: Int] {
        var wordCounts: [String: Int] = [:]
        wordCounts.reserveCapacity(4096)
        for words in corpus {
            for word in words { wordCounts[word, default: 0] += 1 }
        }
        for group in vocabulary.synonyms {
            for phrase in group {
                for word in Lexicon.split(phrase) { wordCounts[word, default: 0] += 1 }
            }
        }
        for word in vocabulary.filler { wordCounts[word, default: 0] += 1 }
        for (short, long) in vocabulary.expansions {
            wordCounts[short, default: 0] += 1
            for word in Lexicon.split(long) { wordCounts[word, default: 0] += 1 }
        }
        return wordCounts
    }

    /// The tokens of a text; typos are corrected only when `correcting` (messages, not the knowledge).
    public func analyze(_ text: String, correcting: Bool = true) -> Analysis {
        var words = TextNormalizer.words(text)
        var corrections: [Analysis.Correction] = []
        if correcting {
            for i in words.indices where !lexicon.isKnown(words[i]) {
                if let corrected = corrector.correction(for: words[i]) {
                    corrections.append(Analysis.Correction(typed: words[i], corrected: corrected))
                    words[i] = corrected
                }
            }
        }
        var unknownStems: [String] = []
        let tokens = lexicon.tokens(of: words, unknownStems: &unknownStems).map {
            lexicon.name(of: $0, unknownStems: unknownStems)
        }
        return Analysis(words: words, corrections: corrections, tokens: tokens)
    }
}
