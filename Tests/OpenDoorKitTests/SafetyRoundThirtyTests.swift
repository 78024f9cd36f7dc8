import Foundation
import Testing

@testable import OpenDoorKit

/// Round 30 (s30-qa36s, the lead's list after QA36): a "no" to the danger check-in keeps 911 and the hotline, someone
/// else's suicide beside a danger only when the visitor isn't the one speaking of themselves, check-in answers read
/// with the "no" they start with, and the center's copy fitted after a loss or a medication question. The
/// conversations are in Knowledge/conversations/s30-qa36s.yaml.
@Suite("Safety round 30: danger no, someone else beside a danger, check-in answers, copy after a loss")
struct SafetyRoundThirtyTests {
    private static let answers = CheckInAnswerTests.answers

    private func conversation() -> Conversation { AfterCrisisTests().conversation() }

    private func say(_ messages: [String], to conversation: inout Conversation) -> Reply {
        var last = Reply(text: "", intent: .fallback, source: "")
        for message in messages { last = CheckInTests().reply(conversation.receive(message)) }
        return last
    }

    @Test(
        "A plain no, then an everyday reason, closes the question about suicide; 'im not just tired' alone doubts",
        arguments: [
            ("no im not just tired", StepAnswer.CheckInReading.reassuring),
            ("nah i am not just tired", .reassuring),
            ("nah im good just tired", .reassuring),
            ("no, just exhausted from work", .reassuring),
            ("no not really, just tired", .reassuring),
            ("no not really", .reassuring),
            ("im not just tired", .worrying),
            ("no... not really", .unclear),
            ("not really…", .unclear),
            ("no but sometimes i wish i wasnt here", .worrying),
        ])
    func checkInAnswers(_ message: String, _ reading: StepAnswer.CheckInReading) {
        #expect(Self.answers.checkIn(message, worrying: .yes) == reading, "“\(message)”")
    }

    @Test("To 'are you safe right now?', 'not really' is still worrying, with or without a pause")
    func hedgeToAreYouSafe() {
        #expect(Self.answers.checkIn("not really", worrying: .no) == .worrying)
        #expect(Self.answers.checkIn("no... not really", worrying: .no) == .worrying)
    }

    @Test(
        "A 'no' to the danger check-in keeps 911 and the domestic violence hotline in view",
        arguments: ["no", "nope im fine", "no im ok for now"])
    func dangerNo(_ answer: String) {
        var chat = conversation()
        let question = say(["he checks my phone and says if i go back im done"], to: &chat)
        #expect(question.intent == .crisisCheck && question.text.contains("1-800-799-7233"))
        #expect(!question.text.contains("ending your life"))
        let reply = say([answer], to: &chat)
        #expect(!reply.crisis, "“\(answer)”: a no gets no emergency card")
        #expect(reply.text.contains("911") && reply.text.contains("1-800-799-7233"), "“\(answer)”")
    }

    @Test(
        "Beside a danger, the visitor's own words are theirs; someone else's told to the visitor are someone else's",
        arguments: [
            ("he checks my phone and i just want to disappear", false),
            ("my son locked himself in his room and texted me he wants to die", true),
            ("my son locked himself in his room and said he wants to die", true),
        ])
    func someoneElseBesideDanger(_ message: String, _ otherPerson: Bool) {
        var chat = conversation()
        let reply = say([message], to: &chat)
        #expect(reply.crisis, "“\(message)”")
        #expect(reply.text.contains("worried about someone") == otherPerson, "“\(message)”")
    }

    @Test("After a loss told, the copy never tells the visitor what they thought (QA36 S3-1)")
    func noPresumedThoughtsAfterLoss() {
        var chat = conversation()
        let reply = say(
            ["my best friend killed himself last month. he was in the group with me. i havent been back since"], to: &chat)
        #expect(reply.text.contains("sorry for your loss"))
        #expect(!reply.text.contains("You told yourself"))
    }

    @Test(
        "Poison Control comes with a medication answer only when too much or a double dose is told (QA36 S3-6)",
        arguments: [
            ("can i get suboxone there", false), ("will my meds be the same, i was on vivitrol", false),
            ("how much tylenol is too much", true),
        ])
    func poisonControl(_ message: String, _ given: Bool) {
        var chat = conversation()
        let reply = say([message], to: &chat)
        #expect(reply.text.contains("Poison Control") == given, "“\(message)”")
    }
}
