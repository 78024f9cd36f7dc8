extension SafetyFile {
    /// A safety file read straight from libyaml's events, with the line of every pattern: no node tree is composed
    /// (composing Yams' tree, with a tag object and a node box for each of the file's twenty thousand strings, and
    /// freeing it, was a quarter of the rules' load time).
    ///
    /// Reads what `SafetyFile(node:)` reads from the tree Yams composes, and gives each pattern the line
    /// `SafetyFileLocator.itemLines` finds in it. Returns nil for anything else: a syntax error, an anchor, an alias,
    /// a tag, a key said twice, a second document, a null, an unknown key or a value of another shape. The caller
    /// then composes the tree, which says what is wrong and where.
    struct Events {
        /// The file's sections.
        var file: SafetyFile
        /// The line of each pattern of each section, by the section's path (as `SafetyFileLocator.itemLines`).
        var lines: [[SafetyFilePath]: [Int?]]
    }

    static func readEvents(_ yaml: String) -> Events? {
        LibYAMLEvents.reading(yaml) { events in
            var reader = EventReader(events: events)
            return reader.readStream()
        }
    }
}

/// Pulls libyaml's events one at a time and reads the safety file's shape from them.
private struct EventReader {
    typealias Item = LibYAMLEvents.Event

    var events: LibYAMLEvents
    var lines: [[SafetyFilePath]: [Int?]] = [:]

    init(events: LibYAMLEvents) {
        self.events = events
    }

    /// The next event; nil for an error, an alias, and anything with an anchor or a tag.
    mutating func next() -> Item? { events.next() }

    /// A scalar's text, as `SafetyFile.text` reads it: nil for what Yams would read as null (conservatively, in
    /// any quoting style) and for anything that isn't a scalar.
    static func text(_ item: Item?) -> String? {
        guard case .scalar(let text, _, _) = item else { return nil }
        switch text {
        case "", "~", "null", "Null", "NULL": return nil
        default: return text
        }
    }

    /// One document whose root is the file's mapping, and nothing after it.
    mutating func readStream() -> SafetyFile.Events? {
        guard case .streamStart = next(), case .documentStart = next(),
            case .mappingStart = next(), let file = readTop(),
            case .documentEnd = next(), case .streamEnd = next()
        else { return nil }
        return SafetyFile.Events(file: file, lines: lines)
    }

    /// The keys of a mapping whose start was read, each once, with `value` reading each key's value; nil when a key
    /// isn't text, is said twice, or `value` returns false.
    mutating func readMapping(_ value: (inout EventReader, String) -> Bool) -> Bool {
        var seen: Set<String> = []
        while true {
            let item = next()
            if case .mappingEnd = item { return true }
            guard let key = Self.text(item), seen.insert(key).inserted, value(&self, key) else { return false }
        }
    }

    /// The items of a sequence, after its start, each read by `read`.
    mutating func readItems<T>(_ read: (inout EventReader, Item?) -> T?) -> [T]? {
        var values: [T] = []
        while true {
            let item = next()
            if case .sequenceEnd = item { return values }
            guard let value = read(&self, item) else { return nil }
            values.append(value)
        }
    }

    /// A sequence of scalars.
    mutating func readStrings() -> [String]? {
        guard case .sequenceStart = next() else { return nil }
        return readItems { _, item in Self.text(item) }
    }

    /// A sequence of patterns, their lines kept under `path`.
    mutating func readPatterns(at path: [SafetyFilePath]) -> [SafetyFile.PatternEntry]? {
        guard case .sequenceStart = next() else { return nil }
        var itemLines: [Int?] = []
        let entries = readItems { reader, item -> SafetyFile.PatternEntry? in
            switch item {
            case .scalar(_, let line, _):
                guard let text = Self.text(item) else { return nil }
                itemLines.append(line)
                return SafetyFile.PatternEntry(match: text, unless: [])
            case .mappingStart:
                var match: String?
                var matchLine: Int?
                var unless: [String] = []
                var checkIn: String?
                let read = reader.readMapping { reader, key in
                    switch key {
                    case "match":
                        let value = reader.next()
                        guard let text = Self.text(value), case .scalar(_, let line, _) = value else { return false }
                        match = text
                        matchLine = line
                        return true
                    case "unless":
                        guard let words = reader.readStrings() else { return false }
                        unless = words
                        return true
                    case "check_in":
                        guard let text = Self.text(reader.next()) else { return false }
                        checkIn = text
                        return true
                    default:
                        return false
                    }
                }
                guard read, let match else { return nil }
                itemLines.append(matchLine)
                return SafetyFile.PatternEntry(match: match, unless: unless, checkIn: checkIn)
            default:
                return nil
            }
        }
        guard let entries else { return nil }
        lines[path] = itemLines
        return entries
    }

