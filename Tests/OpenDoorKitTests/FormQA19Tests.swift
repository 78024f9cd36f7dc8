import Foundation
import Testing

@testable import OpenDoorKit

/// QA19's form findings (V11, V18, V21, V23's kept number and time) and no call offered while saves fail.
@Suite("Round 17: the callback form and after it was sent")
struct FormQA19Tests {
    static var assistant: Assistant { ConversationTests.assistant }
    static var dialogue: DialogueText { assistant.knowledge.dialogue }
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    /// The replies to `messages`, one each, after the welcome; a confirmed request is saved in memory.
    static func replies(
        _ messages: [String], available: Bool = true, in conversation: inout Conversation
    ) -> [Reply] {
        conversation.callbacksAvailable = available
        var replies: [Reply] = []
        for (index, message) in messages.enumerated() {
            switch conversation.receive(message) {
            case .reply(let reply):
                replies.append(reply)
            case .save(let draft):
                let request = CallbackRequest(
                    id: Int64(index), reference: "KMV-FD8", created: Date(), draft: draft, channel: .terminal)
                replies.append(conversation.saved(request))
            }
        }
        return replies
    }

    private static func replies(_ messages: [String], available: Bool = true) -> [Reply] {
        var conversation = assistant.makeConversation(channel: .terminal)
        conversation.callbacksAvailable = available
        _ = conversation.start()
        return replies(messages, available: available, in: &conversation)
    }

    // MARK: - V21: hours said loosely

    @Test(
        "An hour said loosely is afternoon, kept as said; a bare 4 is still the fourth option",
        arguments: [
            ("4ish", BestTime.afternoon, "4ish"), ("around 4", .afternoon, "around 4"), ("4-ish", .afternoon, "4-ish"),
            ("after 4ish", .afternoon, "after 4ish"), ("ok um tomorrow around 4ish", .afternoon, "tomorrow around 4ish"),
            ("at 3", .afternoon, "at 3"), ("monday around 10", .morning, "monday around 10"),
        ])
    func looseHours(_ message: String, _ expected: BestTime, _ said: String) {
        let time = TimeAnswer(message, options: [], words: Self.answers)
        #expect(time?.time == expected, "“\(message)”")
        #expect(time?.said == said, "“\(message)”")
    }

    @Test("A bare number is the option of that number, not an hour")
    func bareNumber() {
        let options = Self.dialogue.stepOptions[.callbackTime] ?? []
        #expect(TimeAnswer("4", options: options, words: Self.answers)?.time == .any)
        #expect(TimeAnswer("4", options: options, words: Self.answers)?.said == nil)
    }

    // MARK: - V21: the day a relative word names, for staff

    /// 2026-12-06 15:00 UTC, a Sunday (10:00 in New York).
    static let sunday = Date(timeIntervalSince1970: 1_796_569_200)

