import Foundation
import Testing

@testable import OpenDoorKit

/// Round 28 (s28-safety): an exclusion that gives a check-in instead of silence (`check_in:`), and the lint warning for a
/// misspelling written into a pattern.
@Suite("Safety round 28: exclusions with a check-in, misspelled pattern words")
struct SafetyRoundTwentyEightTests {
    static let yaml = """
        check_in: "Are you having thoughts of ending your life? Call or text 988."
        lists:
          close: [ex, mom]
        exclusions:
          - match: "@close told me to *2 kys|die"
            unless: [i might]
          - match: "my ex|mom told me to *2 kys|die"
            unless: [i might]
            check_in: suicide
        history:
          - years ago
        categories:
          - id: suicide
            reply: "Call or text 988. Call 911 in an emergency."
            patterns:
              - kys
              - want to die
              - suicidal
            check:
              - sucidal thoughts
          - id: overdose
            reply: "Call 911 now. Call or text 988."
            patterns: [took all my pills]
        \(SafetyLoadingTests.otherCategories)
        """

    /// The same rules with the check-in exclusion first, so that it takes the words.
    static var checkingFirst: String {
        yaml.replacingOccurrences(
            of: """
                  - match: "@close told me to *2 kys|die"
                    unless: [i might]
                  - match: "my ex|mom told me to *2 kys|die"
                    unless: [i might]
                    check_in: suicide
                """,
            with: """
                  - match: "my ex|mom told me to *2 kys|die"
                    unless: [i might]
                    check_in: suicide
                  - match: "@close told me to *2 kys|die"
                    unless: [i might]
                """)
    }

    @Test("An exclusion with check_in: gives that category's check-in where it takes the words, and nothing more")
    func checkInExclusion() throws {
        let detector = CrisisDetector(rules: try SafetyRules.parse(yaml: Self.checkingFirst, file: "test.yaml"))
        let told = try #require(detector.assess("my ex told me to kys"))
        #expect(told.level == .check)
        #expect(told.category == .suicide)
        #expect(told.ruleID.isExclusionCheckIn)
        // A crisis said beside it is found on its own words, at its own level.
        #expect(detector.assess("my ex told me to kys and i took all my pills")?.level == .crisis)
        // Its unless keeps every word: the crisis pattern reads "kys".
        let agreeing = try #require(detector.assess("my ex told me to kys and i might"))
        #expect(agreeing.level == .crisis)
        #expect(!agreeing.ruleID.isExclusionCheckIn)
        // Told as history, it is excused like any finding.
        #expect(detector.assess("years ago my ex told me to kys") == nil)
    }

    @Test("A plain exclusion that takes the words first leaves no check-in")
    func plainExclusionFirst() throws {
        let detector = CrisisDetector(rules: try SafetyRules.parse(yaml: Self.yaml, file: "test.yaml"))
        #expect(detector.assess("my ex told me to kys") == nil)
        #expect(detector.assess("i want to die")?.level == .crisis)
    }

    @Test("check_in: names a category, and only exclusions have it")
    func checkInChecked() throws {
        let wrong = Self.yaml.replacingOccurrences(of: "check_in: suicide", with: "check_in: sadness")
        #expect(throws: KnowledgeError.self) { _ = try SafetyRules.parse(yaml: wrong, file: "test.yaml") }
        let misplaced = Self.yaml.replacingOccurrences(
            of: "      - want to die\n", with: "      - match: want to die\n        check_in: suicide\n")
        #expect(throws: KnowledgeError.self) { _ = try SafetyRules.parse(yaml: misplaced, file: "test.yaml") }
    }

    @Test("lint names a pattern word one slip from a crisis word written beside it, not a word's other forms")
    func misspelledPatternWords() throws {
        // Round 29: only a slip written as an alternative of the word it misspells counts ("im suicidal|sucidal");
        // "sucidal thoughts" alone, "snort|short" (used alike, both real) and "pill|pills" (a form) are not named.
        let rules = try SafetyRules.parse(
            yaml: Self.yaml.replacingOccurrences(
                of: "      - suicidal\n",
                with: "      - suicidal\n      - im suicidal|sucidal\n      - feel suicidal\n      - pill|pills bottle\n"
                    + "      - snort|short it\n"),
            file: "test.yaml")
        let warnings = rules.misspelledPatternWords()
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("“sucidal”") == true)
        #expect(warnings.first?.severity == .warning)
        #expect(SafetyRules.oneEditBeforeLastLetter(Array("sucidal".utf8), Array("suicidal".utf8)))
        #expect(SafetyRules.oneEditBeforeLastLetter(Array("suicdial".utf8), Array("suicidal".utf8)))
        #expect(!SafetyRules.oneEditBeforeLastLetter(Array("pill".utf8), Array("pills".utf8)))
        #expect(!SafetyRules.oneEditBeforeLastLetter(Array("overdose".utf8), Array("overdosed".utf8)))
    }
}
