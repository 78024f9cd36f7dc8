import Foundation
import Testing

@testable import OpenDoorKit

/// QA21: clock times at the time step, crisis words said in the middle of a request ("send it. i took all my
/// pills"), two numbers, markup for a name. The conversation files hold the dialogue (Knowledge/conversations/qa21.yaml);
/// these check the readings under it.
@Suite("Session 19: QA21 form and crisis readings")
struct QA21FormAndCrisisTests {
    static var assistant: Assistant { ConversationTests.assistant }
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    /// The replies to `messages` after the welcome, and the drafts saved on the way (reference KMV-FD8).
    private static func run(_ messages: [String]) -> (replies: [Reply], saved: [CallbackDraft]) {
        FormQA20Tests.run(messages)
    }

    @Test(
        "A clock time with am or pm, or said by bedtime, is read in its half of the day and kept as said",
        arguments: [
            ("8:30 pm", BestTime.evening, "8:30 pm"), ("9.15am", .morning, "9:15am"), ("7:45 p.m.", .evening, "7:45 pm"),
            ("after 8:30", .evening, "after 8:30"), ("before bed", .evening, "before bed"),
            ("when the kids are in bed, 9:30", .evening, "when the kids are in bed, 9:30"),
            ("2:30", .afternoon, "2:30"),
        ])
    func clockTimes(_ message: String, _ expected: BestTime, _ said: String) {
        let time = TimeAnswer(message, options: [], words: Self.answers)
        #expect(time?.time == expected, "“\(message)”")
        #expect(time?.said == said, "“\(message)”")
    }

    @Test("A clock time that could be morning or evening is no answer: the visitor is asked which")
    func unclearHalves() {
        for message in ["8:30", "like 8:30", "around 830", "10:15"] {
            #expect(TimeAnswer.unclearHalf(message), "“\(message)”")
            #expect(TimeAnswer(message, options: [], words: Self.answers) == nil, "“\(message)”")
        }
        // The half given, a whole hour as before, and digits that may be part of a phone number are not asked about.
        for message in ["8:30 tonight", "8:30am", "around 10", "monday around 10", "555", "0123", "2:30", "4705550123"] {
            #expect(!TimeAnswer.unclearHalf(message), "“\(message)”")
        }
        #expect(TimeAnswer.clockPart(of: "like 8:30 i guess") == "8:30")
    }

    @Test("The answer to “in the morning or the evening?” gives the half of the day")
    func halfAnswers() {
        #expect(Conversation.halfOfDay("pm") == .evening)
        #expect(Conversation.halfOfDay("p.m.") == .evening)
        #expect(Conversation.halfOfDay("am") == .morning)
        #expect(Conversation.halfOfDay("at night") == .evening)
        #expect(Conversation.halfOfDay("morning please") == .morning)
        #expect(Conversation.halfOfDay("i am not sure") == nil)
    }

    @Test("A bare clock time is asked about, and the answer keeps the words with the half given")
    func askedHalf() throws {
        let run = Self.run(["call me", "yes", "Gia", "706 555 0160", "8:30", "evening", "no voicemail", "yes send it"])
        #expect(run.replies[4].state == .callbackTime)
        #expect(run.replies[4].text.contains("8:30 in the morning or the evening?"))
        let draft = try #require(run.saved.first)
        #expect(draft.bestTime == .evening)
        #expect(draft.bestTimeSaid == "8:30")
    }

    @Test("“after my kids go to bed, like 8:30” is saved as the evening, in the visitor's words")
    func bedtimeSaved() throws {
        let run = Self.run(["call me", "yes", "Gwen", "706 555 0123", "after my kids go to bed, like 8:30", "no voicemail", "yes send it"])
        let draft = try #require(run.saved.first)
        #expect(draft.bestTime == .evening)
        #expect(draft.bestTimeSaid?.contains("after my kids go to bed") == true)
        #expect(draft.bestTimeSaid?.contains("8:30") == true)
    }

