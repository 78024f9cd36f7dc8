import Foundation
import Testing

@testable import OpenDoorKit

/// Round 19 (QA20's matching findings): lists of questions, approving emoji, and answers not pasted twice.
@Suite("Matcher round 19")
struct MatcherRoundNineteenTests {
    @Test("A list of questions keeps each one; a relative clause after a comma stays part of its sentence")
    func listOfQuestions() {
        let listed = MessageParts("can i come back, will i have the same counselor, and do you take medicaid?")
        #expect(listed.questions.count == 3, "\(listed.questions)")
        let formal = MessageParts(
            "I left last spring. I should like to inquire whether re-enrollment is possible, and whether I must begin anew.")
        #expect(formal.questions.count == 2, "\(formal.questions)")
        // "who has dementia" is not a question of its own, nor is a story clause before a question.
        #expect(MessageParts("my dad, who has dementia, can he come to group with me?").questions.count == 1)
        #expect(MessageParts("i left in may after my mom got sick, can i still come back").questions.count == 1)
        // The asking clause needs its subject: "can, you know, help" is not a list.
        #expect(MessageParts("is it too late, can i still come back").questions.count == 2)
    }

    @Test("Approving emoji are marks of their own, whatever the skin tone; a feeling's emoji is not one")
    func ackMarks() {
        let dialogue = Fixtures.knowledge.dialogue
        #expect(dialogue.isOnlyMarks("👍", .ackMarks))
        #expect(dialogue.isOnlyMarks(" 👍🏽 👌 ", .ackMarks))
        #expect(!dialogue.isOnlyMarks("😔", .ackMarks))
        #expect(!dialogue.isOnlyMarks("ok 👍", .ackMarks))
        #expect(!dialogue.isOnlyMarks("", .ackMarks))
    }

    /// The replies to `messages` after the welcome (also used by round 20's tests).
    static func replies(_ messages: [String]) -> [Reply] {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        return messages.map { message in
            guard case .reply(let reply) = conversation.receive(message) else { return Reply(text: "", intent: .fallback, source: "") }
            return reply
        }
    }

    @Test("A long answer asked for again is not pasted again; a short one is; another answer is given in full")
    func longAnswerNotRepeated() throws {
        let knowledge = Fixtures.knowledge
        let unsure = try #require(knowledge.intent("unsure_ready")).answer
        let rejoin = try #require(knowledge.intent("faq_rejoin")).answer
        #expect(unsure.count >= Conversation.longAnswer && rejoin.count < Conversation.longAnswer)
        let said = Self.replies([
            "idk if i even want to come back", "part of me does part of me doesnt", "can i come back", "can i rejoin",
            "will i have to start over",
        ])
        #expect(said[0].text.hasPrefix(unsure.prefix(40)))
        #expect(said[1].intent == "unsure_ready" && !said[1].text.contains(unsure.prefix(40)))
        #expect(said[1].text.hasPrefix(knowledge.dialogue[.sameAnswer]))
        #expect(said[2].text.contains(rejoin.prefix(40)) && said[3].text.contains(rejoin.prefix(40)))
        #expect(said[4].intent == "faq_start_over")
    }

    @Test("A feeling said twice is acknowledged twice, not answered as another question")
    func feelingsKeepTheirWords() {
        let said = Self.replies(["😔", "😔"])
        let feeling = Fixtures.knowledge.dialogue[.fallbackFeeling]
        #expect(said.allSatisfy { $0.text.hasPrefix(feeling) }, "\(said.map(\.text))")
    }
}
