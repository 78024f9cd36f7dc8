import Foundation
import Yams

extension SafetyRules {
    /// Reads and checks a safety file; the diagnostics name it by its path, as the knowledge loader's do. The file
    /// must end with its end line (``SafetyFileSeal``), which counts each category's patterns.
    ///
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func load(from url: URL) throws -> SafetyRules {
        let (yaml, parsed, file) = try SafetyFileSeal.read(url)
        var rules = parsed
        // A copy cut short that still parses (a cut in the last category's patterns) is refused (QA23 O5).
        if let problem = SafetyFileSeal.problem(in: yaml, rules: rules, file: file) {
            throw KnowledgeError(diagnostics: [problem])
        }
        rules.model = try SafetyModel.load(besides: url)
        return rules
    }

    /// The keys `center.yaml` beside a safety file defines, or nil when it can't be read (the knowledge
    /// loader reports that); replies may name only these as `{center.KEY}`.
    static func centerKeys(besides url: URL) -> Set<String>? {
        let center = url.deletingLastPathComponent().appendingPathComponent("center.yaml")
        guard let text = try? String(contentsOf: center, encoding: .utf8),
            let root = try? Yams.compose(yaml: text, .basic, .default, .utf8), let mapping = root.mapping
        else { return nil }
        return Set(mapping.compactMap { $0.key.string })
    }

    /// Checks and parses the text of a safety file.
    ///
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - file: The name to put in diagnostics, e.g. `safety.yaml`.
    ///   - centerKeys: The facts center.yaml defines, when known: a reply naming another is an error.
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func parse(yaml: String, file: String, centerKeys: Set<String>? = nil) throws -> SafetyRules {
        // Read from libyaml's events without composing a tree, the lines of the patterns kept on the way; any
        // problem, and the file is read again from the tree, so that every diagnostic is the one it always was.
        if let events = SafetyFile.readEvents(yaml),
            let rules = try? check(events.file, yaml: yaml, file: file, centerKeys: centerKeys, lines: events.lines)
        {
            return rules
        }
        return try parseComposing(yaml: yaml, file: file, centerKeys: centerKeys)
    }

    /// `parse` from Yams' node tree, as it was before the events were read (tests compare the two).
    static func parseComposing(yaml: String, file: String, centerKeys: Set<String>? = nil) throws -> SafetyRules {
        // The tree composed in pieces on two cores is the same tree, marks included; any problem, and the file is
        // read again from the tree composed whole, so that every diagnostic is the one it always was.
        if let root = SafetyFile.composeInPieces(yaml),
            let rules = try? read(root, yaml: yaml, file: file, centerKeys: centerKeys)
        {
            releaseOnAnotherThread(root)
            return rules
        }
        // The YAML is parsed once into Yams' node tree; the decoder and the line lookups both read that tree.
        // Scalars are left untyped (the basic resolver), as the knowledge loader leaves them: every value is read
        // as text, and resolving each scalar's type with the default resolver's regular expressions (which the
        // duplicate-key check does for every key) is work nothing uses.
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml, .basic, .default, .utf8)
        } catch {
            throw KnowledgeError(diagnostics: [SafetyFileLocator(yaml: yaml, root: nil).diagnostic(for: error, file: file)])
        }
        return try read(root, yaml: yaml, file: file, centerKeys: centerKeys)
    }

    /// Checks and parses a safety file from its node tree (nil: the file is empty).
    private static func read(_ root: Node?, yaml: String, file: String, centerKeys: Set<String>?) throws
        -> SafetyRules
    {
        let locator = SafetyFileLocator(yaml: yaml, root: root)
        let decoded: SafetyFile
        do {
            if let root, let fast = SafetyFile(node: root) {
                decoded = fast
            } else if let root {
                decoded = try YAMLDecoder().decode(SafetyFile.self, from: root)
            } else {
                decoded = try YAMLDecoder().decode(SafetyFile.self, from: yaml)  // empty: the decoder says so
            }
        } catch {
            throw KnowledgeError(diagnostics: [locator.diagnostic(for: error, file: file)])
        }
        return try check(decoded, yaml: yaml, file: file, centerKeys: centerKeys, locator: locator)
    }

    /// Checks a decoded file and parses its patterns; `lines` are the patterns' lines when they were read without a
    /// tree (a problem's line is then not known, and the caller reads the file again from its tree).
    private static func check(
        _ decoded: SafetyFile, yaml: String, file: String, centerKeys: Set<String>?,
        locator: SafetyFileLocator? = nil, lines: [[SafetyFilePath]: [Int?]]? = nil
    ) throws -> SafetyRules {
        var checker = SafetyRulesChecker(
            file: file, locator: locator ?? SafetyFileLocator(yaml: yaml, root: nil), centerKeys: centerKeys)
        checker.lines = lines
        let rules = checker.check(decoded)
        if let rules, !checker.diagnostics.contains(where: { $0.severity == .error }) {
            return rules
        }
        throw KnowledgeError(diagnostics: checker.diagnostics)
    }
}

