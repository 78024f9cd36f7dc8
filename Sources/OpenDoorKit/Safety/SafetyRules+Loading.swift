import Foundation
import Yams

extension SafetyRules {
    /// Reads and checks a safety file; the diagnostics name it by its file name.
    ///
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func load(from url: URL) throws -> SafetyRules {
        let file = url.lastPathComponent
        let yaml: String
        do {
            yaml = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(.error, file: file, "could not read the safety rules (\(error.localizedDescription))")
            ])
        }
        return try parse(yaml: yaml, file: file)
    }

    /// Checks and parses the text of a safety file.
    ///
    /// - Parameters:
    ///   - yaml: The file's text.
    ///   - file: The name to put in diagnostics, e.g. `safety.yaml`.
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func parse(yaml: String, file: String) throws -> SafetyRules {
        let decoded: SafetyFile
        do {
            decoded = try YAMLDecoder().decode(SafetyFile.self, from: yaml)
        } catch {
            throw KnowledgeError(diagnostics: [SafetyFileLocator(yaml: yaml).diagnostic(for: error, file: file)])
        }
        var checker = SafetyRulesChecker(file: file, locator: SafetyFileLocator(yaml: yaml))
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
    var diagnostics: [KnowledgeDiagnostic] = []

    init(file: String, locator: SafetyFileLocator) {
        self.file = file
        self.locator = locator
    }

    mutating func check(_ decoded: SafetyFile) -> SafetyRules? {
        var vocabulary = SafetyPattern.Vocabulary()
        vocabulary.spellings = checkSpellings(decoded.spellings)
        for name in decoded.lists.keys.sorted() {
            vocabulary.lists[name] = checkList(name, decoded.lists[name] ?? [], vocabulary: vocabulary)
        }
        let exclusions = decoded.exclusions.enumerated().compactMap { index, entry in
            checkPattern(entry, at: [.key("exclusions"), .index(index)], vocabulary: vocabulary)
        }
        let denials = decoded.denials.enumerated().compactMap { index, entry in
            checkPattern(entry, at: [.key("denials"), .index(index)], vocabulary: vocabulary)
        }
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
            for number in ["988", "911"] where !reply.contains(number) {
                error(at: path + [.key("reply")], "the reply for “\(id)” must give \(number); every crisis reply does")
            }
            if entry.patterns.isEmpty {
                error(at: path + [.key("patterns")], "category “\(id)” has no patterns; add at least one")
            }
            let patterns = entry.patterns.enumerated().compactMap { patternIndex, pattern in
                checkPattern(pattern, at: path + [.key("patterns"), .index(patternIndex)], vocabulary: vocabulary)
            }
            categories.append(SafetyRules.Category(id: id, reply: reply, patterns: patterns))
        }
        for id in CrisisCategory.allCases where !categories.contains(where: { $0.id == id }) {
            if !diagnostics.contains(where: { $0.message.contains("“\(id)”") }) {
                error(at: [.key("categories")], "category “\(id)” is missing; every category needs patterns and a reply")
            }
        }
        return SafetyRules(
            file: file, categories: categories, denials: denials, exclusions: exclusions,
            spellings: vocabulary.spellings)
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

    private mutating func checkPattern(
        _ entry: SafetyFile.PatternEntry, at path: [SafetyFilePath], vocabulary: SafetyPattern.Vocabulary
    ) -> SafetyRules.Pattern? {
        let line = locator.line(at: path)
        let parsed: SafetyPattern
        do {
            parsed = try SafetyPattern(parsing: entry.match, vocabulary: vocabulary)
        } catch {
            self.error(line: line, error.message)
            return nil
        }
        var parsedUnless: [SafetyPattern] = []
        for (index, text) in entry.unless.enumerated() {
            do {
                parsedUnless.append(try SafetyPattern(parsing: text, vocabulary: vocabulary))
            } catch {
                self.error(at: path + [.key("unless"), .index(index)], "in unless: \(error.message)")
            }
        }
        guard parsedUnless.count == entry.unless.count else { return nil }
        return SafetyRules.Pattern(
            source: entry.match, unless: entry.unless, line: line, parsed: parsed, parsedUnless: parsedUnless)
    }

    private mutating func error(at path: [SafetyFilePath], keyLine: Bool = false, _ message: String) {
        error(line: locator.line(at: path, keyLine: keyLine), message)
    }

    private mutating func error(line: Int?, _ message: String) {
        diagnostics.append(KnowledgeDiagnostic(.error, file: file, line: line, message))
    }
}

/// Finds the line of a place in the YAML text, from Yams' node marks, or by the key's text as a fallback.
struct SafetyFileLocator {
    private let yaml: String
    private let root: Node?

    init(yaml: String) {
        self.yaml = yaml
        self.root = try? Yams.compose(yaml: yaml)
    }

