import Foundation
import Testing

@testable import OpenDoorKit

/// The safety check-in: a direct question with 988 for worrying messages, and what each answer leads to.
@Suite("Safety check-in")
struct CheckInTests {
    static let worrying = "honestly i cant keep doing life like this"

    private func conversation() -> Conversation {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        return conversation
    }

    func reply(_ step: Conversation.Step) -> Reply {
        guard case .reply(let reply) = step else {
            Issue.record("expected a reply, got \(step)")
            return Reply(text: "", intent: .fallback, source: "")
        }
        return reply
    }

    @Test("A worrying message gets the check-in: intent crisis_check, crisis true, 988 in the text, level and rule")
    func checkIn() {
        var conversation = conversation()
        let answer = reply(conversation.receive(Self.worrying))
        #expect(answer.intent == .crisisCheck)
        #expect(answer.crisis)
        #expect(answer.source == "Safety")
        #expect(answer.text.contains("988"))
        #expect(answer.safety?.level == .check)
        #expect(answer.safety?.category == .suicide)
    }

    @Test("A clear crisis gets the full crisis reply", arguments: ["i want to kill myself", "swalowed a hole botle of xanex"])
    func crisis(_ message: String) {
        var conversation = conversation()
        let answer = reply(conversation.receive(message))
        #expect(answer.intent == .crisis)
        #expect(answer.safety?.level == .crisis)
        #expect(answer.text.contains("911"))
    }

    @Test("Yes, or an unsure answer, to the check-in leads to the full crisis reply", arguments: ["yes", "sometimes", "kind of"])
    func yesLeadsToCrisis(_ answer: String) {
        var conversation = conversation()
        _ = reply(conversation.receive(Self.worrying))
        let next = reply(conversation.receive(answer))
        #expect(next.intent == .crisis)
        #expect(next.safety?.level == .crisis)
        #expect(next.text.contains("911"))
    }

    @Test("Anything worrying in answer to the check-in leads to the full crisis reply")
    func worryingAgain() {
        var conversation = conversation()
        _ = reply(conversation.receive(Self.worrying))
        let next = reply(conversation.receive("i dont see the point of any of it anymore"))
        #expect(next.intent == .crisis)
    }

    @Test("No to the check-in goes back to the callback step the visitor was at, with what they typed kept")
    func noResumesTheForm() {
        var conversation = conversation()
        _ = reply(conversation.receive("can someone call me"))
        #expect(conversation.state == .callbackConsent)
        _ = reply(conversation.receive("yes"))
        _ = reply(conversation.receive("sam"))
        #expect(conversation.state == .callbackPhone)
        let check = reply(conversation.receive(Self.worrying))
        #expect(check.intent == .crisisCheck)
        #expect(conversation.state == .callbackPhone)
        let back = reply(conversation.receive("no"))
        #expect(back.intent == .crisisCheck)
        #expect(!back.crisis)
        #expect(conversation.state == .callbackPhone)
        #expect(back.text.contains(ConversationTests.assistant.knowledge.dialogue[.askPhone]))
        _ = reply(conversation.receive("470 555 0123"))
        #expect(conversation.state == .callbackTime)
        _ = reply(conversation.receive("morning"))
        _ = reply(conversation.receive("yes"))
        guard case .save(let draft) = conversation.receive("yes") else {
            Issue.record("expected the request to be saved")
            return
        }
        #expect(draft.name == "sam")
    }

    @Test("A message that is not an answer is handled as usual after a check-in")
    func otherMessage() {
        var conversation = conversation()
        _ = reply(conversation.receive(Self.worrying))
        let next = reply(conversation.receive("what if i relapsed"))
        #expect(next.intent != .crisis && next.intent != .crisisCheck)
    }

    @Test("Crisis replies and check-ins are counted by day, category and level, never with text")
    func counted() async throws {
        var conversation = conversation()
        let store = InMemoryCallbackStore()
        let counts = InMemoryCrisisCountStore()
        _ = await conversation.respond(to: Self.worrying, store: store, counts: counts)
        _ = await conversation.respond(to: "yes", store: store, counts: counts)
        let followUp = await conversation.respond(to: "what if i relapsed", store: store, counts: counts)
        // The question is answered with "are you safe?" after it: a follow-up, not a new check-in.
        #expect(followUp.crisis)
        let today = CrisisCount.day(of: Date())
        #expect(
            Set(counts.crisisCounts(since: today)) == [
                // The check-in, then the crisis reply it led to (the level rose): one conversation, one event each.
                CrisisCount(day: today, category: .suicide, level: .check, count: 1),
                CrisisCount(day: today, category: .suicide, level: .crisis, count: 1),
            ])
    }

    @Test("The safety follow-ups of a crisis reply are not new check-ins (QA13 D5)")
    func followUpsNotCounted() async throws {
        var conversation = conversation()
        let store = InMemoryCallbackStore()
        let counts = InMemoryCrisisCountStore()
        for message in ["i want to kill myself", "no im ok", "morning", "sometimes i wish i wouldnt wake up"] {
            _ = await conversation.respond(to: message, store: store, counts: counts)
        }
        let today = CrisisCount.day(of: Date())
        #expect(
            counts.crisisCounts(since: today) == [CrisisCount(day: today, category: .suicide, level: .crisis, count: 1)])
        // A new conversation is a new event.
        var next = self.conversation()
        _ = await next.respond(to: Self.worrying, store: store, counts: counts)
        #expect(counts.crisisCounts(since: today).map(\.count) == [1, 1])
    }

    @Test("Denials and crises told as history get no alarm", arguments: [
        "i overdosed two years ago, that's why i started iop",
        "im not suicidal, just asking about the thursday group",
        "we talked about suicide warning signs in group last week",
    ])
    func noAlarm(_ message: String) throws {
        #expect(ConversationTests.assistant.safety.assess(message) == nil)
    }

    @Test("A crisis buried in a long message counts on its own sentence", arguments: [
        "been meaning to ask about coming back. things got bad after the divorce and lately ive been thinking everyone would manage fine if i just disappeared for good. is intake still on mondays",
        "do u guys still have a thursday group. honestly doesnt matter much, i wont be around much longer anyway",
    ])
    func buried(_ message: String) throws {
        #expect(ConversationTests.assistant.safety.assess(message) != nil)
    }
}
