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
    /// A synonym phrase as stems, and the token it stands for.
    private struct Phrase: Sendable {
        var stems: [String]
        var token: String
    }

    private let expansions: [String: [String]]
    private let phrases: [String: [Phrase]]
    private let filler: Set<String>
    private var stems: [String: String]
    private var corrector: SpellingCorrector

    /// Creates an analyzer for a vocabulary; `corpus` holds every text the knowledge matches against,
    /// whose words make up the dictionary typos are corrected to.
    public init(vocabulary: Vocabulary, corpus: [String]) {
        var expansions: [String: [String]] = [:]
        for (short, long) in vocabulary.expansions {
            expansions[short] = long.split(separator: " ").map(String.init)
        }
        self.expansions = expansions

        var wordCounts: [String: Int] = [:]
        for text in corpus {
            for word in TextNormalizer.words(text) { wordCounts[word, default: 0] += 1 }
        }
        for group in vocabulary.synonyms {
            for phrase in group {
                for word in phrase.split(separator: " ") { wordCounts[String(word), default: 0] += 1 }
            }
        }
        for word in vocabulary.filler { wordCounts[word, default: 0] += 1 }
        for (short, long) in expansions {
            wordCounts[short, default: 0] += 1
            for word in long { wordCounts[word, default: 0] += 1 }
        }
        var stems: [String: String] = [:]
        for word in wordCounts.keys { stems[word] = PorterStemmer.stem(word) }
        self.stems = stems
        self.corrector = SpellingCorrector(vocabulary: wordCounts)


        func stemmed(_ phrase: String) -> [String] {
            phrase.split(separator: " ").map { word in stems[String(word)] ?? PorterStemmer.stem(String(word)) }
        }
        var phrases: [String: [Phrase]] = [:]
        for group in vocabulary.synonyms {
            guard let head = group.first else { continue }
            let token = "~" + head.replacingOccurrences(of: " ", with: "_")
            for entry in group {
                let phrase = Phrase(stems: stemmed(entry), token: token)
                guard let first = phrase.stems.first else { continue }
                phrases[first, default: []].append(phrase)
            }
        }
        for key in phrases.keys { phrases[key]?.sort { $0.stems.count > $1.stems.count } }
        self.phrases = phrases
        self.filler = Set(vocabulary.filler.flatMap(stemmed))
    }

    /// The tokens of a text; typos are corrected only when `correcting` (messages, not the knowledge).
    public func analyze(_ text: String, correcting: Bool = true) -> Analysis {
        var words = TextNormalizer.words(text)
        var corrections: [Analysis.Correction] = []
        if correcting {
            for i in words.indices where stems[words[i]] == nil {
                if let corrected = corrector.correction(for: words[i]) {
                    corrections.append(Analysis.Correction(typed: words[i], corrected: corrected))
                    words[i] = corrected
                }
            }
        }
        var stemmed: [String] = []
        stemmed.reserveCapacity(words.count + 4)
        for word in words {
            if let long = expansions[word] {
                for part in long { stemmed.append(stems[part] ?? PorterStemmer.stem(part)) }
            } else {
                stemmed.append(stems[word] ?? PorterStemmer.stem(word))
            }
        }
        var tokens: [String] = []
        tokens.reserveCapacity(stemmed.count)
        var i = 0
        outer: while i < stemmed.count {
            if let candidates = phrases[stemmed[i]] {
                for phrase in candidates where i + phrase.stems.count <= stemmed.count {
                    if phrase.stems.count == 1 || stemmed[i..<(i + phrase.stems.count)].elementsEqual(phrase.stems) {
                        tokens.append(phrase.token)
                        i += phrase.stems.count
                        continue outer
                    }
                }
            }
            if !filler.contains(stemmed[i]) { tokens.append(stemmed[i]) }
            i += 1
        }
        return Analysis(words: words, corrections: corrections, tokens: tokens)
    }
}
