import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// QA23 O5 and O6: safety.yaml ends with a line counting each category's patterns, so that a copy cut short in its
/// last category is refused (it parsed and loaded silently before); and a model file padded with trailing spaces
/// loads, and a damaged one says so in a screen.
@Suite("Safety file end line and model file errors (QA23 O5, O6)")
struct SafetyFileSealTests {
    static let rulesURL = RepositoryFiles.knowledgeDirectory.appendingPathComponent("safety.yaml")

    /// A folder holding `text` as safety.yaml (no model, no center.yaml).
    static func withCopy<T>(_ text: String, _ body: (URL) throws -> T) throws -> T {
        let folder = RepositoryFiles.temporaryDirectory("safety-seal")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("safety.yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return try body(url)
    }

    @Test("the shipped file's end line is right")
    func shippedIsSealed() throws {
        let (text, rules, _) = try SafetyFileSeal.read(Self.rulesURL)
        #expect(SafetyFileSeal.problem(in: text, rules: rules, file: "safety.yaml") == nil)
        #expect(SafetyFileSeal.sealed(text, rules: rules) == text, "sealing again changes nothing")
    }

    @Test("a copy cut inside the last category's patterns is refused at its last line, with what to do")
    func cutShort() throws {
        let text = try String(contentsOf: Self.rulesURL, encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        let danger = try #require(lines.firstIndex { $0.hasPrefix("  - id: danger") })
        // QA23 s3.py 2625: three lines into the "danger" patterns, and a few more places further on.
        for cut in [danger + 9, danger + 60, lines.count - 6] {
            let short = lines.prefix(cut).joined(separator: "\n") + "\n"
            // It still parses: only the end line tells.
            #expect(throws: Never.self) { try SafetyRules.parse(yaml: short, file: "safety.yaml") }
            try Self.withCopy(short) { url in
                let error = try #require(throws: KnowledgeError.self) { try SafetyRules.load(from: url) }
                let diagnostic = try #require(error.diagnostics.first)
                #expect(diagnostic.message.contains("doesn't end with its “# end:"), "\(diagnostic)")
                #expect(diagnostic.message.contains("opendoor seal-safety"), "\(diagnostic)")
                #expect(diagnostic.line == cut, "\(diagnostic)")
            }
        }
    }

    @Test("a pattern lost (or added) without sealing is refused naming the category; sealing makes it load")
    func countsChecked() throws {
        let text = try String(contentsOf: Self.rulesURL, encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let danger = try #require(lines.firstIndex { $0.hasPrefix("  - id: danger") })
        let pattern = try #require(lines[danger...].firstIndex { $0.hasPrefix("      - ") && !$0.contains("match:") })
        lines.remove(at: pattern)
        let edited = lines.joined(separator: "\n")
        try Self.withCopy(edited) { url in
            let error = try #require(throws: KnowledgeError.self) { try SafetyRules.load(from: url) }
            let diagnostic = try #require(error.diagnostics.first)
            #expect(diagnostic.message.contains("“danger” has"), "\(diagnostic)")
            let (read, rules, _) = try SafetyFileSeal.read(url)
            try SafetyFileSeal.sealed(read, rules: rules).write(to: url, atomically: true, encoding: .utf8)
            let sealed = try SafetyRules.load(from: url)
            #expect(sealed.categories.count == rules.categories.count)
        }
    }

    @Test("rules merged in after the end line: refused, then sealing moves the line last, counting them")
    func mergedAfterEnd() throws {
        let text = try String(contentsOf: Self.rulesURL, encoding: .utf8)
        let merged = text + "      - zebracorn stampede plan tonight\n"
        try Self.withCopy(merged) { url in
            #expect(throws: KnowledgeError.self) { try SafetyRules.load(from: url) }
            let (read, rules, _) = try SafetyFileSeal.read(url)
            let sealed = SafetyFileSeal.sealed(read, rules: rules)
            #expect(sealed.components(separatedBy: "\n").filter { $0.hasPrefix(SafetyFileSeal.marker) }.count == 1)
            try sealed.write(to: url, atomically: true, encoding: .utf8)
            let loaded = try SafetyRules.load(from: url)
            let shipped = try SafetyRules.load(from: Self.rulesURL)
            // The last category's last list (its check-in patterns) holds one more.
            let count = { (rules: SafetyRules) in rules.categories.last.map { $0.patterns.count + $0.checkPatterns.count } }
            #expect(count(loaded) == count(shipped).map { $0 + 1 })
        }
    }

    @Test("a CRLF copy loads; sealing keeps its line ends")
    func crlf() throws {
        let text = try String(contentsOf: Self.rulesURL, encoding: .utf8).replacingOccurrences(of: "\n", with: "\r\n")
        try Self.withCopy(text) { url in
            _ = try SafetyRules.load(from: url)
            let (read, rules, _) = try SafetyFileSeal.read(url)
            #expect(SafetyFileSeal.sealed(read, rules: rules) == text)
        }
    }

    @Test("a model file padded with trailing spaces loads as the clean one")
    func modelTrailingSpaces() throws {
        let url = RepositoryFiles.knowledgeDirectory.appendingPathComponent("safety-model.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let clean = try SafetyModel.parse(text, file: "safety-model.tsv")
        let padded = text.components(separatedBy: "\n").map { $0.isEmpty ? $0 : $0 + "  \t " }.joined(separator: "\n")
        let model = try SafetyModel.parse(padded, file: "safety-model.tsv")
        #expect(model.featureCount == clean.featureCount)
        #expect(model.scores(of: "i want to kill myself").check == clean.scores(of: "i want to kill myself").check)
    }

    @Test("a model file damaged on every line reports its first problems and counts the rest")
    func modelProblemsCapped() throws {
        let url = RepositoryFiles.knowledgeDirectory.appendingPathComponent("safety-model.tsv")
        let text = try String(contentsOf: url, encoding: .utf8)
        let damaged = text.replacingOccurrences(of: "\t", with: " ")
        let error = try #require(throws: KnowledgeError.self) { try SafetyModel.parse(damaged, file: "safety-model.tsv") }
        #expect(error.diagnostics.count == SafetyModel.maximumProblems + 1, "\(error.diagnostics.count)")
        #expect(error.diagnostics.last?.message.contains("more problem(s)") == true, "\(error.diagnostics.last!)")
    }
}
