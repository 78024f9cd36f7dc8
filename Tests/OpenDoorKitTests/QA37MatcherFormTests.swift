import Foundation
import Testing

@testable import OpenDoorKit

/// QA37's matcher and form findings, by kind, in lines of our own (session 30, s30-qa37m): a worried question about
/// being turned away never opens with the feared "Yes." (S2-2), a nurse's own work is no staff word (S2-3), and an
/// extension said in words is read as its digits (S2-4).
@Suite("QA37: polar openings by cause, a nurse's board, extensions in words")
struct QA37MatcherFormTests {
    private static var polar: PolarOpening { Fixtures.knowledge.vocabulary.polarOpening }
    private static let answer = "Yes. It’s more common than you think."
    private static let rest = "It’s more common than you think."

    private static func fitted(_ message: String) -> String {
        polar.fitted(answer, to: TextNormalizer.words(TextNormalizer.normalize(message)))
    }

    @Test(
        "The feared outcome asked of “it” or of “they”: “No.” when a question word opens it, never “Yes.”",
        arguments: [
            ("would they kick me out for leaving", "No. "), ("is it weird to come back after 2 years", "No. "),
            ("would it be strange to come back after so long", "No. "), ("is it awkward to show up again", "No. "),
            ("would it be wierd to rejoin", "No. "), ("is that weird, coming back after a year", "No. "),
            ("is it bad to come back after ghosting", "No. "), ("will it be awkward if i come back", ""),
            ("are they gonna kick me out if i come back", "No. "),
        ])
    func fearedOutcome(_ message: String, opening: String) {
        #expect(Self.fitted(message) == opening + Self.rest, "“\(message)”")
    }

    @Test(
        "A strange word told of something else turns nothing",
        arguments: [
            "my old group was weird but can i come back", "that was awkward. can i rejoin",
            "the intake lady was kind of odd, can i still come back", "can i come back",
        ])
    func strangeWordToldKeepsYes(_ message: String) {
        #expect(Self.fitted(message) == Self.answer, "“\(message)”")
    }

    @Test("“nurse” is no staff word: the nursing board is not the staff")
    func nurseIsNoStaff() {
        let matcher = Fixtures.matcher
        let explained = matcher.match("i am a nurse. if i come back will the center report me to the board of nursing?")
        #expect(explained.decision != .answer("faq_same_staff"))
        #expect(matcher.match("is the same nurse still there").decision == .answer("faq_same_staff"))
    }

    private static var answers: StepAnswer { StepAnswer(Fixtures.knowledge.dialogue) }

    @Test(
        "An extension after a number, in words or digits: the text before it and its digits",
        arguments: [
            ("four seven zero five five five zero one two three extension twelve", "12"),
            ("470 555 0123 ext twelve", "12"), ("470-555-0123 extension one two", "12"),
            ("470 555 0123, then press 3", "3"), ("four seven oh five five five oh one two three ext 5", "5"),
            ("706 555 0142 extension twenty three", "23"), ("706 555 0142 ext forty", "40"),
            ("706 555 0142 extension two oh four please", "204"),
        ] as [(String, String)])
    func spokenExtension(_ message: String, _ digits: String) {
        #expect(Self.answers.spokenExtension(in: message)?.digits == digits, "“\(message)”")
    }

    @Test(
        "No extension without a marker and a number after it",
        arguments: ["470 555 0123 after 5", "470 555 0123", "extension twelve", "470 555 0123 press the button",
                    "470 555 0123 ext 1234567"])
    func noSpokenExtension(_ message: String) {
        #expect(Self.answers.spokenExtension(in: message) == nil, "“\(message)”")
    }
}
