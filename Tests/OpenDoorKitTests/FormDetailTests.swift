import Testing

@testable import OpenDoorKit

/// What the callback form keeps of a visitor's words (QA16 B7, B12): the time part of a best time, and the name
/// in an answer that also says how the caller is related to someone.
@Suite("The callback form keeps what was meant")
struct FormDetailTests {
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    @Test(
        "Only the time part of a best time is kept",
        arguments: [
            ("wait actually make it after 7pm", "after 7pm"), ("fuck off with the questions. just call me whenever", "whenever"),
            ("mornings are better", "mornings"), ("ugh fine, mornings i guess", "mornings"),
            ("honestly any time after 3 is good", "any time after 3"), ("dont call before noon", "dont call before noon"),
            ("after 5 on weekdays", "after 5 on weekdays"), ("sorry im driving. after 5 on weekdays", "after 5 on weekdays"),
            ("evenings only please", "evenings only"), ("mon-fri 9-5", "mon-fri 9-5"), ("between 2 and 4 pm", "between 2 and 4 pm"),
            ("not mornings, afternoon is better", "not mornings, afternoon"), ("call me tmrw after work", "tmrw after work"),
            ("as soon as possible pls", "as soon as possible"), ("after 7 p.m. if thats ok", "after 7 pm"),
        ])
    func timePart(_ said: String, _ kept: String) {
        #expect(TimeAnswer.timePart(of: said, words: Self.answers) == kept, "“\(said)”")
    }

    @Test("No time part when no word says a time on its own", arguments: ["whatever", "i dont care", "no preference", "idk"])
    func noTimePart(_ said: String) {
        #expect(TimeAnswer.timePart(of: said, words: Self.answers) == nil, "“\(said)”")
    }

    @Test(
        "A relation is not a name",
        arguments: [
            ("its his mom, maria", "maria"), ("his mom maria", "maria"), ("this is maria his mom", "maria"),
            ("im her dad, Rob", "Rob"), ("my name is Ana", "Ana"), ("its Jo btw", "Jo"), ("sam", "sam"),
        ])
    func relation(_ answer: String, _ name: String) {
        #expect(Self.answers.name(in: answer) == name, "“\(answer)”")
    }

    @Test("A relation alone is no name", arguments: ["its his mom", "his mother", "the mom"])
    func relationOnly(_ answer: String) {
        #expect(Self.answers.name(in: answer) == nil, "“\(answer)”")
    }

    @Test(
        "How a name was introduced",
        arguments: [
            ("my name is ana", StepAnswer.NameAnswer.Introduction.plain), ("i go by dre", .plain), ("its ana", .loose),
            ("im down", .bare), ("ana", .bare),
        ])
    func introduced(_ answer: String, _ expected: StepAnswer.NameAnswer.Introduction) {
        #expect((Self.answers.nameAnswer(in: answer)?.introduced ?? .bare) == expected, "“\(answer)”")
    }
}
