import Foundation
import Testing

@testable import OpenDoorKit

/// QA22's callback-form findings (W3, W4, W7, W8, W18, W20, W24): the readings under them, and the requests as the
/// store keeps them. The conversation file holds the dialogue (Knowledge/conversations/qa22-form.yaml).
@Suite("Session 20: QA22 callback form")
struct QA22FormTests {
    static var assistant: Assistant { ConversationTests.assistant }
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    /// The replies to `messages` after the welcome, and what the store holds after them.
    static func stored(_ messages: [String]) async throws -> (replies: [Reply], requests: [CallbackRequest]) {
        var conversation = assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        let store = InMemoryCallbackStore()
        var replies: [Reply] = []
        for message in messages { replies.append(await conversation.respond(to: message, store: store)) }
        return (replies, try await store.list(status: nil))
    }

    // MARK: - W3: a number spelled in words is never a name

    @Test("Digits spelled out are never a name", arguments: ["four zero four", "five five five", "oh one two", "nine"])
    func spelledDigitsNoName(_ words: String) {
        #expect(Self.answers.name(in: words) == nil, "“\(words)”")
    }

    @Test("Names that hold no digit words are still names", arguments: ["Tanya", "Jo", "Nina", "Kim"])
    func namesStay(_ name: String) {
        #expect(Self.answers.name(in: name) == name)
    }

    @Test("A number spelled at the name step is stored as the number, with no name (QA C26)")
    func spelledNumberAtName() async throws {
        let run = try await Self.stored([
            "can someone call me", "yes", "four zero four, five five five, one two one two", "after 6 pm", "yes",
            "yes send it",
        ])
        let request = try #require(run.requests.first)
        #expect(request.name == nil)
        #expect(request.phone.display == "(404) 555-1212")
        #expect(request.bestTime == .evening)
    }

    // MARK: - W4: "don't call before noon" is a time

    @Test("A number with “don't call before noon” at the name or consent step is stored with the time (QA C22, C17)")
    func dontCallBeforeNoon() async throws {
        for path in [["yes", "my cell is (706)555-0199 but don't call before noon"], ["my cell is (706)555-0199 but don't call before noon", "skip"]] {
            let run = try await Self.stored(["can someone call me"] + path + ["no voicemail", "yes"])
            let request = try #require(run.requests.first, "\(path)")
            #expect(request.phone.display == "(706) 555-0199")
            #expect(request.bestTimeSaid == "don't call before noon")
            #expect(request.bestTime == .afternoon)
        }
    }

    @Test("A cancel's words that give a detail are not a cancel; a plain one is")
    func cancelWithDetail() {
        var conversation = Self.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        #expect(conversation.cancelGivesDetail("my cell is (706)555-0199 but don't call before noon"))
        #expect(conversation.cancelGivesDetail("dont call before 10am"))
        #expect(!conversation.cancelGivesDetail("never mind, dont call me"))
        #expect(!conversation.cancelGivesDetail("forget it i dont want a call tomorrow"))
    }

    // MARK: - W7, W8: the part of the day kept

    @Test(
        "Words that rule times or days out are kept as said, never “any time” (QA C90, C89, C171, C27, C91)",
        arguments: [
            ("not mornings", "not mornings"), ("weekends only", "weekends only"), ("any day but friday", "any day but friday"),
            ("any time except when I'm at work which is 8 to 4", "any time except when I'm at work which is 8 to 4"),
            ("any time but please not at night my husband doesnt know", "any time but please not at night"),
            ("anything but mornings", "anything but mornings"), ("not at night please", "not at night"),
            ("mon-fri 9-5", "mon-fri 9-5"), ("between 11 and 2", "between 11 and 2"),
        ])
    func asSaid(_ message: String, _ said: String) {
        let time = TimeAnswer(message, options: [], words: Self.answers)
        #expect(time?.time == .asSaid, "“\(message)”")
        #expect(time?.said == said, "“\(message)”")
        #expect(time?.display == said, "“\(message)”")
    }

    @Test(
        "A span of hours is read as the part of the day it covers, its end when calls stop (QA C143)",
        arguments: [
            ("3pm-5pm", BestTime.afternoon), ("3-5pm", .afternoon), ("between 3 and 5pm", .afternoon),
            ("5-7pm", .evening), ("9-11am", .morning), ("10 to 12", .morning), ("12-2", .afternoon),
            ("6 to 8", .evening), ("4-6pm", .asSaid), ("8 to 4", .asSaid),
        ])
    func spans(_ message: String, _ expected: BestTime) {
        #expect(TimeAnswer(message, options: [], words: Self.answers)?.time == expected, "“\(message)”")
    }

    @Test("Spans are not read in phone numbers, lengths of time or single hours")
    func notSpans() {
        for text in ["706-555-0199", "(706)555-0199", "2-3 weeks", "after 5", "404 555 12 12", "ext 22"] {
            #expect(TimeShape(text).hourSpan == nil, "“\(text)”")
        }
    }

    @Test(
        "“any time” stays for words that rule nothing out, and one plain day keeps it (staff see the date)",
        // "asap" is no longer "any time" (QA24 S3-8, QA24FormTests.rightNow): kept as said.
        arguments: ["anytime", "whenever", "no preference", "doesn't matter", "dont care", "tomorrow", "whenever ur open"])
    func anyTimeStays(_ message: String) {
        #expect(TimeAnswer(message, options: [], words: Self.answers)?.time == .any, "“\(message)”")
    }

