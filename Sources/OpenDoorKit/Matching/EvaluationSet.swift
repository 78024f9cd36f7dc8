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
}
