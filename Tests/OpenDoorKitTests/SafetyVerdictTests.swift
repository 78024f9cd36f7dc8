import Foundation
@testable import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// Every verdict of the crisis check (level, category, rule, note, denial) on a fixed sample, so that work on the
/// check's speed can't change what it decides.
///
/// The sample and its verdicts are in `Tests/Fixtures/safety-verdicts/verdicts.tsv`, judged by a copy of the rules
/// (`rules.yaml` beside it) so that editing `Knowledge/safety.yaml` doesn't touch this test: it watches the engine
/// (tokenizer, loader, index, sentence logic), not the rules. After a deliberate change of what the engine
/// decides, write the file again from the shipped corpora and review the diff:
///
///     OPENDOOR_WRITE_SAFETY_VERDICTS=1 swift test --skip-build --filter SafetyVerdictTests
enum SafetyVerdicts {
    static let folder = RepositoryFiles.path("Tests/Fixtures/safety-verdicts")
    static let rulesURL = folder.appendingPathComponent("rules.yaml")
    static let verdictsURL = folder.appendingPathComponent("verdicts.tsv")

    /// What the check decides about `message`: `level category (rule) — note`, or `none`; then whether it is a denial.
    static func verdict(of message: String, index: SafetyIndex) -> String {
        verdict(index.evaluate(message).crisis, index.evaluate(message, wholeMessageDenial: true).denial)
    }

    static func verdict(_ crisis: CrisisAssessment?, _ denial: Bool) -> String {
        (crisis?.description ?? "none") + "\t" + (denial ? "denial" : "-")
    }

    /// A message on one line of a TSV file: backslash, tab and line breaks escaped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    static func unescape(_ text: Substring) -> String {
        var result = ""
        var escaping = false
        for character in text.unicodeScalars {
            if escaping {
                switch character {
                case "t": result += "\t"
                case "n": result += "\n"
                case "r": result += "\r"
                default: result.unicodeScalars.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// The last column of every line of a TSV file that isn't blank or a comment.
    static func messages(inTSV url: URL) throws -> [String] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
            .compactMap { $0.split(separator: "\t", omittingEmptySubsequences: false).last.map(String.init) }
    }

    /// The sample: half the development corpus, every tenth intent example, a quarter of the visitor messages,
    /// messages made of several corpus lines (sentences, run-on lines, stories told around a crisis) and the
    /// benchmark's worst-case lines.
    static func sample() throws -> [String] {
        let corpus = try messages(inTSV: RepositoryFiles.path("Knowledge/eval/safety.tsv"))
        let examples = ShippedKnowledge.knowledge.intents.flatMap(\.examples)
        let visitors = try messages(inTSV: RepositoryFiles.path("Knowledge/eval/visitors.tsv"))
        var sample = corpus.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
        sample += examples.enumerated().filter { $0.offset % 10 == 0 }.map(\.element)
        sample += visitors.enumerated().filter { $0.offset % 4 == 0 }.map(\.element)
        let separators = [". ", " ", "\n", "; ", ". that was years ago. "]
        for start in stride(from: 0, to: corpus.count - 4, by: 9) {
            let group = Array(corpus[start..<start + 1 + start % 4])
            sample.append(group.joined(separator: separators[(start / 9) % separators.count]))
        }
        sample += SafetyBenchmark.worstCaseMessages
        return sample
    }
}

@Suite("Safety verdicts (the engine decides as before)")
struct SafetyVerdictTests {
    @Test("Every verdict on the sample is the one recorded")
    func recordedVerdicts() throws {
        let rules = try SafetyRules.load(from: SafetyVerdicts.rulesURL)
        let index = SafetyIndex(rules: rules)
        if ProcessInfo.processInfo.environment["OPENDOOR_WRITE_SAFETY_VERDICTS"] == "1" {
            let lines = try SafetyVerdicts.sample().map { message in
                SafetyVerdicts.verdict(of: message, index: index) + "\t" + SafetyVerdicts.escape(message)
            }
            try (lines.joined(separator: "\n") + "\n").write(
                to: SafetyVerdicts.verdictsURL, atomically: true, encoding: .utf8)
            return
        }
        let recorded = try String(contentsOf: SafetyVerdicts.verdictsURL, encoding: .utf8)
            .split(separator: "\n")
        #expect(recorded.count > 1_000)
        var changed: [String] = []
        for line in recorded {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            try #require(fields.count == 3, "malformed line: \(line)")
            let message = SafetyVerdicts.unescape(fields[2])
            let now = SafetyVerdicts.verdict(of: message, index: index)
            let before = fields[0] + "\t" + fields[1]
            if now != before { changed.append("\(before) → \(now): \(fields[2].prefix(120))") }
        }
        #expect(changed.isEmpty, "\(changed.count) verdicts changed:\n\(changed.prefix(20).joined(separator: "\n"))")
    }

    @Test("The detector gives the index's verdicts (assess, isDenial)")
    func detectorAgrees() throws {
        let rules = try SafetyRules.load(from: SafetyVerdicts.rulesURL)
        let detector = CrisisDetector(rules: rules)
        let index = SafetyIndex(rules: rules)
        for message in try SafetyVerdicts.messages(inTSV: RepositoryFiles.path("Knowledge/eval/safety.tsv")).prefix(300) {
            let found = index.evaluate(message).crisis
            let assessed = detector.assess(message)
            if assessed?.note == CrisisDetector.acrossSentencesNote {
                // A check-in raised to the crisis reply by reading the message's sentences as one.
                #expect(found?.level == .check && assessed?.level == .crisis)
            } else {
                #expect(assessed == found)
            }
            #expect(detector.isDenial(message) == index.evaluate(message, wholeMessageDenial: true).denial)
        }
    }

    /// Not a test: with `OPENDOOR_SAFETY_VERDICT_DUMP=path`, writes the verdict of every message of the shipped
    /// corpora (development part, intents' examples, visitor messages) and of the TSV files listed in
    /// `OPENDOOR_SAFETY_VERDICT_FILES` (colon-separated), judged by the shipped rules, to compare two versions.
    @Test(
        "Dump every verdict (only with OPENDOOR_SAFETY_VERDICT_DUMP)",
        .enabled(if: ProcessInfo.processInfo.environment["OPENDOOR_SAFETY_VERDICT_DUMP"] != nil))
    func dump() throws {
        let environment = ProcessInfo.processInfo.environment
        let output = try #require(environment["OPENDOOR_SAFETY_VERDICT_DUMP"])
        let index = SafetyIndex(rules: try SafetyRules.load(from: RepositoryFiles.path("Knowledge/safety.yaml")))
        var files = [RepositoryFiles.path("Knowledge/eval/safety.tsv"), RepositoryFiles.path("Knowledge/eval/visitors.tsv")]
        files += (environment["OPENDOOR_SAFETY_VERDICT_FILES"] ?? "").split(separator: ":").map {
            URL(fileURLWithPath: String($0))
        }
        var messages: [String] = []
        for file in files { messages += try SafetyVerdicts.messages(inTSV: file) }
        messages += ShippedKnowledge.knowledge.intents.flatMap(\.examples) + SafetyBenchmark.worstCaseMessages
        let lines = messages.map { SafetyVerdicts.verdict(of: $0, index: index) + "\t" + SafetyVerdicts.escape($0) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
    }
}
