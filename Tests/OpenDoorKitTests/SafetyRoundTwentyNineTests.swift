import Foundation
import Testing

@testable import OpenDoorKit

/// Round 29 (s29-safety): where a counselor's added line goes in a safety reply, and the lint warning that names only a
/// slip written beside the word it misspells. The conversations are in Knowledge/conversations/s29-safety.yaml.
@Suite("Safety round 29: added lines, misspellings written beside their word")
struct SafetyRoundTwentyNineTests {
    @Test("the Veterans Crisis Line goes after the line with 988; distance from a gun before the closing line")
    func insertedLines() {
        let reply = "Please call or text 988 now.\nSAMHSA: 1-800-662-4357.\nI’m still here."
        #expect(
            Conversation.inserting("VCL", afterLineWith: "988", in: reply)
                == "Please call or text 988 now.\nVCL\nSAMHSA: 1-800-662-4357.\nI’m still here.")
        #expect(
            Conversation.inserting("Distance", beforeLastLineOf: reply)
                == "Please call or text 988 now.\nSAMHSA: 1-800-662-4357.\nDistance\nI’m still here.")
        #expect(Conversation.inserting("VCL", afterLineWith: "988", in: "Call 988 now.") == "Call 988 now.\nVCL")
        #expect(Conversation.inserting("Distance", beforeLastLineOf: "Call 988.") == "Call 988.\nDistance")
    }

    @Test("lint: a slip beside its word is named; the same slip in a pattern of its own, forms and real words are not")
    func misspellingsBesideTheirWord() throws {
        let yaml = SafetyRoundTwentyEightTests.yaml.replacingOccurrences(
            of: "      - suicidal\n",
            with: "      - suicidal\n      - feel suicidal\n      - overdose|overdoes|overdosed now\n"
                + "      - took an overdose\n      - cancelled|canceled plans\n")
        let rules = try SafetyRules.parse(yaml: yaml, file: "test.yaml")
        let warnings = rules.misspelledPatternWords(realWords: ["cancelled", "canceled"])
        #expect(warnings.map(\.message).contains { $0.contains("“overdoes”") })
        // "sucidal thoughts" is a pattern of its own, "overdosed" a form, "cancelled" a real word.
        #expect(warnings.count == 1)
    }
}
