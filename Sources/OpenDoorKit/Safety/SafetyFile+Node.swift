import Yams

extension SafetyFile {
    /// Reads the file straight from Yams' node tree, without the `Decodable` machinery (several times faster,
    /// which is most of the safety rules' load time after parsing the YAML).
    ///
    /// Returns nil for anything unusual (an unknown key, a null, a value of the wrong shape): the caller then
    /// decodes with `YAMLDecoder`, whose errors say what is wrong and where. On a well-formed file both give
    /// the same result.
    init?(node root: Node) {
        guard let top = root.mapping else { return nil }
        var spellings: [[String]] = []
        var lists: [String: [String]] = [:]
        var emoji: [String: [String]] = [:]
        var exclusions: [PatternEntry] = []
        var denials: [PatternEntry] = []
        var neverCorrect: [String] = []
        var splitWords: [String] = []
        var history: [PatternEntry] = []
        var current: [PatternEntry] = []
        var present: [PatternEntry] = []
        var story: [PatternEntry] = []
        var selfReference: [PatternEntry] = []
        var clauses: [PatternEntry] = []
        var doubts: [PatternEntry] = []
        var drivers: [String: [PatternEntry]] = [:]
        var checkIn: String?
        var categories: [CategoryEntry]?
        for (keyNode, value) in top {
            guard let key = Self.text(keyNode) else { return nil }
            switch key {
            case "spellings":
                guard let groups = Self.sequence(value, Self.strings) else { return nil }
                spellings = groups
            case "lists", "emoji":
                guard let mapping = value.mapping else { return nil }
                for (nameNode, entries) in mapping {
                    guard let name = Self.text(nameNode), let words = Self.strings(entries) else { return nil }
                    if key == "lists" { lists[name] = words } else { emoji[name] = words }
                }
            case "impaired_driving", "visitor_driving", "others_driving":
                guard let patterns = Self.sequence(value, PatternEntry.init(node:)) else { return nil }
                drivers[key] = patterns
            case "exclusions", "denials", "history", "current", "present", "story", "self", "clauses", "doubts":
                guard let patterns = Self.sequence(value, PatternEntry.init(node:)) else { return nil }
                switch key {
                case "exclusions": exclusions = patterns
                case "denials": denials = patterns
                case "history": history = patterns
                case "current": current = patterns
                case "present": present = patterns
                case "story": story = patterns
                case "clauses": clauses = patterns
                case "doubts": doubts = patterns
                default: selfReference = patterns
                }
            case "never_correct":
                guard let words = Self.strings(value) else { return nil }
                neverCorrect = words
            case "split_words":
                guard let words = Self.strings(value) else { return nil }
                splitWords = words
            case "check_in":
                guard let text = Self.text(value) else { return nil }
                checkIn = text
            case "categories":
                guard let entries = Self.sequence(value, CategoryEntry.init(node:)) else { return nil }
                categories = entries
            default:
                return nil
            }
        }
        guard let categories else { return nil }
        self.init(
            spellings: spellings, lists: lists, exclusions: exclusions, denials: denials, neverCorrect: neverCorrect,
            history: history, current: current, present: present, story: story, selfReference: selfReference,
            clauses: clauses, checkIn: checkIn, categories: categories)
        self.emoji = emoji
        self.splitWords = splitWords
        self.doubts = doubts
        self.impairedDriving = drivers["impaired_driving"] ?? []
        self.visitorDriving = drivers["visitor_driving"] ?? []
        self.othersDriving = drivers["others_driving"] ?? []
    }

    /// A scalar's text; nil for anything else, and for a null the decoder would read as absent.
    static func text(_ node: Node) -> String? {
        guard let scalar = node.scalar, node.null == nil else { return nil }
        return scalar.string
    }

    /// A sequence of scalars.
    static func strings(_ node: Node) -> [String]? {
        sequence(node, text)
    }

    /// A sequence whose every item `read` accepts.
    static func sequence<T>(_ node: Node, _ read: (Node) -> T?) -> [T]? {
        guard let items = node.sequence else { return nil }
        var values: [T] = []
        values.reserveCapacity(items.count)
        for item in items {
            guard let value = read(item) else { return nil }
            values.append(value)
        }
        return values
    }
}

extension SafetyFile.PatternEntry {
    /// A pattern from the node tree: a scalar, or `match:` with `unless:`; nil for anything else.
    init?(node: Node) {
        if let text = SafetyFile.text(node) {
            match = text
            unless = []
            return
        }
        guard let mapping = node.mapping else { return nil }
        var match: String?
        var unless: [String] = []
        var checkIn: String?
        for (keyNode, value) in mapping {
            switch SafetyFile.text(keyNode) {
            case "match": match = SafetyFile.text(value)
            case "unless":
                guard let words = SafetyFile.strings(value) else { return nil }
                unless = words
            case "check_in":
                guard let text = SafetyFile.text(value) else { return nil }
                checkIn = text
            default: return nil
            }
        }
        guard let match else { return nil }
        self.match = match
        self.unless = unless
        self.checkIn = checkIn
    }
}

extension SafetyFile.CategoryEntry {
    /// A category from the node tree; nil for anything unusual.
    init?(node: Node) {
        guard let mapping = node.mapping else { return nil }
        var id: String?
        var reply: String?
        var patterns: [SafetyFile.PatternEntry]?
        var check: [SafetyFile.PatternEntry] = []
        var checkReply: String?
        for (keyNode, value) in mapping {
            switch SafetyFile.text(keyNode) {
            case "id": id = SafetyFile.text(value)
            case "reply": reply = SafetyFile.text(value)
            case "check_reply":
                guard let text = SafetyFile.text(value) else { return nil }
                checkReply = text
            case "patterns": patterns = SafetyFile.sequence(value, SafetyFile.PatternEntry.init(node:))
            case "check":
                guard let entries = SafetyFile.sequence(value, SafetyFile.PatternEntry.init(node:)) else { return nil }
                check = entries
            default: return nil
            }
        }
        guard let id, let reply, let patterns else { return nil }
        self.id = id
        self.reply = reply
        self.patterns = patterns
        self.check = check
        self.checkReply = checkReply
    }
}

extension SafetyFile {
    /// `yaml` read both ways, the fast read (nil when it defers to the decoder) and the decoder's, for tests
    /// that the two agree.
    static func bothReadings(of yaml: String) throws -> (fast: SafetyFile?, decoded: SafetyFile) {
        guard let root = try Yams.compose(yaml: yaml) else {
            return (nil, try YAMLDecoder().decode(SafetyFile.self, from: yaml))
        }
        return (SafetyFile(node: root), try YAMLDecoder().decode(SafetyFile.self, from: root))
    }
}
