import Yams

/// Walks one YAML file's node tree and collects diagnostics that name the file and line.
///
/// Every node keeps its line (Yams' `Mark`, or `YAMLNode.line`), so every problem found while
/// walking the tree can point at the exact line a person has to fix.
struct YAMLReader {
    /// The file's path as shown to people.
    let file: String
    /// Everything found so far.
    private(set) var diagnostics: [KnowledgeDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    /// Reads a knowledge file's text into its tree, straight from libyaml's events when it can (see
    /// `YAMLNode.read`); else Yams composes it, with the same diagnostics as `parse`.
    mutating func read(_ text: String) -> YAMLNode? {
        if let node = YAMLNode.read(text) { return node }
        return parse(text).map(YAMLNode.init)
    }

    /// Parses the text into a node tree; a syntax error becomes a diagnostic with its line.
    ///
    /// Scalars are left untyped (Yams' basic resolver): the knowledge reads every value as text, and
    /// resolving each scalar's type with the default resolver's regular expressions cost a third of parsing.
    mutating func parse(_ text: String) -> Node? {
        do {
            guard let node = try Yams.compose(yaml: text, .basic, .default, .utf8) else {
                error(line: 1, "The file is empty. Add its content or remove the file.")
                return nil
            }
            return node
        } catch let yamlError as YamlError {
            let (line, problem) = Self.describe(yamlError)
            error(line: line, "This is not valid YAML: \(problem). Check the indentation and quoting on this line.")
        } catch {
            self.error(line: nil, "The file could not be read as YAML: \(error).")
        }
        return nil
    }

    /// Records an error at a node's line.
    mutating func error(_ node: (some YAMLTreeNode)?, _ message: String) {
        error(line: node?.lineNumber, message)
    }

    /// Records an error at a line.
    mutating func error(line: Int?, _ message: String) {
        diagnostics.append(KnowledgeDiagnostic(.error, file: file, line: line, message))
    }

    /// Records a warning at a node's line.
    mutating func warning(_ node: (some YAMLTreeNode)?, _ message: String) {
        diagnostics.append(KnowledgeDiagnostic(.warning, file: file, line: node?.lineNumber, message))
    }

    /// The pairs of a mapping, keyed by their string keys; unknown keys are errors.
    mutating func mapping<N: YAMLTreeNode>(_ node: N, allowedKeys: Set<String>, what: String) -> [String: N]? {
        guard let mapping = node.pairs else {
            error(node, "Expected \(what) as a mapping of `key: value` lines.")
            return nil
        }
        var result: [String: N] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                error(key, "A key in \(what) is not a plain word.")
                continue
            }
            guard allowedKeys.contains(name) else {
                let known = allowedKeys.sorted().joined(separator: ", ")
                error(key, "Unknown key `\(name)` in \(what). Known keys: \(known). Check its spelling.")
                continue
            }
            result[name] = value
        }
        return result
    }

    /// A required or optional text value; empty text is an error.
    mutating func text<N: YAMLTreeNode>(_ node: N?, key: String, in parent: N, required: Bool) -> String? {
        guard let node else {
            if required { error(parent, "`\(key)` is missing. Add `\(key):` with its text.") }
            return nil
        }
        guard let value = node.scalarText else {
            error(node, "`\(key)` must be text, not a list or a mapping.")
            return nil
        }
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            error(node, "`\(key)` is empty. Write its text or remove the entry.")
            return nil
        }
        return trimmed
    }

    /// A list of text values with the line of each.
    mutating func textList<N: YAMLTreeNode>(_ node: N?, key: String, in parent: N, required: Bool) -> [(
        text: String, line: Int?
    )] {
        guard let node else {
            if required { error(parent, "`\(key)` is missing. Add `\(key):` with a list of entries.") }
            return []
        }
        guard let sequence = node.items else {
            error(node, "`\(key)` must be a list (lines starting with `- `).")
            return []
        }
        var result: [(String, Int?)] = []
        for item in sequence {
            guard let value = item.scalarText else {
                error(item, "Each entry of `\(key)` must be text.")
                continue
            }
            let trimmed = value.trimmingWhitespace()
            if trimmed.isEmpty {
                error(item, "An entry of `\(key)` is empty. Remove it or write it.")
                continue
            }
            result.append((trimmed, item.lineNumber))
        }
        return result
    }

    private static func describe(_ error: YamlError) -> (Int?, String) {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return (mark.line, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.joined(separator: ", ")
            return (context.mark.line, "the key `\(keys)` appears twice in the same mapping")
        case .reader(let problem, _, _, _):
            return (nil, problem)
        default:
            return (nil, "\(error)")
        }
    }
}

extension String {
    /// The text without leading and trailing spaces and newlines.
    func trimmingWhitespace() -> String {
        // Most texts start and end with a visible ASCII character, which can't be (part of) whitespace.
        if let first = utf8.first, let last = utf8.last, (0x21...0x7E).contains(first),
            (0x21...0x7E).contains(last)
        {
            return self
        }
        var scalars = Substring(self)
        // A first character whose first scalar is visible ASCII is no whitespace (Character.isWhitespace reads the
        // first scalar): not walked (one letter under a thousand accents is one character of 4,000 bytes).
        let leads = utf8.first.map { (0x21...0x7E).contains($0) } ?? false
        while !leads, let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
