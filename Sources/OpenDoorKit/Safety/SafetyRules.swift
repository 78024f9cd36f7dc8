import Foundation

/// The crisis-safety rules from `Knowledge/safety.yaml`, checked and parsed.
///
/// Build one with `load(from:)` or `parse(yaml:file:)`, then hand it to `CrisisDetector`.
/// A file with any error gives no rules at all (a `KnowledgeError` naming file and line),
/// never a half-loaded set.
public struct SafetyRules: Sendable, Hashable {
    /// One pattern as staff wrote it, with its exceptions.
    public struct Pattern: Sendable, Hashable {
        /// The pattern text, e.g. `took|swallowed * #5+ *3 @drugs`.
        public let source: String
        /// Patterns that, when any is found in the message, cancel this one.
        public let unless: [String]
        /// The line in the file, when known.
        public let line: Int?
        let parsed: SafetyPattern
        let parsedUnless: [SafetyPattern]
        /// For an exclusion: the category whose check-in its match gives, instead of silence (`check_in:`; round 28:
        /// someone else's "kys" said to the visitor is no wish of theirs, but being told it can hurt).
        public var checkIn: CrisisCategory? = nil
    }

    /// One crisis category: its reply and the patterns that point to it.
    public struct Category: Sendable, Hashable {
        /// Which crisis.
        public let id: CrisisCategory
        /// The reply template, with `{center.name}` and `{center.phone}` left for the caller to fill.
        public let reply: String
        /// The patterns of clear danger, in file order.
        public let patterns: [Pattern]
        /// The check-in question, with 988 in it.
        public let checkReply: String
        /// The patterns of worrying signals that get the check-in, in file order.
        public let checkPatterns: [Pattern]
    }

    /// The file the rules came from, as given to the loader.
    public let file: String
    /// The categories in priority order: when a message matches several, the first wins.
    public internal(set) var categories: [Category]
    /// Phrases that mean "I'm not in crisis, you misunderstood".
    public let denials: [Pattern]
    /// Phrases whose words are ignored by every crisis pattern ("suicide prevention").
    public let exclusions: [Pattern]
    /// Phrases that tell a crisis as past.
    public let history: [Pattern]
    /// Phrases that make a crisis told as history current again.
    public let current: [Pattern]
    /// Phrases that tell a sentence as the visitor's present, so a story in another sentence doesn't excuse it.
    public let present: [Pattern]
    /// Phrases that tell the sentence before as a story ("that was years ago").
    public let story: [Pattern]
    /// Words by which visitors speak of themselves; a sentence without them tells someone else's story.
    public let selfReference: [Pattern]
    /// Phrases that open a new clause inside a sentence ("but", "and tonight"); commas and the like do too.
    public let clauses: [Pattern]
    /// Words of doubt ("not sure", "dont think") that undo a denial said just after them in the same clause:
    /// "im not sure im safe" is no "im safe".
    public internal(set) var doubts: [Pattern] = []
    /// Who is driving drunk or high, read for the reply to a danger finding (`impaired_driving:` and the two after it).
    public internal(set) var drivers = Drivers()
    /// Words typo tolerance never reads as another word.
    let neverCorrect: Set<String>
    /// Crisis words read when a space splits them in two (`split_words:`, ``SplitWords``).
    var splitWords: [String] = []
    /// One-word spellings and the words they are read as (`dont` → `do not`), in messages and patterns.
    let spellings: [String: [String]]
    /// Emoji the crisis check reads as words (`💊` as "pills"), by scalar, each word with a space around it.
    var emojiWords: [UInt32: String] = [:]
    /// Each `lists:` entry as the one-position pattern `@name` (its words, spellings and typo tolerance): the word
    /// classes the learned model's vote to the full crisis reply needs one of (``SafetyModel/evidenceClasses``).
    var wordClasses: [String: Pattern] = [:]
    /// The learned check read from `safety-model.tsv` beside the rules, if there is one (see `SafetyModel`).
    public internal(set) var model: SafetyModel? = nil

    init(
        file: String, categories: [Category], denials: [Pattern], exclusions: [Pattern],
        spellings: [String: [String]], history: [Pattern] = [], current: [Pattern] = [], present: [Pattern] = [],
        story: [Pattern] = [], selfReference: [Pattern] = [], clauses: [Pattern] = [], neverCorrect: Set<String> = []
    ) {
        self.clauses = clauses
        self.story = story
        self.selfReference = selfReference
        self.history = history
        self.current = current
        self.present = present
        self.neverCorrect = neverCorrect
        self.file = file
        self.categories = categories
        self.denials = denials
        self.exclusions = exclusions
        self.spellings = spellings
    }

    /// The phrases that tell an impaired driver and whose driving it is (round 26): the reply to a danger finding is
    /// the driver's own or a bystander's by these, read with the rules' spellings and typo tolerance.
    public struct Drivers: Sendable, Hashable {
        /// Someone drunk or high driving now or about to (`impaired_driving:`).
        public var impaired: [Pattern] = []
        /// The visitor is the driver (`visitor_driving:`), checked first.
        public var visitor: [Pattern] = []
        /// Someone else is the driver (`others_driving:`); neither said, the driver is the visitor.
        public var others: [Pattern] = []
    }

    /// The category's rules, if the file has it (a loaded file always has all of them).
    public func category(_ id: CrisisCategory) -> Category? {
        categories.first { $0.id == id }
    }
}
