import Yams

/// Finds the line of a place in the YAML text, from Yams' node marks, or by the key's text as a fallback.
struct SafetyFileLocator: @unchecked Sendable {
    // @unchecked: Yams' nodes are not Sendable (a tag resolves its name lazily, on comparing or hashing nodes).
    // A locator only reads key strings, items and marks, which resolve nothing, so two threads may share one.

    private let yaml: String
    private let root: Node?

    init(yaml: String) {
        self.init(yaml: yaml, root: try? Yams.compose(yaml: yaml))
    }

    /// A locator over a tree already composed from `yaml`.
    init(yaml: String, root: Node?) {
        self.yaml = yaml
        self.root = root
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

    /// The node at `path`, when there is one.
    func node(at path: [SafetyFilePath]) -> Node? {
        var node = root
        for step in path {
            switch step {
            case .key(let name):
                node = node?.mapping?.first(where: { $0.key.string == name })?.value
            case .index(let index):
                guard let items = node?.sequence, index < items.count else { return nil }
                node = items[items.index(items.startIndex, offsetBy: index)]
            }
        }
        return node
    }

    /// The line of each of the first `count` items of the list at `path`, as `line(at: path + [.index(i)])` gives
    /// it, found in one walk down the tree instead of one walk per item.
    func itemLines(at path: [SafetyFilePath], count: Int) -> [Int?] {
        guard var node = root else { return (0..<count).map { self.line(at: path + [.index($0)]) } }
        var line = node.mark?.line
        for step in path {
            switch step {
            case .key(let name):
                guard let pair = node.mapping?.first(where: { $0.key.string == name }) else {
                    return (0..<count).map { self.line(at: path + [.index($0)]) }
                }
                node = pair.value
                line = pair.value.mark?.line ?? pair.key.mark?.line
            case .index(let index):
                guard let items = node.sequence, index < items.count else {
                    return (0..<count).map { self.line(at: path + [.index($0)]) }
                }
                node = items[items.index(items.startIndex, offsetBy: index)]
                line = node.mark?.line ?? line
            }
        }
        guard let items = node.sequence else { return Array(repeating: line, count: count) }
        var lines: [Int?] = []
        lines.reserveCapacity(count)
        for item in items.prefix(count) {
            if let match = item.mapping?.first(where: { $0.key.string == "match" }) {
                lines.append(match.value.mark?.line)
            } else {
                lines.append(item.mark?.line ?? line)
            }
        }
        while lines.count < count { lines.append(line) }
        return lines
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

/// One step of a path into the YAML tree.
enum SafetyFilePath: Sendable, Hashable {
    /// A mapping key.
    case key(String)
    /// A sequence item, 0-based.
    case index(Int)

    /// Converts a decoder's coding path.
    static func from(_ codingPath: [any CodingKey]) -> [SafetyFilePath] {
        codingPath.map { key in key.intValue.map { .index($0) } ?? .key(key.stringValue) }
    }
}
