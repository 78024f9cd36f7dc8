/// The domain's words: synonyms that mean the same here, filler to ignore, and shorthand to unfold.
public struct Vocabulary: Sendable, Hashable {
    /// Groups of words or phrases read as the group's first entry ("ghosted" → "drop out").
    public var synonyms: [[String]]
    /// Words and phrases that carry no meaning for matching.
    public var filler: [String]
    /// Shorthand and contractions with what they stand for ("dont" → "do not").
    public var expansions: [String: String]
    /// The words by which a question asks the other way round, or with a condition, so that the center's bare
    /// "Yes." would mislead (see ``PolarOpening``).
    public var polarOpening: PolarOpening

    /// Creates a vocabulary.
    public init(
        synonyms: [[String]] = [], filler: [String] = [], expansions: [String: String] = [:],
        polarOpening: PolarOpening = PolarOpening()
    ) {
        self.synonyms = synonyms
        self.filler = filler
        self.expansions = expansions
        self.polarOpening = polarOpening
    }
}
