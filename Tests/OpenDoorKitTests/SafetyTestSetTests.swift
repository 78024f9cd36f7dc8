import Foundation
import OpenDoorKit
import Testing

/// One labeled message of `Knowledge/eval/safety.tsv`.
struct SafetyEvalCase: Sendable, CustomTestStringConvertible {
    /// The expected category; nil for a look-alike labeled `none`.
    var label: CrisisCategory?
    /// The message as a visitor would type it.
    var message: String
    /// Its line in the file.
    var line: Int

    var testDescription: String { "\(label?.rawValue ?? "none") (line \(line)): \(message)" }
}

/// The shipped safety rules and test set, found from this file's path.
enum SafetyFixtures {
    /// The repository's root: this file is `Tests/OpenDoorKitTests/…`.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// `Knowledge/safety.yaml`.
    static let rulesURL = root.appendingPathComponent("Knowledge/safety.yaml")
    /// `Knowledge/eval/safety.tsv`.
    static let testSetURL = root.appendingPathComponent("Knowledge/eval/safety.tsv")

    private static let loaded = Result { CrisisDetector(rules: try SafetyRules.load(from: rulesURL)) }

    /// The detector over the shipped rules, built once.
    static func detector() throws -> CrisisDetector { try loaded.get() }

    /// Every labeled line of the test set, plus the lines that could not be read.
    static let testSet: (cases: [SafetyEvalCase], malformed: [String]) = {
        guard let text = try? String(contentsOf: testSetURL, encoding: .utf8) else {
            return ([], ["cannot read \(testSetURL.path)"])
        }
        var cases: [SafetyEvalCase] = []
        var malformed: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2, !parts[1].trimmingCharacters(in: .whitespaces).isEmpty else {
                malformed.append("line \(index + 1): expected LABEL<TAB>message")
                continue
            }
            let label = String(parts[0])
            if label != "none" && CrisisCategory(rawValue: label) == nil {
                malformed.append("line \(index + 1): unknown label \(label)")
                continue
            }
            cases.append(SafetyEvalCase(label: CrisisCategory(rawValue: label), message: String(parts[1]), line: index + 1))
        }
        return (cases, malformed)
    }()

    /// The crisis messages of the test set.
    static var crisisCases: [SafetyEvalCase] { testSet.cases.filter { $0.label != nil } }
    /// The look-alikes of the test set.
    static var noneCases: [SafetyEvalCase] { testSet.cases.filter { $0.label == nil } }
}

@Suite("Safety test set (Knowledge/eval/safety.tsv)")
struct SafetyTestSetTests {
    @Test("The test set is well formed and large enough")
    func shape() {
        #expect(SafetyFixtures.testSet.malformed.isEmpty, "\(SafetyFixtures.testSet.malformed)")
        #expect(SafetyFixtures.crisisCases.count >= 100)
        #expect(SafetyFixtures.noneCases.count >= 50)
        for category in CrisisCategory.allCases {
            #expect(SafetyFixtures.crisisCases.filter { $0.label == category }.count >= 10, "few \(category) cases")
        }
    }

    @Test("Every crisis message is caught", arguments: SafetyFixtures.crisisCases)
    func crisisIsCaught(_ testCase: SafetyEvalCase) throws {
        let detector = try SafetyFixtures.detector()
        #expect(detector.assess(testCase.message) != nil, "missed: \(testCase.message)")
    }

    @Test("Recall is 100% and false alarms are at most 3%")
    func recallAndFalseAlarms() throws {
        let detector = try SafetyFixtures.detector()
        let crisis = SafetyFixtures.crisisCases
        let none = SafetyFixtures.noneCases
        let misses = crisis.filter { detector.assess($0.message) == nil }
        let falseAlarms = none.compactMap { testCase in detector.assess(testCase.message).map { (testCase, $0) } }
        let otherCategory = crisis.compactMap { testCase -> String? in
            guard let found = detector.assess(testCase.message), found.category != testCase.label else { return nil }
            return "  \(testCase.label!) → \(found.category) [\(found.ruleID)]: \(testCase.message)"
        }
        let recall = Double(crisis.count - misses.count) / Double(crisis.count)
        let falseAlarmRate = Double(falseAlarms.count) / Double(none.count)
        print(
            """
            Safety test set: \(crisis.count) crisis, \(none.count) look-alikes
              recall \(percent(recall)) (\(misses.count) missed), false alarms \(percent(falseAlarmRate)) \
            (\(falseAlarms.count)), right category \(crisis.count - misses.count - otherCategory.count)/\(crisis.count)
            """)
        for miss in misses { print("  MISSED line \(miss.line) [\(miss.label!)]: \(miss.message)") }
        for (testCase, found) in falseAlarms {
            print("  FALSE ALARM line \(testCase.line) [\(found.ruleID)]: \(testCase.message)")
        }
        if !otherCategory.isEmpty { print("  Caught under another category:\n" + otherCategory.joined(separator: "\n")) }
        #expect(misses.isEmpty)
        #expect(falseAlarmRate <= 0.03)
    }

    @Test("assess takes a few microseconds per message")
    func timing() throws {
        let detector = try SafetyFixtures.detector()
        let messages = SafetyFixtures.testSet.cases.map(\.message)
        var found = 0
        for message in messages where detector.assess(message) != nil { found += 1 }  // warm up
        var perMessage: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<15 {
            let elapsed = clock.measure {
                for message in messages where detector.assess(message) != nil { found += 1 }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            perMessage.append(seconds * 1e6 / Double(messages.count))
        }
        perMessage.sort()
        let median = perMessage[perMessage.count / 2]
        print("assess: median \(String(format: "%.2f", median)) µs per message over \(messages.count) messages")
        #expect(found > 0)
        // Only catches a pathological slowdown: generous enough for a debug build on a busy 2-core machine.
        #if DEBUG
            #expect(median < 2_000)
        #else
            #expect(median < 100)
        #endif
    }

    private func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}
