import Foundation
import Testing

@testable import OpenDoorKit

/// QA23's callback-form findings (W1, W2, W5's form part, W8, W11, W16, W18): each a class of messages, and the
/// requests as the store keeps them. The conversation file holds more of the dialogue
/// (Knowledge/conversations/qa23-form.yaml).
@Suite("Session 21: QA23 callback form")
struct QA23FormTests {
    /// The replies to `messages` after the welcome, and what the store holds after them.
    private static func stored(_ messages: [String]) async throws -> (replies: [Reply], requests: [CallbackRequest]) {
        try await QA22FormTests.stored(messages)
    }

    private static let upToConfirm = ["can someone call me", "yes", "Chris", "470 555 0188", "tomorrow", "yes"]

    // MARK: - W1: a question is answered, never stored; a busy time is no time to call

    @Test(
        "A question at the summary is answered and changes no time (QA C39)",
        arguments: ["what happens now", "ok what happens next?", "how does this work", "so what happens after i send it"])
    func questionAtSummary(_ question: String) async throws {
        let run = try await Self.stored(Self.upToConfirm + [question, "yes send it"])
        let answer = run.replies[run.replies.count - 2]
        #expect(answer.state == .callbackConfirm, "“\(question)”")
        #expect(answer.text.contains("Best time: tomorrow"), "“\(question)”: \(answer.text)")
        let request = try #require(run.requests.first)
        #expect(request.bestTimeSaid == "tomorrow", "“\(question)”")
    }

