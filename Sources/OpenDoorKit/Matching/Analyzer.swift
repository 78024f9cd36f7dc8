/// What the analyzer made of a message: useful to staff (`ask --explain`) and to the index.
public struct Analysis: Sendable, Hashable {
    /// The message's words after normalization and typo correction.
    public var words: [String]
    /// Typos corrected, as (typed, corrected) pairs.
    public var corrections: [Correction]
    /// The content tokens matched on: stems, and synonym groups written `~name`.
    public var tokens: [String]
    /// How much each token counts, parallel to ``tokens``; empty when every token counts fully. In a
    /// long message the clauses that ask count fully and the story around them less.
    public var weights: [Float] = []
    /// The clauses that decided the answer, when the message is a story around a question.
    public var focus: String?

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
    /// Words that are never typos, though the knowledge doesn't use them (common English words): "woke" is read
    /// as written, not corrected to "joke".
    private let commonWords: Set<String>
    /// The most unknown words of one message the typo corrector looks at; the rest are taken as written.
    /// A message with more typos than this is not one a correction would rescue, and each look costs
    /// up to a few hundred microseconds (measured in release): this keeps a line full of nonsense words within
    /// the 5 ms budget.
    public static let maximumCorrectionsTried = 16
    /// A question with at most this many content tokens and a word that points back (``referringWords``)
    /// is taken to refer to the story around it.
    static let referringQuestionTokens: Float = 1
    /// Words by which a question points back at what was said before it.
    static let referringWords: Set<String> = ["that", "thats", "this", "it", "those", "these"]

    /// Creates an analyzer for a vocabulary; `corpus` holds every text the knowledge matches against,
    /// whose words make up the dictionary typos are corrected to.
    public init(vocabulary: Vocabulary, corpus: [String], commonWords: Set<String> = []) {
        var table = WordTable(capacity: 4096)
        for text in corpus {
            TextNormalizer.forEachWord(text) { table.add($0) }
        }
        table.add(vocabulary)
        self.init(
            lexicon: Lexicon(vocabulary: vocabulary, table: table),
            corrector: SpellingCorrector(words: table.words, counts: table.counts), commonWords: commonWords)
    }

    /// An analyzer from its parts, built apart (they don't depend on each other, so they can be built at once).
    init(lexicon: Lexicon, corrector: SpellingCorrector, commonWords: Set<String> = []) {
        self.lexicon = lexicon
        self.corrector = corrector
        self.commonWords = commonWords
    }

    /// The tokens of a text; typos are corrected only when `correcting` (messages, not the knowledge).
    public func analyze(_ text: String, correcting: Bool = true) -> Analysis {
        var words = TextNormalizer.words(text)
        let corrections = correct(&words, correcting: correcting)
        var unknownStems: [String] = []
        let tokens = lexicon.tokens(of: words, unknownStems: &unknownStems).map {
            lexicon.name(of: $0, unknownStems: unknownStems)
        }
        return Analysis(words: words, corrections: corrections, tokens: tokens)
    }

    /// The tokens of a message read as its parts: the tokens of the clauses that ask weigh 1, those of
    /// the story around them at most `storyWeight`, and less when the story is long: together they weigh
    /// about `storyShare` of the question (in vector length), so a long story adds context without
    /// drowning the question. A message with no such parts reads as `analyze(_:correcting:)`.
    public func analyze(
        _ parts: MessageParts, text: String, correcting: Bool = true, storyWeight: Float, storyShare: Float
    ) -> Analysis {
        guard parts.hasFocus else { return analyze(text, correcting: correcting) }
        var analysis = Analysis(words: [], corrections: [], tokens: [], focus: parts.focusText)
        var isFocus: [Bool] = []
        var refersBack = false
        for part in parts.parts {
            var words = TextNormalizer.words(String(part.text))
            if part.isFocus && !refersBack { refersBack = words.contains(where: Self.referringWords.contains) }
            analysis.corrections += correct(&words, correcting: correcting)
            var unknownStems: [String] = []
            for token in lexicon.tokens(of: words, unknownStems: &unknownStems) {
                analysis.tokens.append(lexicon.name(of: token, unknownStems: unknownStems))
                isFocus.append(part.isFocus)
            }
            analysis.words += words
        }
        let focusCount = Float(isFocus.count { $0 })
        let storyCount = Float(isFocus.count - Int(focusCount))
        // A question that says almost nothing by itself refers back to the story ("is that a problem?",
        // "am i?"): the story then counts as much as it may, however long it is.
        let vague = focusCount == 0 || (refersBack && focusCount <= Self.referringQuestionTokens)
        let story = storyCount == 0
            ? 0 : vague ? storyWeight : min(storyWeight, storyShare * (focusCount / storyCount).squareRoot())
        analysis.weights = isFocus.map { $0 ? 1 : story }
        return analysis
    }

    private func correct(_ words: inout [String], correcting: Bool) -> [Analysis.Correction] {
        guard correcting else { return [] }
        var corrections: [Analysis.Correction] = []
        var tried = 0
        for i in words.indices where !lexicon.isKnown(words[i]) && !commonWords.contains(words[i]) {
            guard tried < Self.maximumCorrectionsTried else { break }
            tried += 1
            if let corrected = corrector.correction(for: words[i]) {
                corrections.append(Analysis.Correction(typed: words[i], corrected: corrected))
                words[i] = corrected
            }
        }
        return corrections
    }
}
