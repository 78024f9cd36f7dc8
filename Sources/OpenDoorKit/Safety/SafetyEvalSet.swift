import Foundation

/// A labeled safety corpus: `LABEL<TAB>LEVEL<TAB>STYLE<TAB>message` per line (`Knowledge/eval/safety*.tsv`).
///
/// `LABEL` is a crisis category or `none`; `LEVEL` is `crisis` (the full crisis reply is required), `check`
/// (the check-in or the crisis reply both count as caught) or `none` (no alarm); `STYLE` says how the message
/// is written (explicit, passive, symptoms, typos, buried, idiom, history, …). Lines starting with `#` and
/// blank lines are ignored.
public struct SafetyEvalSet: Sendable {
    /// One labeled message.
    public struct Item: Sendable, Hashable {
        /// The expected category; nil for a look-alike.
        public var category: CrisisCategory?
        /// The least level that counts as caught; nil for a look-alike (no alarm expected).
        public var level: SafetyLevel?
        /// How the message is written.
        public var style: String
        /// The message.
        public var text: String
        /// Its line in the file.
        public var line: Int

        /// Creates an item.
        public init(category: CrisisCategory?, level: SafetyLevel?, style: String, text: String, line: Int) {
            self.category = category
            self.level = level
            self.style = style
            self.text = text
            self.line = line
        }
    }

    /// The file's name, for reports.
    public var name: String
    /// The labeled messages, in file order.
    public var items: [Item]

    /// Creates a set.
    public init(name: String, items: [Item]) {
        self.name = name
        self.items = items
    }

    /// Reads a file; every malformed line is an error with its line number.
    public static func load(from url: URL) throws(KnowledgeError) -> SafetyEvalSet {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(.error, file: url.path, "could not read the file (\(error.localizedDescription))")
            ])
        }
        return try parse(text, name: url.path)
    }

    /// Reads the text of a file.
    public static func parse(_ text: String, name: String) throws(KnowledgeError) -> SafetyEvalSet {
        var items: [Item] = []
        var problems: [KnowledgeDiagnostic] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy(\.isWhitespace) || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
            func problem(_ message: String) {
                problems.append(KnowledgeDiagnostic(.error, file: name, line: index + 1, message))
            }
            guard fields.count == 4, !fields[3].allSatisfy(\.isWhitespace) else {
                problem("expected LABEL<TAB>LEVEL<TAB>STYLE<TAB>message")
                continue
            }
            let label = fields[0].trimmingCharacters(in: .whitespaces)
            let levelText = fields[1].trimmingCharacters(in: .whitespaces)
            let category = CrisisCategory(rawValue: label)
            guard category != nil || label == "none" else {
                let known = CrisisCategory.allCases.map(\.rawValue).joined(separator: ", ")
                problem("unknown label “\(label)”; the labels are \(known) and none")
                continue
            }
            let level = SafetyLevel(rawValue: levelText)
            guard level != nil || levelText == "none" else {
                problem("unknown level “\(levelText)”; the levels are crisis, check and none")
                continue
            }
            guard (category == nil) == (level == nil) else {
                problem("label “\(label)” with level “\(levelText)”: a crisis needs crisis or check, none needs none")
                continue
            }
            items.append(
                Item(
                    category: category, level: level, style: fields[2].trimmingCharacters(in: .whitespaces),
                    text: fields[3], line: index + 1))
        }
        if !problems.isEmpty { throw KnowledgeError(diagnostics: problems) }
        return SafetyEvalSet(name: name, items: items)
    }
}