    @Test("The words before and after a time that aren't the time stay out, and “whenever ur open” is kept whole")
    func wheneverWhole() {
        #expect(TimeAnswer("whenever ur open", options: [], words: Self.answers)?.said == "whenever ur open")
        #expect(TimeAnswer("whenever you can thanks", options: [], words: Self.answers)?.said == "whenever you can")
        #expect(TimeAnswer("fuck off with the questions. just call me whenever", options: [], words: Self.answers)?.said == "whenever")
    }

    @Test("A part of the day said plainly is unchanged by the new readings")
    func plainParts() {
        for (text, part) in [("mornings", BestTime.morning), ("after 5 on weekdays", .evening), ("tuesday after 7", .evening),
                             ("not mornings, evenings", .evening), ("after 6 pm", .evening), ("tmrw b4 9am", .morning)] {
            #expect(TimeAnswer(text, options: [], words: Self.answers)?.time == part, "“\(text)”")
        }
    }

    @Test("Stored as said: the bucket is “as_said”, staff read the words (QA C90)")
    func storedAsSaid() async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Ray", "404 555 0182", "not mornings", "no voicemail", "yes"])
        let request = try #require(run.requests.first)
        #expect(request.bestTime == .asSaid)
        #expect(request.bestTimeSaid == "not mornings")
        #expect(request.bestTimeForStaff(timeZone: .gmt) == "not mornings (as said)")
        let csv = CallbackReport.csv([request])
        #expect(csv.contains(",as_said,"))
    }

    @Test("A condition with a reason for privacy: the time kept without the reason, the private choices named (QA C91)")
    func privacyKept() async throws {
        let run = try await Self.stored([
            "can someone call me", "yes", "Sia", "404 555 0183", "any time but please not at night my husband doesnt know",
            "no voicemail", "yes",
        ])
        #expect(run.replies[4].state == .callbackVoicemail)
        #expect(run.replies[4].text.contains("Only the time goes to the center"))
        let request = try #require(run.requests.first)
        #expect(request.bestTimeSaid == "any time but please not at night")
        #expect(request.bestTime == .asSaid)
        #expect(request.voicemail == .noVoicemail)
    }

    @Test("The menu still offers four parts; “as said” is never picked by a number")
    func menu() {
        #expect(BestTime.allCases == [.morning, .afternoon, .evening, .any])
        #expect(BestTime.parse("5") == nil)
        #expect(BestTime(rawValue: "as_said") == .asSaid)
    }

    // MARK: - W18: two numbers at the consent or name step

    @Test(
        "The name and number stored after a spelled number or two numbers at the consent or name step (QA C21, C23, C20)",
        arguments: [
            (["yes", "four zero four, five five five, one two one two", "Tanya"], "Tanya", "(404) 555-1212"),
            (["yes please", "it's 4045550177 or my work 6785550100 ext 22", "the second one"], nil, "(678) 555-0100 ext. 22"),
            (["it's 4045550177 or my work 6785550100 ext 22", "the first one", "Rob"], "Rob", "(404) 555-0177"),
        ] as [([String], String?, String)])
    func storedNameAndNumber(_ steps: [String], _ name: String?, _ phone: String) async throws {
        let run = try await Self.stored(["can someone call me"] + steps + ["lunch time", "no voicemail", "yes"])
        let request = try #require(run.requests.first, "\(steps)")
        #expect(request.name == name, "\(steps)")
        #expect(request.phone.display == phone, "\(steps)")
    }

    // MARK: - W20, W24

    @Test("“actually yes” after declining the offer starts the request (QA C38)")
    func changedMind() async throws {
        let run = try await Self.stored(["everything hurts", "no", "actually yes"])
        #expect(run.replies[2].state == .callbackConsent)
    }

    @Test("A voicemail said with the number is stored, not asked again (QA C77)")
    func voicemailWithNumber() async throws {
        let run = try await Self.stored([
            "can someone call me", "yes", "Kim", "my number is 404-555-0133 call me in the evening, voicemail ok", "yes",
        ])
        #expect(run.replies[3].state == .callbackConfirm)
        let request = try #require(run.requests.first)
        #expect(request.voicemail == .allowed)
        #expect(request.bestTime == .evening)
    }

    @Test("The center's own number is never stored as the visitor's (QA C83)")
    func centerNumber() async throws {
        let run = try await Self.stored([
            "can someone call me", "yes", "Zoe", "470 284 1834", "706 555 0186", "morning", "no voicemail", "yes",
        ])
        #expect(run.replies[3].state == .callbackPhone)
        let request = try #require(run.requests.first)
        #expect(request.phone.display == "(706) 555-0186")
    }

    @Test(
        "A helpline's number our replies give is never stored as the visitor's; the format example is (QA25 S3-8)",
        arguments: ["1 800 662 4357", "1-800-222-1222"])
    func helplineNumber(_ helpline: String) async throws {
        let run = try await Self.stored([
            "can someone call me", "yes", "Zoe", helpline, "470 555 0123", "morning", "no voicemail", "yes",
        ])
        #expect(run.replies[3].state == .callbackPhone)
        #expect(run.replies[3].text.contains("helpline"), "\(run.replies[3].text)")
        let request = try #require(run.requests.first)
        #expect(request.phone.display == "(470) 555-0123")
    }

    @Test("“whenever ur open” is stored whole (QA C145)")
    func wheneverStored() async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Fay", "404 555 0201", "whenever ur open", "no voicemail", "yes"])
        let request = try #require(run.requests.first)
        #expect(request.bestTimeSaid == "whenever ur open")
        #expect(request.bestTime == .any)
    }

    @Test("“ok thanks” after the offer asked is no yes (QA C128)")
    func okThanks() async throws {
        let run = try await Self.stored(["what if they judge me", "what if i relapsed", "will i have to start over", "ok thanks"])
        #expect(run.replies[3].state == .open)
        #expect(run.requests.isEmpty)
    }
}
