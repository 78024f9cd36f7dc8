import Dispatch
import Foundation
import Synchronization
import Yams

extension SafetyRules {
    /// Reads and checks a safety file; the diagnostics name it by its path, as the knowledge loader's do.
    ///
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func load(from url: URL) throws -> SafetyRules {
        let file = KnowledgeLoader.displayPath(url)
        let yaml: String
        do {
            yaml = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(.error, file: file, "could not read the safety rules (\(error.localizedDescription))")
            ])
        }
        var rules = try parse(yaml: yaml, file: file, centerKeys: centerKeys(besides: url))
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
        var checker = SafetyRulesChecker(file: file, locator: locator, centerKeys: centerKeys)
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
    /// Pattern positions parsed so far (the vocabulary is fixed once the lists are read).
    private var parsedPositions = SafetyPattern.Cache()
    /// The file's pattern sections, parsed ahead on every core, by their path: `checkPatterns` takes each
    /// where it would have parsed it, so the diagnostics come in the order of a sequential check.
    private var parsedSections: [[SafetyFilePath]: ParsedSection] = [:]

    /// One section's patterns, parsed, with the problems found in them.
    private struct ParsedSection: Sendable {
        var patterns: [SafetyRules.Pattern]
        var diagnostics: [KnowledgeDiagnostic]
    }

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
        parsedSections = parseSections(Self.sections(of: decoded), vocabulary: vocabulary)
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
        return SafetyRules(
            file: file, categories: categories, denials: denials, exclusions: exclusions,
            spellings: vocabulary.spellings, history: history, current: current, present: present,
            story: story, selfReference: selfReference, clauses: clauses, neverCorrect: neverCorrect)
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

    /// Checks and parses the patterns of the list at `path`, leaving out those with problems.
    private mutating func checkPatterns(
        _ entries: [SafetyFile.PatternEntry], at path: [SafetyFilePath], vocabulary: SafetyPattern.Vocabulary
    ) -> [SafetyRules.Pattern] {
        if let section = parsedSections.removeValue(forKey: path) {
            diagnostics += section.diagnostics
            return section.patterns
        }
        return parsePatterns(
            entries, at: path, lines: locator.itemLines(at: path, count: entries.count), vocabulary: vocabulary)
    }

    private mutating func parsePatterns(
        _ entries: [SafetyFile.PatternEntry], at path: [SafetyFilePath], lines: [Int?],
        vocabulary: SafetyPattern.Vocabulary
    ) -> [SafetyRules.Pattern] {
        entries.enumerated().compactMap { index, entry in
            checkPattern(entry, at: path + [.index(index)], line: lines[index], vocabulary: vocabulary)
        }
    }

    /// Every section of patterns, with its path, in the order `check` reads them.
    private static func sections(of decoded: SafetyFile) -> [(entries: [SafetyFile.PatternEntry], path: [SafetyFilePath])] {
        var sections: [(entries: [SafetyFile.PatternEntry], path: [SafetyFilePath])] = [
            (decoded.exclusions, [.key("exclusions")]), (decoded.denials, [.key("denials")]),
        ]
        for (index, entry) in decoded.categories.enumerated() {
            let path: [SafetyFilePath] = [.key("categories"), .index(index)]
            sections.append((entry.patterns, path + [.key("patterns")]))
            sections.append((entry.check, path + [.key("check")]))
        }
        sections += [
            (decoded.history, [.key("history")]), (decoded.current, [.key("current")]),
            (decoded.present, [.key("present")]), (decoded.story, [.key("story")]),
            (decoded.selfReference, [.key("self")]), (decoded.clauses, [.key("clauses")]),
        ]
        return sections
    }

    /// Sections parsed by one worker, and the positions it parsed.
    private struct ParsedGroup: Sendable {
        var sections: [Int: ParsedSection]
        var cache: SafetyPattern.Cache
    }

    /// Parses the sections at `indices` with a fresh checker of its own.
    private func parseGroup(
        _ indices: [Int], of sections: [(entries: [SafetyFile.PatternEntry], path: [SafetyFilePath])],
        lines: [[Int?]], vocabulary: SafetyPattern.Vocabulary
    ) -> ParsedGroup {
        var worker = SafetyRulesChecker(file: file, locator: locator, centerKeys: centerKeys)
        var parsed: [Int: ParsedSection] = [:]
        for index in indices {
            worker.diagnostics = []
            let patterns = worker.parsePatterns(
                sections[index].entries, at: sections[index].path, lines: lines[index], vocabulary: vocabulary)
            parsed[index] = ParsedSection(patterns: patterns, diagnostics: worker.diagnostics)
        }
        return ParsedGroup(sections: parsed, cache: worker.parsedPositions)
    }

    /// Parses the sections on two cores, each with its own cache of parsed positions: the thousands of patterns
    /// were half of the rules' load time. The positions the two parsed alike are then made the same arrays, as
    /// one cache would have handed them out, so that the index compiles each once (see `SafetyIndex`).
    private func parseSections(
        _ sections: [(entries: [SafetyFile.PatternEntry], path: [SafetyFilePath])],
        vocabulary: SafetyPattern.Vocabulary
    ) -> [[SafetyFilePath]: ParsedSection] {
        // The lines are looked up here, on one thread: the workers don't walk Yams' tree.
        let lines = sections.map { locator.itemLines(at: $0.path, count: $0.entries.count) }
        // Each section whole in one of two groups of about the same number of patterns, largest first.
        var group = [Int](repeating: 0, count: sections.count)
        var sizes = [0, 0]
        for index in sections.indices.sorted(by: { sections[$0].entries.count > sections[$1].entries.count }) {
            let lighter = sizes[0] <= sizes[1] ? 0 : 1
            group[index] = lighter
            sizes[lighter] += sections[index].entries.count
        }
        let results = Mutex<[Int: ParsedGroup]>([:])
        let checker = SafetyRulesChecker(file: file, locator: locator, centerKeys: centerKeys)
        let groups = group
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let parsed = checker.parseGroup(
                sections.indices.filter { groups[$0] == part }, of: sections, lines: lines, vocabulary: vocabulary)
            results.withLock { $0[part] = parsed }
        }
        let parts = results.withLock { $0 }
        guard let first = parts[0], let second = parts[1] else { return [:] }
        // The second group's positions that the first parsed too, by where their arrays keep their elements.
        var shared: [UnsafeRawPointer: [[SafetyPattern.Term]]] = [:]
        for (text, choices) in second.cache.positions {
            guard let own = first.cache.positions[text],
                let address = choices.withUnsafeBufferPointer({ $0.baseAddress.map(UnsafeRawPointer.init) })
            else { continue }
            shared[address] = own
        }
        var result: [[SafetyFilePath]: ParsedSection] = [:]
        for (index, section) in first.sections { result[sections[index].path] = section }
        for (index, var section) in second.sections {
            section.patterns = section.patterns.map { $0.sharing(shared) }
            result[sections[index].path] = section
        }
        return result
    }

    private mutating func checkPattern(
        _ entry: SafetyFile.PatternEntry, at path: [SafetyFilePath], line: Int?, vocabulary: SafetyPattern.Vocabulary
    ) -> SafetyRules.Pattern? {
        let parsed: SafetyPattern
        do {
            parsed = try SafetyPattern(parsing: entry.match, vocabulary: vocabulary, cache: &parsedPositions)
        } catch {
            self.error(line: line, error.message)
            return nil
        }
        var parsedUnless: [SafetyPattern] = []
        for (index, text) in entry.unless.enumerated() {
            do {
                parsedUnless.append(try SafetyPattern(parsing: text, vocabulary: vocabulary, cache: &parsedPositions))
            } catch {
                self.error(at: path + [.key("unless"), .index(index)], "in unless: \(error.message)")
            }
        }
        guard parsedUnless.count == entry.unless.count else { return nil }
        return SafetyRules.Pattern(
            source: entry.match, unless: entry.unless, line: line, parsed: parsed, parsedUnless: parsedUnless)
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

extension SafetyRules.Pattern {
    /// The pattern with every position whose choices' array is in `shared` (by where it keeps its elements)
    /// reading that array instead.
    fileprivate func sharing(_ shared: [UnsafeRawPointer: [[SafetyPattern.Term]]]) -> SafetyRules.Pattern {
        SafetyRules.Pattern(
            source: source, unless: unless, line: line, parsed: parsed.sharing(shared),
            parsedUnless: parsedUnless.map { $0.sharing(shared) })
    }
}

extension SafetyPattern {
    fileprivate func sharing(_ shared: [UnsafeRawPointer: [[Term]]]) -> SafetyPattern {
        var copy = self
        for index in slots.indices {
            let address = slots[index].alternatives.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) }
            if let address, let own = shared[address] { copy.slots[index].alternatives = own }
        }
        return copy
    }
}
