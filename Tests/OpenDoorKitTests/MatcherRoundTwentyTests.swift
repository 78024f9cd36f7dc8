import Foundation
import Testing

@testable import OpenDoorKit

/// Round 20 (QA21's matching findings W5, W6, W19): a second question that names its subject, statements not
/// answered "Yes.", and a word of sorrow before the answer when a death is told.
@Suite("Matcher round 20")
struct MatcherRoundTwentyTests {
    @Test("A joined question that names its subject is a question of its own; \"and do the steps\" is not")
    func namedSubjectQuestions() {
        #expect(MessageParts.questionsJoined(in: "will i have to start over and will the same counselor be there").count == 2)
        #expect(MessageParts.questionsJoined(in: "can i come back and is my old spot still open").count == 2)
        #expect(MessageParts.questionsJoined(in: "i went through all of it and do the steps even matter").count == 1)
        #expect(MessageParts("will i have to start over and will the same counselor be there?").questions.count == 2)
    }

    /// The replies to `messages` after the welcome.
    private static func replies(_ messages: [String]) -> [Reply] { MatcherRoundNineteenTests.replies(messages) }

    @Test("A statement gets the answer without a bare \"Yes.\"; a question keeps it")
    func statementNotAnsweredYes() throws {
        let rejoin = try #require(Fixtures.knowledge.intent("faq_rejoin")).answer
        #expect(rejoin.hasPrefix("Yes. "))
        let said = Self.replies(["i quit iop in may and now im thinking about coming back", "can i come back to iop"])
        #expect(said[0].intent == "faq_rejoin" && !said[0].text.hasPrefix("Yes."), "\(said[0].text)")
        #expect(said[1].intent == "faq_rejoin" && said[1].text.hasPrefix("Yes. "), "\(said[1].text)")
    }

    @Test("A death told before a question: sorrow first, then the answer; never before a safety reply")
    func griefNote() {
        let note = Fixtures.knowledge.dialogue[.griefNote]
        #expect(!note.isEmpty)
        let told = Self.replies(["my dad passed away last fall and i stopped going. can i still come back?"])[0]
        #expect(told.intent == "faq_rejoin" && told.text.hasPrefix(note + "\n\n"), "\(told.text)")
        let nobody = Self.replies(["i almost died from an overdose and then stopped going. can i come back?"])[0]
        #expect(!nobody.text.contains(note))
        let crisis = Self.replies(["my son died and i want to kill myself"])[0]
        #expect(crisis.crisis && !crisis.text.hasPrefix(note))
    }
}
