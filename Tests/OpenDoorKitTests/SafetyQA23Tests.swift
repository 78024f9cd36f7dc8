import Foundation
import Testing

@testable import OpenDoorKit

/// Session 21 (QA23, s21-qa23safety): a "no" to the question about suicide never lowers the guard for what follows
/// (W3, W4); handling "it" alone with a time (W5); someone close who survived an overdose (W6); someone else's quiet
/// signs (W7); a question asked beside a crisis (W22). Messages written for these tests, none from an evaluation file.
/// The conversation files hold more dialogue (Knowledge/conversations/qa23-safety.yaml).
@Suite("Session 21: QA23 safety readings")
struct SafetyQA23Tests {
    private var safety: CrisisDetector { ConversationTests.assistant.safety }

    /// The replies to `messages` after the welcome.
    private static func replies(_ messages: [String]) -> [Reply] {
        FormQA20Tests.run(messages).replies
    }

    // MARK: - W4: after a "no"

    @Test(
        "After a no to the question about suicide, a new worrying sign gets the crisis reply, never the question again",
        arguments: [
            "i already said bye to my kids just in case", "i just dont want to wake up tomorrow",
            "everyone would be better off without me", "sometimes i wish i could just disappear",
        ])
    func signAfterNo(_ sign: String) throws {
        let replies = Self.replies(["whats the point", "no", sign])
        let first = try #require(replies.first)
        #expect(first.intent == .crisisCheck)
        let reply = try #require(replies.last)
        #expect(reply.intent == .crisis, "\(sign)")
        #expect(reply.text.contains("988") && reply.text.contains("911"), "\(sign)")
        #expect(reply.text.contains("You said no a moment ago"), "\(sign)")
        #expect(!reply.text.contains(first.text), "the question again: \(sign)")
        // The numbers come first, the word of what changed after them.
        let numbers = try #require(reply.text.range(of: "988"))
        let changed = try #require(reply.text.range(of: "You said no"))
        #expect(numbers.lowerBound < changed.lowerBound)
    }

    @Test("After a no, a sign told with everyday words is asked about once more, in other words, never the crisis reply")
    func everydaySignAfterNo() throws {
        let replies = Self.replies(["whats the point", "no", "i already said goodbye to my sponsor"])
        let first = try #require(replies.first)
        let reply = try #require(replies.last)
        #expect(reply.intent == .crisisCheck)
        #expect(reply.text.contains("You said no a moment ago"))
        #expect(reply.text.contains("988"))
        #expect(!reply.text.contains(first.text))
    }

    @Test("After a no, a goodbye given an everyday reason or event is no sign at all (round 23)")
    func everydayGoodbyeAfterNo() throws {
        let reply = try #require(Self.replies(["whats the point", "no", "i said bye to my sponsor after group"]).last)
        #expect(!reply.crisis, "\(reply.text)")
    }

    @Test("Before any no, the same sign is asked about: the check-in question")
    func signWithoutNo() throws {
        let reply = try #require(Self.replies(["i just dont want to wake up tomorrow"]).last)
        #expect(reply.intent == .crisisCheck)
        #expect(!reply.text.contains("You said no"))
    }

    @Test("A no to a question about someone else does not make the visitor's own later check-in a crisis reply")
    func noAboutSomeoneElse() throws {
        let replies = Self.replies(["my friend said she wants to die", "no she is safe", "whats the point anymore"])
        let reply = try #require(replies.last)
        #expect(reply.intent == .crisisCheck, "\(reply.text)")
    }

    // MARK: - W3: a preparation after the question

    @Test(
        "A preparation told after the question about suicide gets the crisis reply",
        arguments: [
            "but i did write a note last night", "i gave my stuff away last week", "i made a will yesterday",
            "i already said goodbye to everyone",
        ])
    func preparationAfterNo(_ message: String) throws {
        let reply = try #require(Self.replies(["honestly whats the point anymore", "no", message]).last)
        #expect(reply.intent == .crisis, "\(message)")
        #expect(reply.crisis)
        #expect(reply.text.contains("988"), "\(message)")
    }

    @Test(
        "A note or goodbye of everyday life after the question, or a note with no question asked, stays calm",
        arguments: [
            ["whats the point", "no", "i wrote a thank you note to my counselor"],
            ["whats the point", "no", "i wrote a thank you note to my counselor before i left"],
            ["can i come back", "i wrote a note to my boss about my schedule"],
        ])
    func everydayNotes(_ messages: [String]) throws {
        let reply = try #require(Self.replies(messages).last)
        #expect(reply.intent != .crisis, "\(messages)")
    }

    // MARK: - W5: handling it alone, with a time

    @Test(
        "Handling “it” alone with a time: at least the check-in",
        arguments: [
            "i'll handle it on my own tonight", "ill sort it out myself tonight", "its fine, i will handle it on my own tonight",
            "gonna deal with everything by myself tonight", "ill take care of it tonight on my own",
            "dont worry ill settle this myself tonight",
        ])
    func handlingAlone(_ message: String) {
        #expect(safety.assess(message) != nil, "\(message)")
    }