/// Checks a decoded file and parses its patterns, collecting every problem with its line.
private struct SafetyRulesChecker {
    let file: String
    let locator: SafetyFileLocator
    /// The facts center.yaml defines, when known.
    let centerKeys: Set<String>?
    var diagnostics: [KnowledgeDiagnostic] = []
    /// The patterns' lines by their section's path, when the file was read without a tree.
    var lines: [[SafetyFilePath]: [Int?]]?
    /// Patterns and their positions parsed so far, for a pattern `parsedAhead` doesn't hold.
    private var parsedPositions = SafetyPattern.Cache()
    /// Every pattern text of each section parsed ahead (see `parseAhead`), by the section's path: per entry, its
    /// `match:` then each `unless:`.
    private var parsedAhead: [[SafetyFilePath]: [[Result<SafetyPattern, SafetyPattern.Problem>]]] = [:]

    init(file: String, locator: SafetyFileLocator, centerKeys: Set<String>?) {
        self.file = file
        self.locator = locator
        self.centerKeys = centerKeys
    }

    mutating func check(_ decoded: SafetyFile) -> SafetyRules? {
        var vocabulary = SafetyPattern.Vocabulary()
        vocabulary.spellings = checkSpellings(decoded.spellings)
        for name in decoded.lists.keys.sorted() {
            vocabulary.lists[name] = checkList(name, decoded.lists[name] ?? [], vocabulary: vocabulary)
        }
        var sections: [([SafetyFilePath], [SafetyFile.PatternEntry])] = [
            ([.key("exclusions")], decoded.exclusions), ([.key("denials")], decoded.denials),
            ([.key("history")], decoded.history), ([.key("current")], decoded.current),
            ([.key("present")], decoded.present), ([.key("story")], decoded.story),
            ([.key("self")], decoded.selfReference), ([.key("clauses")], decoded.clauses),
            ([.key("doubts")], decoded.doubts), ([.key("impaired_driving")], decoded.impairedDriving),
            ([.key("visitor_driving")], decoded.visitorDriving), ([.key("others_driving")], decoded.othersDriving),
        ]
        for (index, entry) in decoded.categories.enumerated() {
            sections.append(([.key("categories"), .index(index), .key("patterns")], entry.patterns))
            sections.append(([.key("categories"), .index(index), .key("check")], entry.check))
        }
        parsedAhead = Self.parseAhead(sections, vocabulary: vocabulary)
        let exclusions = checkPatterns(decoded.exclusions, at: [.key("exclusions")], vocabulary: vocabulary)
        let denials = checkPatterns(decoded.denials, at: [.key("denials")], vocabulary: vocabulary)
        var categories: [SafetyRules.Category] = []
        for (index, entry) in decoded.categories.enumerated() {
            let path: [SafetyFilePath] = [.key("categories"), .index(index)]
            guard let id = CrisisCategory(rawValue: entry.id) else {
                let known = CrisisCategory.allCases.map(\.rawValue).joined(separator: ", ")
                error(at: path + [.key("id")], "unknown category “\(entry.id)”; the categories are \(known)")
                continue
            }
            if categories.contains(where: { $0.id == id }) {
                error(at: path + [.key("id")], "category “\(id)” is here twice; keep one and merge the patterns")
                continue
            }
            let reply = entry.reply.trimmingCharacters(in: .whitespacesAndNewlines)
            checkPlaceholders(entry.reply, at: path + [.key("reply")])
            if let own = entry.checkReply { checkPlaceholders(own, at: path + [.key("check_reply")]) }
            for number in ["988", "911"] where !reply.contains(number) {
                error(at: path + [.key("reply")], "the reply for “\(id)” must give \(number); every crisis reply does")
            }
            if entry.patterns.isEmpty {
                error(at: path + [.key("patterns")], "category “\(id)” has no patterns; add at least one")
            }
            let patterns = checkPatterns(entry.patterns, at: path + [.key("patterns")], vocabulary: vocabulary)
            let checkPatterns = self.checkPatterns(entry.check, at: path + [.key("check")], vocabulary: vocabulary)
            let checkReply = (entry.checkReply ?? decoded.checkIn ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if let own = entry.checkReply, !own.contains("988") {
                error(at: path + [.key("check_reply")], "the check-in for “\(id)” must give 988, as every check-in does")
            }
            if checkReply.isEmpty && !entry.check.isEmpty {
                error(
                    at: path + [.key("check")],
                    "category “\(id)” has check: patterns but no check-in question; write check_in: at the top or check_reply: here")
            }
            categories.append(
                SafetyRules.Category(
                    id: id, reply: reply, patterns: patterns, checkReply: checkReply, checkPatterns: checkPatterns))
        }
        if let checkIn = decoded.checkIn { checkPlaceholders(checkIn, at: [.key("check_in")]) }
        if let checkIn = decoded.checkIn, !checkIn.contains("988") {
            error(at: [.key("check_in")], "the check-in question must give 988 (call or text), so help is one tap away")
        }
        let history = checkPatterns(decoded.history, at: [.key("history")], vocabulary: vocabulary)
        let current = checkPatterns(decoded.current, at: [.key("current")], vocabulary: vocabulary)
        let present = checkPatterns(decoded.present, at: [.key("present")], vocabulary: vocabulary)
        let story = checkPatterns(decoded.story, at: [.key("story")], vocabulary: vocabulary)
        let selfReference = checkPatterns(decoded.selfReference, at: [.key("self")], vocabulary: vocabulary)
        let clauses = checkPatterns(decoded.clauses, at: [.key("clauses")], vocabulary: vocabulary)
        let doubts = checkPatterns(decoded.doubts, at: [.key("doubts")], vocabulary: vocabulary)
        var neverCorrect = Set<String>()
        for (index, word) in decoded.neverCorrect.enumerated() {
            let words = SafetyTokenizer.words(in: word)
            guard words.count == 1, Self.isPlain(words[0]) else {
                error(at: [.key("never_correct"), .index(index)], "“\(word)” must be one word in plain letters a–z")
                continue
            }
            neverCorrect.insert(words[0])
        }
        for id in CrisisCategory.allCases where !categories.contains(where: { $0.id == id }) {
            if !diagnostics.contains(where: { $0.message.contains("“\(id)”") }) {
                error(at: [.key("categories")], "category “\(id)” is missing; every category needs patterns and a reply")
            }
        }
        var rules = SafetyRules(
            file: file, categories: categories, denials: denials, exclusions: exclusions,
            spellings: vocabulary.spellings, history: history, current: current, present: present,
            story: story, selfReference: selfReference, clauses: clauses, neverCorrect: neverCorrect)
        rules.emojiWords = checkEmoji(decoded.emoji)
        for (index, entry) in decoded.splitWords.enumerated() {
            let words = SafetyTokenizer.words(in: entry)
            guard words.count == 1, Self.isPlain(words[0]) else {
                error(at: [.key("split_words"), .index(index)], "“\(entry)” must be one word in plain letters a–z")
                continue
            }
            rules.splitWords.append(words[0])
        }
        rules.doubts = doubts
        rules.wordClasses = wordClasses(vocabulary)
        rules.drivers = SafetyRules.Drivers(
            impaired: checkPatterns(decoded.impairedDriving, at: [.key("impaired_driving")], vocabulary: vocabulary),
            visitor: checkPatterns(decoded.visitorDriving, at: [.key("visitor_driving")], vocabulary: vocabulary),
            others: checkPatterns(decoded.othersDriving, at: [.key("others_driving")], vocabulary: vocabulary))
        return rules
    }

    /// Each list as the pattern `@name`, for the learned model's evidence (``SafetyRules/wordClasses``).
    private mutating func wordClasses(_ vocabulary: SafetyPattern.Vocabulary) -> [String: SafetyRules.Pattern] {
        var classes: [String: SafetyRules.Pattern] = [:]
        for name in vocabulary.lists.keys {
            let source = "@" + name
            guard let parsed = try? SafetyPattern(parsing: source, vocabulary: vocabulary, cache: &parsedPositions)
            else { continue }
            classes[name] = SafetyRules.Pattern(source: source, unless: [], line: nil, parsed: parsed, parsedUnless: [])
        }
        return classes
    }

    /// The `emoji:` section as one scalar each (a variation selector after it dropped, as the check's reading
    /// drops it) with the words it is read as, space around them.
    private mutating func checkEmoji(_ entries: [String: [String]]) -> [UInt32: String] {
        var table: [UInt32: String] = [:]
        for word in entries.keys.sorted() {
            let path: [SafetyFilePath] = [.key("emoji"), .key(word)]
            let words = SafetyTokenizer.words(in: word)
            guard !words.isEmpty, words.allSatisfy(Self.isPlain) else {
                error(at: path, "“\(word)” must be words in plain letters a–z: what the emoji are read as")
                continue
            }
            for symbol in entries[word] ?? [] {
                let scalars = symbol.unicodeScalars.filter { !(0xFE00...0xFE0F).contains($0.value) }
                guard scalars.count == 1, let scalar = scalars.first, scalar.value >= 0x80,
                    !scalar.properties.isAlphabetic
                else {
                    error(at: path, "“\(symbol)” must be one emoji (one character that is not a letter)")
                    continue
                }
                if let earlier = table[scalar.value] {
                    error(at: path, "“\(symbol)” is already read as “\(earlier.trimmingCharacters(in: .whitespaces))”")
                    continue
                }
                table[scalar.value] = " " + words.joined(separator: " ") + " "
            }
        }
        return table
    }

    private mutating func checkSpellings(_ groups: [[String]]) -> [String: [String]] {
        var spellings: [String: [String]] = [:]
        for (index, group) in groups.enumerated() {
            let path: [SafetyFilePath] = [.key("spellings"), .index(index)]
            guard group.count >= 2, let first = group.first else {
                error(at: path, "a spelling group needs the form to read first, then at least one other spelling")
                continue
            }
            let canonical = SafetyTokenizer.words(in: first)
            guard !canonical.isEmpty else {
                error(at: path, "the first entry of a spelling group has no letters or digits")
                continue
            }
            if let word = (canonical + group.dropFirst().flatMap(SafetyTokenizer.words(in:))).first(where: {
                !Self.isPlain($0)
            }) {
                error(at: path, "“\(word)” has a letter outside a–z; write spellings in plain letters")
                continue
            }
            for variant in group.dropFirst() {
                let words = SafetyTokenizer.words(in: variant)
                guard words.count == 1, let word = words.first else {
                    error(at: path, "“\(variant)” must be one word; only the first entry of a group may be a phrase")
                    continue
                }
                if canonical == [word] { continue }
                if spellings[word] != nil {
                    error(at: path, "“\(word)” is in two spelling groups; keep it in one")
                    continue
                }
                spellings[word] = canonical
            }
        }
        return spellings
    }

    /// Only `a`–`z` and `0`–`9`, the letters patterns are written in.
    private static func isPlain(_ word: String) -> Bool {
        word.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) }
    }

    private mutating func checkList(
        _ name: String, _ entries: [String], vocabulary: SafetyPattern.Vocabulary
    ) -> [[SafetyPattern.Term]] {
        let path: [SafetyFilePath] = [.key("lists"), .key(name)]
        if name.isEmpty || !name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) {
            error(at: path, keyLine: true, "list name “\(name)” should be lowercase letters, digits and _")
        }
        if entries.isEmpty { error(at: path, keyLine: true, "list “\(name)” is empty") }
        var alternatives: [[SafetyPattern.Term]] = []
        for (index, entry) in entries.enumerated() {
            do {
                alternatives.append(try SafetyPattern.alternative(entry, allowNumbers: false, vocabulary: vocabulary))
            } catch {
                self.error(at: path + [.index(index)], "in list “\(name)”: \(error.message)")
            }
        }
        return alternatives
    }

    /// Parses every pattern text of `sections` (each entry's `match:`, then its `unless:`) ahead of the checks, in
    /// two halves at once, on two cores when there are: parsing was the larger half of checking the file.
    ///
    /// Each half has a cache of its own (`SafetyPattern.Cache`): about half of the texts are said again elsewhere,
    /// most of them in the same half, and a text parses to the same pattern, or the same problem, in either.
    static func parseAhead(
        _ sections: [([SafetyFilePath], [SafetyFile.PatternEntry])], vocabulary: SafetyPattern.Vocabulary
    ) -> [[SafetyFilePath]: [[Result<SafetyPattern, SafetyPattern.Problem>]]] {
        var texts: [String] = []
        texts.reserveCapacity(sections.reduce(0) { $0 + $1.1.reduce(0) { $0 + 1 + $1.unless.count } })
        for (_, entries) in sections {
            for entry in entries {
                texts.append(entry.match)
                texts += entry.unless
            }
        }
        @Sendable func parse(_ texts: ArraySlice<String>) -> [Result<SafetyPattern, SafetyPattern.Problem>] {
            var cache = SafetyPattern.Cache()
            cache.reserve(texts.count / 2)
            return texts.map { text in
                do throws(SafetyPattern.Problem) {
                    return .success(try SafetyPattern(parsing: text, vocabulary: vocabulary, cache: &cache))
                } catch {
                    return .failure(error)
                }
            }
        }
        let all = texts
        let half = all.count / 2
        let (first, second) = concurrently({ parse(all[..<half]) }, and: { parse(all[half...]) })
        let parsed = first + second
        var sectionsParsed: [[SafetyFilePath]: [[Result<SafetyPattern, SafetyPattern.Problem>]]] = [:]
        sectionsParsed.reserveCapacity(sections.count)
        var next = 0
        for (path, entries) in sections {
            sectionsParsed[path] = entries.map { entry in
                defer { next += 1 + entry.unless.count }
                return Array(parsed[next..<next + 1 + entry.unless.count])
            }
        }
        return sectionsParsed
    }

    /// Checks and parses the patterns of the list at `path`, leaving out those with problems.
    private mutating func checkPatterns(
        _ entries: [SafetyFile.PatternEntry], at path: [SafetyFilePath], vocabulary: SafetyPattern.Vocabulary
    ) -> [SafetyRules.Pattern] {
        let lines = self.lines?[path] ?? locator.itemLines(at: path, count: entries.count)
        let ahead = parsedAhead[path]
        return entries.enumerated().compactMap { index, entry in
            checkPattern(
                entry, at: path + [.index(index)], line: lines[index], vocabulary: vocabulary, ahead: ahead?[index])
        }
    }

    /// The pattern `text` is read as: parsed ahead when it was (`ahead`), otherwise now.
    private mutating func parse(
        _ text: String, ahead: Result<SafetyPattern, SafetyPattern.Problem>?, vocabulary: SafetyPattern.Vocabulary
    ) throws(SafetyPattern.Problem) -> SafetyPattern {
        if let ahead { return try ahead.get() }
        return try SafetyPattern(parsing: text, vocabulary: vocabulary, cache: &parsedPositions)
    }

    private mutating func checkPattern(
        _ entry: SafetyFile.PatternEntry, at path: [SafetyFilePath], line: Int?, vocabulary: SafetyPattern.Vocabulary,
        ahead: [Result<SafetyPattern, SafetyPattern.Problem>]?
    ) -> SafetyRules.Pattern? {
        let parsed: SafetyPattern
        do {
            parsed = try parse(entry.match, ahead: ahead?[0], vocabulary: vocabulary)
        } catch {
            self.error(line: line, error.message)
            return nil
        }
        var parsedUnless: [SafetyPattern] = []
        for (index, text) in entry.unless.enumerated() {
            do {
                parsedUnless.append(try parse(text, ahead: ahead?[1 + index], vocabulary: vocabulary))
            } catch {
                self.error(at: path + [.key("unless"), .index(index)], "in unless: \(error.message)")
            }
        }
        guard parsedUnless.count == entry.unless.count else { return nil }
        var checkIn: CrisisCategory?
        if let written = entry.checkIn {
            guard path.first == .key("exclusions") else {
                self.error(line: line, "`check_in:` is for exclusions only (the check-in their match gives instead of silence)")
                return nil
            }
            guard let category = CrisisCategory(rawValue: written) else {
                let known = CrisisCategory.allCases.map(\.rawValue).joined(separator: ", ")
                self.error(line: line, "`check_in: \(written)` is no category; use one of: \(known)")
                return nil
            }
            checkIn = category
        }
        return SafetyRules.Pattern(
            source: entry.match, unless: entry.unless, line: line, parsed: parsed, parsedUnless: parsedUnless,
            checkIn: checkIn)
    }

    /// A reply may name only `{center.KEY}` facts center.yaml defines: anything else would reach a person in
    /// crisis as written, in place of the center's name or number.
    private mutating func checkPlaceholders(_ text: String, at path: [SafetyFilePath]) {
        for name in Placeholders.names(in: text) where !Placeholders.isCenterFact(name, centerKeys: centerKeys) {
            let line = KnowledgeLoader.line(of: "{\(name)}", in: locator.node(at: path)) ?? locator.line(at: path)
            let fix =
                name.hasPrefix("center.")
                ? "center.yaml defines no `\(name.dropFirst("center.".count))`; add it there or fix the name"
                : "replies may name only center facts, e.g. `{center.name}` and `{center.phone}`"
            error(line: line, "`{\(name)}` would be shown as written in a crisis reply: \(fix)")
        }
    }

    private mutating func error(at path: [SafetyFilePath], keyLine: Bool = false, _ message: String) {
        error(line: locator.line(at: path, keyLine: keyLine), message)
    }

    private mutating func error(line: Int?, _ message: String) {
        diagnostics.append(KnowledgeDiagnostic(.error, file: file, line: line, message))
    }
}
