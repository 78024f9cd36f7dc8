import Foundation

/// The end line of `safety.yaml`: `# end: overdose 251, suicide 1243, …`, the number of patterns of each category
/// (crisis and check-in patterns together), in file order (QA23 O5).
///
/// A copy cut short (`cp` or `rsync --inplace` interrupted, a full disk) that still parses, as a cut in the last
/// category's patterns does, would otherwise load with fewer patterns and no word: the file loader
/// (``SafetyRules/load(from:)``) refuses a file without this line as its last, or whose counts aren't the file's, with
/// its file:line. It is a YAML comment, so the rules' own reading is unchanged. After an edit, `opendoor seal-safety`
/// (``sealed(_:rules:)``) writes it again.
public enum SafetyFileSeal {
    /// How the end line starts.
    public static let marker = "# end:"

    /// The note written above the end line.
    static let note = "# The line below counts each category's patterns, so that a copy cut short is refused. "
        + "After an edit: opendoor seal-safety"

    /// The safety file at `url` read and its rules checked as the loader does, but for the end line: the text, the
    /// rules and the file's name for diagnostics.
    ///
    /// - Throws: `KnowledgeError` with every problem found, each with file and line.
    public static func read(_ url: URL) throws -> (text: String, rules: SafetyRules, file: String) {
        let file = KnowledgeLoader.displayPath(url)
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(.error, file: file, "could not read the safety rules (\(error.localizedDescription))")
            ])
        }
        let rules = try SafetyRules.parse(yaml: text, file: file, centerKeys: SafetyRules.centerKeys(besides: url))
        return (text, rules, file)
    }

    /// The end line for `rules`.
    public static func line(for rules: SafetyRules) -> String {
        marker + " " + counts(rules).map { "\($0.name) \($0.count)" }.joined(separator: ", ")
    }

    /// Each category's name and number of patterns, in file order.
    static func counts(_ rules: SafetyRules) -> [(name: String, count: Int)] {
        rules.categories.map { ($0.id.rawValue, $0.patterns.count + $0.checkPatterns.count) }
    }

    /// `text` with its end line (and the note above it) for `rules` last, the old ones removed wherever they are (a
    /// merge may have put rules after them).
    public static func sealed(_ text: String, rules: SafetyRules) -> String {
        var lines = Self.lines(text).filter { !$0.hasPrefix(marker) && $0 != note }
        while let last = lines.last, last.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { lines.removeLast() }
        let lineBreak = text.contains("\r\n") ? "\r\n" : "\n"
        return (lines + [note, line(for: rules)]).joined(separator: lineBreak) + lineBreak
    }

    /// `text`'s lines, LF or CRLF (one `Character` in Swift, which splitting on "\n" alone would miss).
    private static func lines(_ text: String) -> [String] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
    }

    /// The last of `text`'s lines (``lines(_:)``) with more than white space, read from the end: the whole file split
    /// into lines was a tenth of `ask`'s start-up (round 28). Its line number is counted only for a diagnostic.
    private static func lastLineWithText(_ text: String) -> Substring? {
        var end = text.endIndex
        while true {
            let start = text[..<end].lastIndex(where: isLineBreak).map(text.index(after:)) ?? text.startIndex
            let candidate = text[start..<end]
            if !candidate.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return candidate }
            guard start > text.startIndex else { return nil }
            end = text.index(before: start)
        }
    }

    private static func isLineBreak(_ character: Character) -> Bool { character == "\n" || character == "\r\n" }

    /// The problem with `text`'s end line for `rules`, as a diagnostic of `file` at its line; nil when it is right.
    public static func problem(in text: String, rules: SafetyRules, file: String) -> KnowledgeDiagnostic? {
        guard let lastLine = lastLineWithText(text) else { return nil }
        let last = lastLine.trimmingCharacters(in: .whitespaces)
        func lineNumber() -> Int { text[..<lastLine.startIndex].reduce(1) { isLineBreak($1) ? $0 + 1 : $0 } }
        let fix = "if it was edited on purpose, run `opendoor seal-safety` to count again; else copy it again whole"
        guard last.hasPrefix(marker) else {
            return KnowledgeDiagnostic(
                .error, file: file, line: lineNumber(),
                "the file doesn't end with its “\(marker) …” line: it may have been cut short while being copied, and "
                    + "a cut in the last category's patterns still loads with fewer of them (\(fix))")
        }
        let expected = line(for: rules)
        guard last != expected else { return nil }
        let found = Dictionary(
            last.dropFirst(marker.count).split(separator: ",").compactMap { entry -> (String, String)? in
                let parts = entry.split(separator: " ")
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { first, _ in first })
        let differences = counts(rules).compactMap { name, count -> String? in
            let said = found[name] ?? "none"
            return said == "\(count)" ? nil : "“\(name)” has \(count) pattern(s), the end line says \(said)"
        }
        let detail = differences.isEmpty ? "it should read “\(expected)”" : differences.joined(separator: "; ")
        return KnowledgeDiagnostic(
            .error, file: file, line: lineNumber(),
            "the end line's counts are not the file's (\(detail)): it may have been cut short or edited (\(fix))")
    }
}