    @Test(
        "Handling a call, paperwork or a chore alone stays calm",
        arguments: [
            "ill call the center myself tonight", "ill sort out the insurance forms myself tonight",
            "ill sort out the bills myself tonight", "i can handle it on my own", "ill handle it myself, thanks",
            "i'll take care of the kids by myself tonight",
        ])
    func handlingChores(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }

    @Test("At the voicemail step, “ill sort it out myself tonight” is the check-in, never a voicemail yes sent on")
    func handlingAloneMidForm() throws {
        let replies = Self.replies([
            "can someone call me", "yes", "Bo", "470 555 0240", "evening", "its fine nobody answers anyway. ill sort it out myself tonight",
        ])
        let reply = try #require(replies.last)
        #expect(reply.crisis)
        #expect(reply.text.contains("988"))
        #expect(!reply.text.contains("Shall I send it"))
    }

    // MARK: - W6: an overdose survived by someone close

    @Test(
        "Someone close survived an overdose a short while ago: 911 and naloxone if again, 988, whether they are safe",
        arguments: [
            ("my son overdosed last week and hes home now, he left your iop in august. can he come back", "Is he safe right now?"),
            ("my daughter od'd a few days ago and shes out of the hospital now", "Is she safe right now?"),
            ("my husband had an overdose last month, he made it. is there help for him", "Is he safe right now?"),
        ])
    func overdoseSurvived(_ message: String, _ question: String) throws {
        let reply = try #require(Self.replies([message]).last)
        #expect(reply.crisis, "\(message)")
        #expect(reply.intent == .crisisCheck)
        for needed in ["911", "naloxone", "988", question] {
            #expect(reply.text.contains(needed), "\(needed) in the reply to \(message)")
        }
    }

    @Test("A question asked with it is answered before whether they are safe")
    func overdoseSurvivedAnswered() throws {
        let reply = try #require(
            Self.replies(["my son overdosed last week and hes home now, he left your iop in august. can he come back"]).last)
        let answer = try #require(reply.text.range(of: "To your question:"))
        let question = try #require(reply.text.range(of: "Is he safe right now?"))
        #expect(answer.lowerBound < question.lowerBound)
    }

    @Test(
        "An overdose now, a death, or the visitor's own overdose is not the reply for one survived",
        arguments: [
            "my son overdosed and hes not breathing", "my brother overdosed last week and died",
            "i overdosed last week, can i come back",
        ])
    func notSurvivedOther(_ message: String) throws {
        let reply = try #require(Self.replies([message]).last)
        #expect(!reply.text.contains("The weeks after an overdose"), "\(message)")
    }

    // MARK: - W7: someone else's quiet signs

    @Test(
        "Someone else who doesn't care what happens to them: the reply for someone worried, asked about them",
        arguments: [
            (
                "i'm worried about my mom she stopped going to her program and she's drinking again and she said she doesn't care what happens to her anymore",
                "Is she safe right now?"
            ),
            ("my brother keeps saying he doesnt care if he lives or dies", "Is he safe right now?"),
            ("my dad stopped caring what happens to him", "Is he safe right now?"),
        ])
    func someoneElsesQuietSigns(_ message: String, _ question: String) throws {
        let reply = try #require(Self.replies([message]).last)
        #expect(reply.crisis, "\(message)")
        #expect(reply.text.contains("988"))
        #expect(reply.text.contains(question), "\(reply.text)")
    }

    @Test(
        "Not caring what people think, or about a thing, stays calm",
        arguments: [
            "my sister doesnt care what people think about her", "he doesnt care what people say about him",
            "she doesnt care what happens to the house",
        ])
    func notCaringCalm(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }

    // MARK: - W22: a question beside a crisis

    @Test(
        "A crisis reply to a line that also asks a question: the reply first, then the question answered",
        arguments: [
            "I've been thinking about suicide but I'm not going to do anything. I just want to know if I can come back to group",
            "kms lol this week has been trash. anyway can i come back",
        ])
    func questionBesideCrisis(_ message: String) throws {
        let reply = try #require(Self.replies([message]).last)
        #expect(reply.intent == .crisis)
        let numbers = try #require(reply.text.range(of: "988"))
        let answer = try #require(reply.text.range(of: "To your question:"), "\(reply.text)")
        #expect(numbers.lowerBound < answer.lowerBound)
        #expect(reply.text.contains("It’s more common than you think"))
    }

    @Test("A crisis reply with no question, or about an overdose now, gets no answer added")
    func noQuestionBesideCrisis() throws {
        for message in ["i want to kill myself", "i took all my pills"] {
            let reply = try #require(Self.replies([message]).last)
            #expect(!reply.text.contains("To your question:"), "\(message)")
        }
    }
}