    /// The top mapping, after its start.
    mutating func readTop() -> SafetyFile? {
        var file = SafetyFile(
            spellings: [], lists: [:], exclusions: [], denials: [], neverCorrect: [], history: [], current: [],
            present: [], story: [], selfReference: [], clauses: [], checkIn: nil, categories: [])
        var categories: [SafetyFile.CategoryEntry]?
        let read = readMapping { reader, key in
            switch key {
            case "spellings":
                guard case .sequenceStart = reader.next(),
                    let groups = reader.readItems({ reader, item -> [String]? in
                        guard case .sequenceStart = item else { return nil }
                        return reader.readItems { _, item in Self.text(item) }
                    })
                else { return false }
                file.spellings = groups
            case "lists", "emoji":
                guard case .mappingStart = reader.next() else { return false }
                return reader.readMapping { reader, name in
                    guard let words = reader.readStrings() else { return false }
                    if key == "lists" { file.lists[name] = words } else { file.emoji[name] = words }
                    return true
                }
            case "impaired_driving", "visitor_driving", "others_driving":
                guard let patterns = reader.readPatterns(at: [.key(key)]) else { return false }
                switch key {
                case "impaired_driving": file.impairedDriving = patterns
                case "visitor_driving": file.visitorDriving = patterns
                default: file.othersDriving = patterns
                }
            case "exclusions", "denials", "history", "current", "present", "story", "self", "clauses", "doubts":
                guard let patterns = reader.readPatterns(at: [.key(key)]) else { return false }
                switch key {
                case "exclusions": file.exclusions = patterns
                case "denials": file.denials = patterns
                case "history": file.history = patterns
                case "current": file.current = patterns
                case "present": file.present = patterns
                case "story": file.story = patterns
                case "clauses": file.clauses = patterns
                case "doubts": file.doubts = patterns
                default: file.selfReference = patterns
                }
            case "never_correct":
                guard let words = reader.readStrings() else { return false }
                file.neverCorrect = words
            case "split_words":
                guard let words = reader.readStrings() else { return false }
                file.splitWords = words
            case "check_in":
                guard let text = Self.text(reader.next()) else { return false }
                file.checkIn = text
            case "categories":
                guard case .sequenceStart = reader.next() else { return false }
                var index = 0
                categories = reader.readItems { reader, item -> SafetyFile.CategoryEntry? in
                    guard case .mappingStart = item else { return nil }
                    defer { index += 1 }
                    return reader.readCategory(at: [.key("categories"), .index(index)])
                }
                if categories == nil { return false }
            default:
                return false
            }
            return true
        }
        guard read, let categories else { return nil }
        file.categories = categories
        return file
    }

    /// One category, after its mapping's start.
    mutating func readCategory(at path: [SafetyFilePath]) -> SafetyFile.CategoryEntry? {
        var id: String?
        var reply: String?
        var patterns: [SafetyFile.PatternEntry]?
        var check: [SafetyFile.PatternEntry] = []
        var checkReply: String?
        let read = readMapping { reader, key in
            switch key {
            case "id", "reply", "check_reply":
                guard let text = Self.text(reader.next()) else { return false }
                switch key {
                case "id": id = text
                case "reply": reply = text
                default: checkReply = text
                }
            case "patterns":
                patterns = reader.readPatterns(at: path + [.key("patterns")])
                if patterns == nil { return false }
            case "check":
                guard let entries = reader.readPatterns(at: path + [.key("check")]) else { return false }
                check = entries
            default:
                return false
            }
            return true
        }
        guard read, let id, let reply, let patterns else { return nil }
        return SafetyFile.CategoryEntry(id: id, reply: reply, patterns: patterns, check: check, checkReply: checkReply)
    }
}

extension SafetyFile {
    init(
        spellings: [[String]], lists: [String: [String]], exclusions: [PatternEntry], denials: [PatternEntry],
        neverCorrect: [String], history: [PatternEntry], current: [PatternEntry], present: [PatternEntry],
        story: [PatternEntry], selfReference: [PatternEntry], clauses: [PatternEntry], checkIn: String?,
        categories: [CategoryEntry]
    ) {
        self.spellings = spellings
        self.lists = lists
        self.exclusions = exclusions
        self.denials = denials
        self.neverCorrect = neverCorrect
        self.history = history
        self.current = current
        self.present = present
        self.story = story
        self.selfReference = selfReference
        self.clauses = clauses
        self.checkIn = checkIn
        self.categories = categories
    }
}

extension SafetyFile.PatternEntry {
    fileprivate init(match: String, unless: [String], checkIn: String? = nil) {
        self.match = match
        self.unless = unless
        self.checkIn = checkIn
    }
}

extension SafetyFile.CategoryEntry {
    fileprivate init(
        id: String, reply: String, patterns: [SafetyFile.PatternEntry], check: [SafetyFile.PatternEntry],
        checkReply: String?
    ) {
        self.id = id
        self.reply = reply
        self.patterns = patterns
        self.check = check
        self.checkReply = checkReply
    }
}