    @Test("“send it. i took all my pills” at the summary: the overdose reply, and the request sent as asked")
    func sendWithOverdose() throws {
        let run = Self.run(["call me", "yes", "Sam", "706 555 0114", "morning", "no voicemail", "send it. i took all my pills anyway"])
        #expect(run.saved.count == 1)
        let reply = try #require(run.replies.last)
        #expect(reply.crisis)
        #expect(reply.intent == .crisis)
        #expect(reply.state == .open)
        #expect(reply.text.hasPrefix("Call 911 now"))
        #expect(reply.text.contains("KMV-FD8"))
        #expect(!reply.text.contains("is kept"))
    }

    @Test("A request from a chat with a crisis reply carries the marker, and the summary says so; one without has none")
    func crisisMarker() throws {
        let marked = Self.run(["call me", "yes", "Kim", "i want to die", "706 555 0115", "evening", "no voicemail", "yes send it"])
        #expect(marked.replies[6].text.contains("mark the request"))
        #expect(try #require(marked.saved.first).crisisInChat)
        let plain = Self.run(["call me", "yes", "Kim", "706 555 0115", "evening", "no voicemail", "yes send it"])
        #expect(!(try #require(plain.saved.first).crisisInChat))
        #expect(!plain.replies[5].text.contains("mark the request"))
        let request = CallbackRequest(
            id: 1, reference: "KMV-FD8", created: Date(), draft: try #require(marked.saved.first), channel: .web)
        #expect(CallbackReport.table([request]).contains(CallbackReport.crisisMarker))
        let csv = CallbackReport.csv([request]).split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let column = try #require(csv.first?.firstIndex(of: "crisis_in_chat"))
        #expect(csv.count == 2 && csv[1][column] == "yes", "\(csv)")
    }

    @Test("A crisis at the summary without a word of sending keeps the request unsent")
    func crisisWithoutSend() {
        let run = Self.run(["call me", "yes", "Sam", "706 555 0114", "morning", "no voicemail", "i took all my pills"])
        #expect(run.saved.isEmpty)
        #expect(run.replies.last?.state == .callbackConfirm)
        // The number was given: sending it is offered, never done without a word (QA23 W16).
        #expect(run.replies.last?.text.contains("isn’t sent yet") == true)
    }

    @Test("“doesnt matter” on a line about a crisis is never the best time")
    func crisisLineNoTime() {
        let run = Self.run(["call me", "yes", "Pat", "706 555 0121", "doesnt matter, ill be dead by then"])
        #expect(run.replies.last?.crisis == true)
        #expect(run.replies.last?.state == .callbackTime)
    }

    @Test("Every valid number of an answer is found once, in order")
    func allNumbers() {
        #expect(PhoneNumber.all(in: "706-555-0100 or my work 706-555-0200").map(\.display) == ["(706) 555-0100", "(706) 555-0200"])
        #expect(PhoneNumber.all(in: "706 555 0100, yes 706 555 0100").count == 1)
        #expect(PhoneNumber.all(in: "no number here").isEmpty)
    }

    @Test("The answer to “which number first?” picks by place")
    func pickedNumber() throws {
        let choices = PhoneNumber.all(in: "706-555-0100 or 706-555-0200")
        #expect(Conversation.pickedNumber("the first one", among: choices) == choices.first)
        #expect(Conversation.pickedNumber("try the other", among: choices) == choices.last)
        #expect(Conversation.pickedNumber("whichever", among: choices) == nil)
    }

    @Test("Markup is told from a name")
    func markup() {
        #expect(Conversation.looksLikeMarkup("<script>alert(1)</script>"))
        #expect(Conversation.looksLikeMarkup("{{name}}"))
        #expect(!Conversation.looksLikeMarkup("Mary-Jo"))
        #expect(!Conversation.looksLikeMarkup("O'Neil"))
    }

    @Test("A plan after the question about suicide was answered gets the full crisis reply")
    func planAfterCheckIn() {
        let run = Self.run(["everything feels pointless", "no", "actually yeah ive been thinking about it. i have a plan"])
        #expect(run.replies[0].intent == .crisisCheck)
        #expect(run.replies[2].intent == .crisis)
        #expect(run.replies[2].text.contains("911"))
    }
}
