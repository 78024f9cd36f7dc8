/// The shape of `safety.yaml` as YAML, before any checking of what the strings say.
///
/// Every mapping rejects keys it doesn't know, so a misspelled key (`patern:`) is an error
/// with its line instead of a silently ignored section.
struct SafetyFile: Decodable, Equatable {
    /// One pattern: plain text, or `match:` with `unless:` exceptions.
    struct PatternEntry: Decodable, Equatable {
        /// The pattern text.
        var match: String
        /// Exceptions that cancel it.
        var unless: [String]
        /// For an exclusion: the category whose check-in its match gives instead of silence (`check_in: suicide`).
        var checkIn: String? = nil

        init(from decoder: any Decoder) throws {
            if let container = try? decoder.singleValueContainer(), let text = try? container.decode(String.self) {
                match = text
                unless = []
                return
            }
            let container = try decoder.container(keyedBy: SafetyFileKey.self)
            try container.rejectUnknownKeys(allowed: ["match", "unless", "check_in"])
            match = try container.decode(String.self, forKey: "match")
            unless = try container.decodeIfPresent([String].self, forKey: "unless") ?? []
            checkIn = try container.decodeIfPresent(String.self, forKey: "check_in")
        }
    }

    /// One category.
    struct CategoryEntry: Decodable, Equatable {
        /// The category id as written.
        var id: String
        /// The reply template.
        var reply: String
        /// The patterns of clear danger (the full crisis reply).
        var patterns: [PatternEntry]
        /// The patterns of worrying signals (the check-in question).
        var check: [PatternEntry]
        /// The check-in question for this category, when it differs from the file's `check_in:`.
        var checkReply: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: SafetyFileKey.self)
            try container.rejectUnknownKeys(allowed: ["id", "reply", "check_reply", "patterns", "check"])
            id = try container.decode(String.self, forKey: "id")
            reply = try container.decode(String.self, forKey: "reply")
            patterns = try container.decode([PatternEntry].self, forKey: "patterns")
            check = try container.decodeIfPresent([PatternEntry].self, forKey: "check") ?? []
            checkReply = try container.decodeIfPresent(String.self, forKey: "check_reply")
        }
    }

    /// Spelling groups: the first entry is how the others are read.
    var spellings: [[String]]
    /// Named word lists for `@name`.
    var lists: [String: [String]]
    /// Emoji read as words by the crisis check: each word (or phrase) with the emoji that stand for it.
    var emoji: [String: [String]] = [:]
    /// Phrases whose words every crisis pattern ignores.
    var exclusions: [PatternEntry]
    /// "I'm not in crisis" phrases.
    var denials: [PatternEntry]
    /// Words typo tolerance never reads as another word ("hand" is not a typo of "hang").
    var neverCorrect: [String]
    /// Crisis words read when a space splits them ("kil l", "su icide").
    var splitWords: [String] = []
    /// Phrases that tell a crisis as past ("two years ago", "that's why i started").
    var history: [PatternEntry]
    /// Phrases that make something told as history current again ("again", "lately", "right now").
    var current: [PatternEntry]
    /// Phrases that tell a sentence as the visitor's present ("i want", "right now"): such a sentence is never
    /// excused by a story told in another sentence of the same message.
    var present: [PatternEntry]
    /// Phrases that tell the sentence before as a story ("that was years ago", "that's why i started").
    var story: [PatternEntry]
    /// Words by which visitors speak of themselves ("i", "my"): a sentence without them is someone else's.
    var selfReference: [PatternEntry]
    /// Words that open a new clause inside a sentence ("but", "and now"): history, media and group-topic phrases
    /// count only in their own clause.
    var clauses: [PatternEntry]
    /// Words of doubt ("not sure", "dont think") that, said just before a denial in its own clause, undo it:
    /// "im not sure im safe" is no "im safe".
    var doubts: [PatternEntry] = []
    /// Phrases that tell someone drunk or high driving now or about to (the keys in hand, at the wheel): with a
    /// danger finding, the reply for an impaired driver (round 26).
    var impairedDriving: [PatternEntry] = []
    /// Phrases that tell the visitor is that driver ("im driving", "i have to drive"): the driver's own reply.
    var visitorDriving: [PatternEntry] = []
    /// Phrases that tell someone else is that driver ("my mom is drunk", "she wants to drive"): the bystander's reply.
    /// Neither said, the driver is the visitor ("gonna drive home drunk").
    var othersDriving: [PatternEntry] = []
    /// The check-in question, for every category without its own `check_reply:`.
    var checkIn: String?
    /// The categories, most urgent first.
    var categories: [CategoryEntry]

    /// The keys a file may have at the top.
    static let topLevelKeys = [
        "spellings", "lists", "never_correct", "split_words", "exclusions", "denials", "history", "current", "present", "story",
        "self", "clauses", "doubts", "check_in", "categories", "emoji", "impaired_driving", "visitor_driving",
        "others_driving",
    ]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: SafetyFileKey.self)
        try container.rejectUnknownKeys(allowed: Self.topLevelKeys)
        spellings = try container.decodeIfPresent([[String]].self, forKey: "spellings") ?? []
        lists = try container.decodeIfPresent([String: [String]].self, forKey: "lists") ?? [:]
        emoji = try container.decodeIfPresent([String: [String]].self, forKey: "emoji") ?? [:]
        exclusions = try container.decodeIfPresent([PatternEntry].self, forKey: "exclusions") ?? []
        denials = try container.decodeIfPresent([PatternEntry].self, forKey: "denials") ?? []
        neverCorrect = try container.decodeIfPresent([String].self, forKey: "never_correct") ?? []
        splitWords = try container.decodeIfPresent([String].self, forKey: "split_words") ?? []
        history = try container.decodeIfPresent([PatternEntry].self, forKey: "history") ?? []
        current = try container.decodeIfPresent([PatternEntry].self, forKey: "current") ?? []
        present = try container.decodeIfPresent([PatternEntry].self, forKey: "present") ?? []
        story = try container.decodeIfPresent([PatternEntry].self, forKey: "story") ?? []
        selfReference = try container.decodeIfPresent([PatternEntry].self, forKey: "self") ?? []
        clauses = try container.decodeIfPresent([PatternEntry].self, forKey: "clauses") ?? []
        doubts = try container.decodeIfPresent([PatternEntry].self, forKey: "doubts") ?? []
        impairedDriving = try container.decodeIfPresent([PatternEntry].self, forKey: "impaired_driving") ?? []
        visitorDriving = try container.decodeIfPresent([PatternEntry].self, forKey: "visitor_driving") ?? []
        othersDriving = try container.decodeIfPresent([PatternEntry].self, forKey: "others_driving") ?? []
        checkIn = try container.decodeIfPresent(String.self, forKey: "check_in")
        categories = try container.decode([CategoryEntry].self, forKey: "categories")
    }
}

/// Any key of a YAML mapping, so unknown ones can be listed and reported.
struct SafetyFileKey: CodingKey, ExpressibleByStringLiteral {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(stringLiteral value: String) { stringValue = value }
}

/// A key the file format doesn't have; thrown while decoding, turned into a diagnostic with its line.
struct UnknownKeyError: Error {
    /// Where the key is: the keys and item numbers leading to it, the key last.
    var path: [SafetyFilePath]
    /// The keys allowed there.
    var allowed: [String]
}

extension KeyedDecodingContainer where Key == SafetyFileKey {
    /// Throws `UnknownKeyError` for the first key not in `allowed`.
    func rejectUnknownKeys(allowed: [String]) throws {
        for key in allKeys where !allowed.contains(key.stringValue) {
            throw UnknownKeyError(path: SafetyFilePath.from(codingPath + [key]), allowed: allowed)
        }
    }
}