    @Test("A question at the time step is no time", arguments: ["what happens now", "how does this work"])
    func questionAtTimeStep(_ question: String) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Chris", "470 555 0188", question])
        let reply = try #require(run.replies.last)
        #expect(reply.state == .callbackTime, "“\(question)”: \(reply.text)")
    }

    @Test(
        "When the visitor is busy is set aside; the time to call is kept as said (QA C179)",
        arguments: [
            ("i work nights so like 2pm", "2pm", BestTime.afternoon),
            ("i have class in the morning so after 3", "after 3", .afternoon),
            ("mornings, i work nights", "mornings", .morning),
        ])
    func busyTimeSetAside(_ said: String, _ kept: String, _ part: BestTime) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Hal", "470 555 0315", said, "yes", "yes"])
        let request = try #require(run.requests.first, "“\(said)”")
        #expect(request.bestTimeSaid == kept, "“\(said)” stored as \(request.bestTimeSaid ?? "nil")")
        #expect(request.bestTime == part, "“\(said)”")
    }

    @Test("Only a busy time is no answer to the time question")
    func onlyBusy() async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Hal", "470 555 0315", "i work nights"])
        #expect(run.replies.last?.state == .callbackTime)
    }

    // MARK: - W2: a sentence is never a name; someone else is heard

    @Test(
        "The call for someone else, said at the name step, is heard and is never a name (QA C175)",
        arguments: ["its for my son actually", "its for my daughter", "oh its for a friend", "its about my husband"])
    func forSomeoneElseAtName(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", "yes", said])
        let reply = try #require(run.replies.last)
        #expect(reply.state == .callbackName, "“\(said)”")
        #expect(reply.text.contains("someone you care about"), "“\(said)”: \(reply.text)")
        let after = try await Self.stored(["can someone call me", "yes", said, "Linda", "470 555 0311", "evening", "yes", "yes"])
        #expect(after.requests.first?.name == "Linda", "“\(said)”")
    }

    @Test("Function words are never names", arguments: ["for", "about", "its for", "the"])
    func functionWordsNoName(_ words: String) {
        #expect(StepAnswer(Fixtures.knowledge.dialogue).name(in: words) == nil, "“\(words)”")
    }

    // MARK: - W5 (form part): handling it alone answers no step

    @Test(
        "Handling it alone is no voicemail yes and no best time (QA C110, C194)",
        arguments: [
            (["evening"], "its fine nobody answers anyway. ill sort it out myself tonight"),
            ([], "its fine, i will handle it on my own tonight"),
            ([], "nah ill figure it out myself"),
        ])
    func onMyOwn(_ before: [String], _ said: String) async throws {
        let start = ["can someone call me", "yes", "Bo", "470 555 0240"] + before
        let run = try await Self.stored(start + [said])
        let reply = try #require(run.replies.last)
        // Whether the call is still wanted (or, once the safety rules notice it, the safety question): never the next step.
        #expect(reply.state == .callbackConsent || reply.crisis, "“\(said)”: \(reply.text)")
        #expect(!reply.text.contains("Here’s what I’ll send"), "“\(said)”")
        #expect(!reply.text.contains("If they miss you"), "“\(said)”")
        #expect(run.requests.isEmpty)
        // A yes then goes back to the request with nothing taken from that line.
        let yes = try await Self.stored(start + [said, "yes"])
        let next = try #require(yes.replies.last)
        #expect(!next.text.contains("tonight (evening)"), "“\(said)”: \(next.text)")
        #expect(!next.text.contains("Voicemail: Yes"), "“\(said)”: \(next.text)")
    }

    // MARK: - W8: "text, don't call"

    @Test("“text dont call” keeps the number and asks whether a call is okay; yes goes on, no sends nothing (QA C27)")
    func textDontCall() async throws {
        let asked = try await Self.stored(["call me", "yeah", "my number is 470-555-0199 but text dont call"])
        let reply = try #require(asked.replies.last)
        #expect(reply.text.contains("I can only ask the center to call you"))
        #expect(reply.text.contains("Would a call still be okay"))
        let yes = try await Self.stored(
            ["call me", "yeah", "my number is 470-555-0199 but text dont call", "a call is ok", "Mike", "evenings", "no voicemail", "yes"])
        #expect(yes.requests.first?.phone.display == "(470) 555-0199")
        let no = try await Self.stored(["call me", "yeah", "my number is 470-555-0199 but text dont call", "no", "yes"])
        #expect(no.requests.isEmpty)
        #expect(no.replies[no.replies.count - 2].state == .open)
    }

    @Test("“dont call at all, just text me” at the voicemail step is heard, not a bare discard (QA C161)")
    func dontCallJustText() async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Cy", "470 555 0308", "evening", "dont call at all actually just text me"])
        let reply = try #require(run.replies.last)
        #expect(reply.text.contains("I can’t ask them to text"), "\(reply.text)")
        #expect(run.requests.isEmpty)
    }

    @Test("A text asked for with the request is answered honestly (QA C143)")
    func textWithRequest() async throws {
        let run = try await Self.stored(["can i text someone instead of calling, i have social anxiety"])
        let reply = try #require(run.replies.last)
        #expect(reply.text.contains("I can’t ask them to text"), "\(reply.text)")
    }

    // MARK: - W16: a crisis mid-form once a number was given: an offer, and "send it" sends

    @Test("A crisis at the summary offers to send the request after the crisis reply, and sends nothing (QA C101)")
    func crisisAtSummaryOffers() async throws {
        let run = try await Self.stored(Self.upToConfirm + ["i have a bottle of pills next to me"])
        let reply = try #require(run.replies.last)
        #expect(reply.crisis)
        #expect(run.requests.isEmpty)
        #expect(reply.state == .callbackConfirm)
        // The crisis reply's numbers come first, whole; the offer after them.
        let numbers = try #require(reply.text.range(of: "988"))
        let offer = try #require(reply.text.range(of: Fixtures.knowledge.dialogue[.crisisSendOffer]), "\(reply.text)")
        #expect(numbers.lowerBound < offer.lowerBound)
        #expect(reply.text.hasSuffix(Fixtures.knowledge.dialogue[.crisisSendOffer]))
    }

    @Test(
        "“send it” to the offer sends the request once, at once, marked, with the reference (QA C101, C56)",
        arguments: [
            ["send it"], ["yes send it"], ["send"], ["yes"], ["nvm", "yes send it"], ["will they be mad at me", "send it"],
        ])
    func sendItTakesOffer(_ then: [String]) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Rob", "470 555 0111", "i want to kill myself"] + then)
        #expect(run.requests.count == 1, "\(then)")
        let request = try #require(run.requests.first)
        #expect(request.crisisInChat)
        #expect(request.phone.e164 == "+14705550111")
        // The time not chosen yet is the form's usual "any time"; no voicemail, the safest.
        #expect(request.bestTime == .any, "\(request.bestTimeSaid)")
        #expect(request.voicemail == .noVoicemail)
        let reply = try #require(run.replies.last)
        #expect(reply.state == .open)
        #expect(reply.text.contains(request.reference), "\(reply.text)")
        #expect(reply.text.contains("call or text 988 now"), "\(reply.text)")
    }

    @Test(
        "Anything else after the offer sends nothing: a no, a later bare yes, a cancel, a wait (QA C101)",
        arguments: [
            ["no"], ["no", "no"], ["will they be mad at me", "yes"], ["dont call anyone"], ["dont call anyone", "send it"],
            ["ok"], ["cancel"], ["wait"], ["i dont know"],
        ])
    func otherwiseNothingSent(_ then: [String]) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Rob", "470 555 0111", "i want to kill myself"] + then)
        #expect(run.requests.isEmpty, "\(then): \(run.replies.last?.text ?? "")")
    }

    @Test("No number yet, a cancel said with the crisis, or a danger from someone near: no offer, nothing sent (QA C163)")
    func crisisWithoutNumber() async throws {
        let offer = Fixtures.knowledge.dialogue[.crisisSendOffer]
        let none = try await Self.stored(["can someone call me", "yes", "Di", "i wanna die", "send it"])
        #expect(none.requests.isEmpty)
        #expect(none.replies[none.replies.count - 2].text.contains(offer) == false)
        let cancelled = try await Self.stored(
            ["can someone call me", "yes", "Di", "470 555 0111", "forget it, i just want to sleep and never wake up"])
        #expect(cancelled.requests.isEmpty)
        #expect(cancelled.replies.last?.text.contains(offer) == false)
    }

    @Test("A check-in given during the form marks the stored request (QA C100)")
    func checkInMarks() async throws {
        let run = try await Self.stored(
            ["can someone call me", "yes", "Ed", "470 555 0210", "honestly nobody would notice if i was gone", "no", "evening",
             "yes", "yes"])
        let request = try #require(run.requests.first)
        #expect(request.crisisInChat)
    }

    // MARK: - W11: "no i mean <the real question>"

    @Test(
        "After a check-in, “no i mean …” gets the thank-you and an answer to what was meant (QA C105, C191)",
        arguments: ["no i mean the program, the schedule is killing me", "no i meant can i come back to group"])
    func meantAfterCheckIn(_ said: String) async throws {
        let run = try await Self.stored(["i dont think i can do this anymore", said])
        let reply = try #require(run.replies.last)
        #expect(reply.text.hasPrefix("Thank you for telling me"), "“\(said)”")
        #expect(reply.text.count > "Thank you for telling me. If that changes, you can call or text 988 any hour. I’m still here.".count + 20, "“\(said)”: \(reply.text)")
    }

    // MARK: - W18: a name at the consent question

    @Test("A name typed at “Shall we do that?” is a yes with the name (QA C18–C22)", arguments: ["sam", "its jess", "Mike", "Dana"])
    func nameAtConsent(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", said])
        let reply = try #require(run.replies.last)
        #expect(reply.state == .callbackPhone, "“\(said)”: \(reply.text)")
        let full = try await Self.stored(["can someone call me", said, "470 555 0142", "evening", "no voicemail", "yes"])
        let request = try #require(full.requests.first, "“\(said)”")
        #expect(request.name?.lowercased() == said.split(separator: " ").last?.lowercased(), "“\(said)”")
    }

    @Test("Words that are no name at “Shall we do that?” are not taken as one", arguments: ["cool", "maybe", "idk", "whatever", "probably", "depends", "lemme think", "hmmm"])
    func notNameAtConsent(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", said])
        #expect(run.replies.last?.state != .callbackPhone, "“\(said)”")
    }
}