    /// The 1-based line of the value at `path` (or of its key, with `keyLine`), when it can be found.
    func line(at path: [SafetyFilePath], keyLine: Bool = false) -> Int? {
        var node = root
        var line = root?.mark?.line
        for (position, step) in path.enumerated() {
            guard let current = node else { break }
            switch step {
            case .key(let name):
                guard let pair = current.mapping?.first(where: { $0.key.string == name }) else {
                    return line ?? textLine(ofKey: name)
                }
                if keyLine && position == path.count - 1 { return pair.key.mark?.line }
                // A pattern written `match:`/`unless:` points at the pattern text.
                node = pair.value
                line = pair.value.mark?.line ?? pair.key.mark?.line
            case .index(let index):
                guard let items = current.sequence, index < items.count else { return line }
                let item = items[items.index(items.startIndex, offsetBy: index)]
                if let match = item.mapping?.first(where: { $0.key.string == "match" }), position == path.count - 1 {
                    return match.value.mark?.line
                }
                node = item
                line = item.mark?.line ?? line
            }
        }
        return line
    }

    /// The first line that starts with `key:`, for when the tree can't be walked.
    func textLine(ofKey key: String) -> Int? {
        var number = 0
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.drop(while: { $0 == " " || $0 == "-" })
            if trimmed.hasPrefix("\(key):") { return number }
        }
        return nil
    }

    /// The line of the byte offset, for reader errors.
    private func line(ofOffset offset: Int) -> Int {
        1 + yaml.utf8.prefix(offset).reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    /// Turns a decoding failure into a diagnostic with the line to look at.
    func diagnostic(for error: any Error, file: String) -> KnowledgeDiagnostic {
        func make(_ line: Int?, _ message: String) -> KnowledgeDiagnostic {
            KnowledgeDiagnostic(.error, file: file, line: line, message)
        }
        if let yamlError = error as? YamlError { return syntaxDiagnostic(yamlError, file: file) }
        if let unknown = error as? UnknownKeyError { return unknownKeyDiagnostic(unknown, file: file) }
        guard let decodingError = error as? DecodingError else {
            return make(nil, "could not read the safety rules: \(error)")
        }
        switch decodingError {
        case .dataCorrupted(let context):
            if let yamlError = context.underlyingError as? YamlError { return syntaxDiagnostic(yamlError, file: file) }
            if let unknown = context.underlyingError as? UnknownKeyError {
                return unknownKeyDiagnostic(unknown, file: file)
            }
            let path = SafetyFilePath.from(context.codingPath)
            return make(line(at: path) ?? 1, "\(Self.name(path)): \(context.debugDescription)")
        case .typeMismatch(let type, let context):
            let path = SafetyFilePath.from(context.codingPath)
            if path.isEmpty { return make(1, "the file is empty or not a mapping; it needs at least categories:") }
            return make(line(at: path), "\(Self.name(path)) should be \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            let path = SafetyFilePath.from(context.codingPath)
            return make(line(at: path), "\(Self.name(path)) is empty; it should be \(Self.describe(type))")
        case .keyNotFound(let key, let context):
            let path = SafetyFilePath.from(context.codingPath)
            let place = path.isEmpty ? "the file" : Self.name(path)
            return make(line(at: path) ?? 1, "\(place) needs “\(key.stringValue):”")
        @unknown default:
            return make(nil, "could not read the safety rules: \(decodingError)")
        }
    }

    private func syntaxDiagnostic(_ error: YamlError, file: String) -> KnowledgeDiagnostic {
        let line: Int?
        let problem: String
        switch error {
        case .scanner(_, let text, let mark, _), .parser(_, let text, let mark, _), .composer(_, let text, let mark, _):
            line = mark.line
            problem = text
        case .duplicatedKeysInMapping(let duplicates, let context):
            line = context.mark.line
            problem = "the key “\(duplicates.joined(separator: ", "))” appears twice in one mapping"
        case .reader(let text, let offset, _, _):
            line = offset.map { self.line(ofOffset: $0) }
            problem = text
        default:
            line = nil
            problem = "\(error)"
        }
        return KnowledgeDiagnostic(.error, file: file, line: line, "YAML syntax error: \(problem)")
    }

    private func unknownKeyDiagnostic(_ error: UnknownKeyError, file: String) -> KnowledgeDiagnostic {
        guard case .key(let key) = error.path.last else {
            return KnowledgeDiagnostic(.error, file: file, "unknown key")
        }
        let line = line(at: error.path, keyLine: true) ?? textLine(ofKey: key)
        let allowed = error.allowed.map { "\($0):" }.joined(separator: ", ")
        return KnowledgeDiagnostic(.error, file: file, line: line, "unknown key “\(key)”; here the keys are \(allowed)")
    }

    /// A place in words: the key, or the item of a list.
    private static func name(_ path: [SafetyFilePath]) -> String {
        var keys: [String] = []
        for step in path {
            switch step {
            case .key(let key): keys.append(key)
            case .index(let index): keys.append("item \(index + 1)")
            }
        }
        return keys.isEmpty ? "the file" : "“" + keys.joined(separator: " › ") + "”"
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Node.Scalar.Type: "text"
        case is Node.Sequence.Type: "a list"
        case is Node.Mapping.Type: "a mapping (key: value)"
        default: "\(type)".hasPrefix("Array") ? "a list" : "\(type)"
        }
    }
}
