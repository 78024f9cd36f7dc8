import Foundation

/// Labeled visitor messages for measuring the matcher: one `label<TAB>message` per line, `#` for comments.
public struct EvaluationSet: Sendable {
    /// One labeled message.
    public struct Item: Sendable, Hashable {
        /// The expected intent, or `fallback`.
        public var label: IntentID
        /// The message.
        public var text: String
        /// Where it was written.
        public var line: Int
    }

    /// Every item, in file order.
    public var items: [Item]

    /// Creates a set from items.
    public init(items: [Item]) {
        self.items = items
    }

    /// Parses a file's text; a malformed line or an unknown label is an error naming file and line.
    public static func parse(_ text: String, file: String, knownLabels: Set<IntentID>) throws(KnowledgeError)
        -> EvaluationSet
    {
        var items: [Item] = []
        var diagnostics: [KnowledgeDiagnostic] = []
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let number = offset + 1
            if line.allSatisfy(\.isWhitespace) || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[1].allSatisfy(\.isWhitespace) else {
                diagnostics.append(
                    KnowledgeDiagnostic(
                        .error, file: file, line: number,
                        "Expected `label<TAB>message`. Separate the label from the message with one tab."))
                continue
            }
            let label = IntentID(rawValue: parts[0].trimmingCharacters(in: .whitespaces))
            guard knownLabels.contains(label) else {
                diagnostics.append(
                    KnowledgeDiagnostic(
                        .error, file: file, line: number,
                        "Unknown label `\(label)`. Use an intent id from Knowledge/intents or `fallback`."))
                continue
            }
            items.append(Item(label: label, text: String(parts[1]), line: number))
        }
        if !diagnostics.isEmpty { throw KnowledgeError(diagnostics: diagnostics) }
        return EvaluationSet(items: items)
    }

    /// Reads and parses a file.
    public static func load(from url: URL, knownLabels: Set<IntentID>) throws(KnowledgeError) -> EvaluationSet {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(.error, file: url.path, "The file is missing or not UTF-8 text.")
            ])
        }
        return try parse(text, file: url.path, knownLabels: knownLabels)
    }

    /// The items that repeat one of the knowledge's training texts, word for word or nearly (at least
    /// four words, four in five of them shared): a held-out line that is also a training example measures
    /// memory, not understanding, so the shipped set must have none.
    public func overlaps(with knowledge: Knowledge) -> [(item: Item, example: String)] {
        var exact: [String: String] = [:]
        var wordSets: [(words: Set<String>, text: String)] = []
        for intent in knowledge.intents {
            for example in intent.examples {
                let words = TextNormalizer.words(example)
                exact[words.joined(separator: " ")] = example
                wordSets.append((Set(words), example))
            }
        }
        return items.compactMap { item in
            let words = TextNormalizer.words(item.text)
            if let example = exact[words.joined(separator: " ")] { return (item, example) }
            let set = Set(words)
            guard set.count >= 4 else { return nil }
            for (other, example) in wordSets {
                let union = set.union(other).count
                if union > 0, Double(set.intersection(other).count) / Double(union) >= 0.8 { return (item, example) }
            }
            return nil
        }
    }
}
