import Foundation
import OpenDoorKit
import Testing

/// The shipped safety rules and corpora, found from this file's path.
enum SafetyFixtures {
    /// The repository's root: this file is `Tests/OpenDoorKitTests/…`.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `Knowledge/safety.yaml`.
    static let rulesURL = root.appendingPathComponent("Knowledge/safety.yaml")
    /// `Knowledge/eval/safety.tsv`: the development part, read while writing the rules.
    static let testSetURL = root.appendingPathComponent("Knowledge/eval/safety.tsv")
    /// `Knowledge/eval/safety-blind.tsv`: written by someone who never saw the rules; scored, never read.
    static let blindSetURL = root.appendingPathComponent("Knowledge/eval/safety-blind.tsv")

    private static let loaded = Result { CrisisDetector(rules: try SafetyRules.load(from: rulesURL)) }

    /// The detector over the shipped rules, built once.
    static func detector() throws -> CrisisDetector { try loaded.get() }

    /// The development part.
    static let testSet = Result { try SafetyEvalSet.load(from: testSetURL) }

    /// The crisis messages of the development part.
    static var crisisCases: [SafetyEvalSet.Item] {
        ((try? testSet.get())?.items ?? []).filter { $0.category != nil }
    }
}

@Suite("Safety corpus (Knowledge/eval/safety.tsv and safety-blind.tsv)")
struct SafetyTestSetTests {
    @Test("Both parts are well formed, and together hold at least 600 crises and 600 look-alikes")
    func shape() throws {
        let development = try SafetyFixtures.testSet.get()
        let blind = try SafetyEvalSet.load(from: SafetyFixtures.blindSetURL)
        let all = development.items + blind.items
        #expect(all.filter { $0.category != nil }.count >= 600)
        #expect(all.filter { $0.category == nil }.count >= 600)
        for category in CrisisCategory.allCases {
            #expect(development.items.filter { $0.category == category }.count >= 50, "few \(category) messages")
        }
    }

    @Test("The first-generation messages are all still caught, at the crisis level")
    func legacyCaught() throws {
        let detector = try SafetyFixtures.detector()
        let legacy = SafetyFixtures.crisisCases.filter { $0.style == "legacy" }
        #expect(legacy.count > 100)
        let misses = legacy.filter { detector.assess($0.text) == nil }
        #expect(misses.isEmpty, "missed: \(misses.map(\.text))")
    }

    @Test("Development part: recall and false alarms stay at what this version reached")
    func developmentFigures() throws {
        let evaluation = SafetyEvaluation(detector: try SafetyFixtures.detector(), set: try SafetyFixtures.testSet.get())
        print("Safety development part: recall \(evaluation.recall), false alarms \(evaluation.falseAlarms)")
        // Floors of this version (the issue's are 100% and 2%); raise them as the rules improve. The rules alone
        // reach 98.1% (generation 8); the learned model can only add catches.
        #expect(evaluation.recall.rate >= 0.98)
        #expect(evaluation.falseAlarms.rate <= 0.01)
    }

    @Test("The ordinary visitor messages raise almost no alarm")
    func visitorMessages() throws {
        let text = try String(
            contentsOf: SafetyFixtures.root.appendingPathComponent("Knowledge/eval/visitors.tsv"), encoding: .utf8)
        let messages = text.split(separator: "\n").compactMap { line -> String? in
            guard !line.hasPrefix("#"), let tab = line.firstIndex(of: "\t") else { return nil }
            return String(line[line.index(after: tab)...])
        }
        let evaluation = SafetyEvaluation(detector: try SafetyFixtures.detector(), lookAlikes: messages)
        #expect(messages.count > 300)
        #expect(evaluation.falseAlarms.rate <= 0.01, "\(evaluation.falseAlarms)")
    }

    @Test("A malformed corpus line is an error with its line number")
    func malformed() {
        let text = "suicide\tcrisis\texplicit\ti want to die\nsuicide\tnone\texplicit\tmixed up\nfoo\tcheck\tx\ty\n"
        #expect(throws: KnowledgeError.self) { try SafetyEvalSet.parse(text, name: "t.tsv") }
        do {
            _ = try SafetyEvalSet.parse(text, name: "t.tsv")
        } catch {
            #expect(error.diagnostics.map(\.line) == [2, 3])
        }
    }

    @Test("Worst-case lines of 4,000 bytes are checked, and a buried crisis at the end of one is still found")
    func longLines() throws {
        let detector = try SafetyFixtures.detector()
        for message in SafetyBenchmark.worstCaseMessages { _ = detector.assess(message) }
        let long = String(repeating: "is intake still on mondays and ", count: 120) + "i want to kill myself"
        #expect(long.utf8.count > 3_000)
        #expect(detector.assess(long)?.level == .crisis)
    }
}
