import Testing

@testable import OpenDoorKit

/// What the callback form reads in a line (QA18 V7, V12, V13): the clauses a line with a phone number splits into,
/// a number spelled out in words, and a bare "skip" at the consent question.
@Suite("QA18: details in one line, spelled numbers, skip")
struct FormDetailQA18Tests {
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    @Test(
        "A phone number and “and my…” end a clause, so what is around them is read on its own",
        arguments: [
            ("my name is jo and my number is 404-555-3434 call me evenings", ["my name is jo", "my number is", "call me evenings"]),
            ("its (470) 555 0123 after 6 works", ["its", "after 6 works"]),
            ("mornings and weekends", ["mornings and weekends"]),
            ("call me at 4045551234", ["call me at"]),
        ])
    func detailClauses(_ line: String, _ clauses: [String]) {
        #expect(Conversation.detailClauses(of: line) == clauses, "“\(line)”")
    }

    @Test(
        "A number spelled out in words is read, with “oh” for zero",
        arguments: [
            ("seven oh six five five five one two three four", "7065551234"),
            ("four oh four five five five two two one one", "4045552211"),
            ("its 404 five five five 0199", "4045550199"),
        ])
    func spelled(_ said: String, _ digits: String) {
        #expect(Self.answers.spelledDigits(in: said) == digits, "“\(said)”")
    }

    @Test("Only a bare skip is “not now” at the consent question", arguments: [
        ("skip", true), ("just skip it", true), ("pass", true), ("skip for now", true),
        ("skip the name", false), ("no name", false), ("yes but skip my name", false), ("ok", false),
    ])
    func onlySkip(_ said: String, _ expected: Bool) {
        #expect(Conversation.onlySkip(said) == expected, "“\(said)”")
    }
}