    @Test(
        "A day said once and plainly is the date it stands for, counted from the save",
        arguments: [
            ("tomorrow around 4ish", "2026-12-07", "Mon Dec 7"), ("tmrw morning", "2026-12-07", "Mon Dec 7"),
            ("tonight after 8", "2026-12-06", "Sun Dec 6"), ("friday after 5", "2026-12-11", "Fri Dec 11"),
            ("wed before noon", "2026-12-09", "Wed Dec 9"),
        ])
    func bestDay(_ said: String, _ iso: String, _ display: String) throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        let day = BestDay(said: said, created: Self.sunday, timeZone: utc)
        #expect(day?.iso == iso, "“\(said)”")
        #expect(day?.display == display, "“\(said)”")
    }

    @Test(
        "Days that recur, are ruled out, are today's weekday, follow “next”, or are two, name no date",
        arguments: [
            "mondays", "weekdays after 5", "anytime but tuesday", "not on friday", "sunday", "next monday", "monday or tuesday",
            // QA24 S1-1: a time that rules a day out names no date at all; staff read the words.
            "anytime but tuesday, thursday is best",
            "after 5", "not friday",
        ])
    func noBestDay(_ said: String) throws {
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(BestDay(said: said, created: Self.sunday, timeZone: utc) == nil, "“\(said)”")
    }

    @Test("The day is counted in the center's time zone: 9 pm in New York is still the day before in UTC terms")
    func bestDayTimeZone() throws {
        // 2026-12-07 02:00 UTC is Sunday, Dec 6, 21:00 in New York.
        let late = Date(timeIntervalSince1970: 1_796_608_800)
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(BestDay(said: "tomorrow", created: late, timeZone: newYork)?.iso == "2026-12-07")
        #expect(BestDay(said: "tomorrow", created: late, timeZone: utc)?.iso == "2026-12-08")
    }

    // MARK: - V11: a no to someone else's call, a yes to one's own

    @Test(
        "At the consent question, a leading no that goes on to ask for one's own call is a yes",
        arguments: [
            "no call me instead, im her dad", "no, call me then. im her father", "nah just me then",
            "no i want a call for myself", "nope, me please",
        ])
    func ownCallAfterNo(_ message: String) {
        let replies = Self.replies(["my daughter doesnt know im doing this. can someone call her", message])
        #expect(replies.first?.state == .callbackConsent)
        #expect(replies.last?.state == .callbackName, "“\(message)”")
    }

    @Test(
        "A no that stays a no: not now, a call refused, a no alone",
        arguments: ["no", "no not now, maybe later", "no thanks", "nope"])
    func noStaysNo(_ message: String) {
        let replies = Self.replies(["my daughter doesnt know im doing this. can someone call her", message])
        #expect(replies.first?.state == .callbackConsent)
        #expect(replies.last?.state == .open, "“\(message)”")
    }

    // MARK: - V18: a change asked for after the request was sent

    static let sentForm = ["call me back", "yes", "Bee", "706 555 0111", "afternoon", "yes", "yes"]

    @Test(
        "After sending, a new time is met with: sent, can't change it here, how, with the reference and the time",
        arguments: [
            ("wait can you change it to evening", "evening"), ("actually mornings are better", "mornings"),
            ("can they call after 6 instead", "after 6"), ("id rather have tomorrow morning", "tomorrow morning"),
            ("evenings", "evenings"), ("tomorrow after 5", "tomorrow after 5"),
        ])
    func changeTimeAfterSent(_ message: String, _ time: String) throws {
        let replies = Self.replies(Self.sentForm + [message])
        let sent = try #require(replies.dropLast().last)
        #expect(sent.text.contains("KMV-FD8"))
        let reply = try #require(replies.last)
        #expect(reply.intent == .callback)
        #expect(reply.text.contains("can’t change it here"), "“\(message)”")
        #expect(reply.text.contains("KMV-FD8"))
        #expect(reply.text.contains("(470) 284-1834"))
        #expect(reply.text.contains("ask for \(time) instead"), "“\(message)”: \(reply.text)")
    }

    @Test(
        "After sending, another change (the number, the name, “change it”) gets the same honest line",
        arguments: ["wrong number", "i gave the wrong number", "can i change my name on it", "can you change it"])
    func changeAfterSent(_ message: String) throws {
        let reply = try #require(Self.replies(Self.sentForm + [message]).last)
        #expect(reply.text == Self.dialogue[.sentChange].replacingOccurrences(of: "{request.reference}", with: "KMV-FD8"),
            "“\(message)”: \(reply.text)")
    }

    @Test(
        "After sending, a question about the program or a thank-you is no change",
        arguments: ["are there evening groups", "thank you", "ok", "what happens on the first day back", "good morning"])
    func noChangeAfterSent(_ message: String) throws {
        let reply = try #require(Self.replies(Self.sentForm + [message]).last)
        #expect(!reply.text.contains("can’t change it here"), "“\(message)”")
    }

    // MARK: - V23: what was kept is said; a number given with a crisis is kept

    @Test("After a crisis reply, a call asked for with a day says the day it kept")
    func keptTimeSaid() throws {
        let replies = Self.replies(["i dont want to live anymore", "im safe now. can someone call me tmrw"])
        let reply = try #require(replies.last)
        #expect(reply.state == .callbackConsent)
        #expect(reply.text.contains("Got it: tmrw."), "\(reply.text)")
    }

    @Test(
        "A “now” that says how the visitor is, not when to call, is not kept as the time; the call's own time is",
        arguments: [
            ("ok theyre here now. can someone call me tomorrow", "Got it: tomorrow."),
            ("im safe now, can someone call me tmrw", "Got it: tmrw."),
            ("its really bad right now. can someone call me", nil),
            ("can someone call me right now", "Got it: right now."),
        ])
    func nowIsNotATime(_ message: String, _ note: String?) throws {
        let reply = try #require(Self.replies([message]).last)
        #expect(reply.state == .callbackConsent, "“\(message)”")
        if let note {
            #expect(reply.text.contains(note), "“\(message)”: \(reply.text)")
        } else {
            #expect(!reply.text.contains("Got it"), "“\(message)”: \(reply.text)")
        }
    }

    @Test("A number given on a crisis line is kept: the crisis reply says so, and a later request uses it")
    func numberKeptThroughCrisis() throws {
        let replies = Self.replies([
            "my number is 706 555 0145 pls call, my son just overdosed and the ambulance is here",
            "ok theyre taking him now. can someone from the center call me later", "yes", "skip", "evening",
            "no voicemail",
        ])
        let crisis = try #require(replies.first)
        #expect(crisis.crisis)
        #expect(crisis.text.contains("(706) 555-0145"))
        let consent = replies[1]
        #expect(consent.state == .callbackConsent)
        #expect(consent.text.contains("to call you at (706) 555-0145."))
        let summary = try #require(replies.last)
        #expect(summary.state == .callbackConfirm)
        #expect(summary.text.contains("(706) 555-0145"))
    }

    @Test("A crisis line without a number still offers a call plainly; while saves fail, no number is kept")
    func crisisCloseWithoutNumber() throws {
        let plain = try #require(Self.replies(["i dont want to live anymore"]).first)
        #expect(plain.text.contains(Self.dialogue[.crisisCloseOffer]))
        let hers = Self.replies(["her number is 706 555 0145, she overdosed and isnt waking up", "can someone call me"])
        #expect(hers.first?.crisis == true)
        #expect(!(hers.first?.text.contains("(706) 555-0145") ?? true))
        #expect(!(hers.last?.text.contains("(706) 555-0145") ?? true))
        let off = try #require(Self.replies(["my number is 706 555 0145, i want to die"], available: false).first)
        #expect(off.crisis)
        #expect(!off.text.contains("(706) 555-0145"))
        #expect(!off.text.contains("call you"))
    }

    // MARK: - No call offered while saves fail

    @Test("Every answer of the assistant's own that offers a call has a version without the offer")
    func everyOfferHasAnAlternative() {
        for intent in Self.assistant.knowledge.intents where intent.action == .answer && intent.answer.contains("call you") {
            let other = Self.dialogue.noCallbackAnswers[intent.id]
            #expect(other != nil, "`\(intent.id.rawValue)` offers a call while requests can't be saved")
            #expect(other.map { !$0.contains("call you") && $0.contains("(470) 284-1834") } ?? true, "\(intent.id.rawValue)")
        }
    }

    @Test(
        "While requests can't be saved, the answers about the assistant offer no call, and give the number",
        arguments: ["hi", "what can you help me with", "are you a real person", "how do i help her come back"])
    func noCallWhileSavesFail(_ message: String) throws {
        var conversation = Self.assistant.makeConversation(channel: .terminal)
        let reply = try #require(Self.replies([message], available: false, in: &conversation).last)
        #expect(!reply.text.contains("call you"), "“\(message)”: \(reply.text)")
        #expect(reply.text.contains("(470) 284-1834"), "“\(message)”: \(reply.text)")
        let handoff = try #require(Self.assistant.responder.handoffIntent)
        #expect(!reply.options.contains(handoff.label))
        // With saving on, the same message may offer one (the offer is what is switched off, not the answer).
        var on = Self.assistant.makeConversation(channel: .terminal)
        let normal = try #require(Self.replies([message], in: &on).last)
        #expect(normal.intent == reply.intent)
    }
}
