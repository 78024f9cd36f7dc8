import Testing

@testable import OpenDoorKit

/// Round 22 (issue 11, guesses on long messages): the question decides, not the wish to come back the story leads to,
/// nor a question that only points back at the story beside one about a topic the knowledge doesn't answer.
@Suite("Matcher round 22: the question decides")
struct MatcherRoundTwentyTwoTests {
    static func matcher(_ change: (inout MatcherConfiguration) -> Void = { _ in }) -> Matcher {
        var configuration = MatcherConfiguration()
        change(&configuration)
        return Matcher(knowledge: Fixtures.knowledge, configuration: configuration)
    }

    @Test("A wish to come back is a wish, not a question; a wish that goes on to ask is a question")
    func wishes() {
        #expect(MessageParts.isWish("want to come back"))
        #expect(MessageParts.isWish("want to go back but im scared"))
        #expect(!MessageParts.isWish("want to come back but can i still"))
        #expect(!MessageParts.isWish("can i come back"))
        #expect(!MessageParts.isWish("want to know the hours"))
    }

    /// A story, a wish to come back, then a question about something the knowledge has no answer for.
    static let wishThenQuestion =
        "i walked out of group last fall after a rough week and never went back. i want to come back. can my cat come with me"

    @Test("Beside a question, the wish steps aside: the question decides, and the reply is honest")
    func wishStepsAside() {
        let off = Self.matcher { $0.wishesStepAside = false }.match(Self.wishThenQuestion)
        #expect(off.decision.name == "answer", "\(off.decision)")
        let on = Self.matcher().match(Self.wishThenQuestion)
        #expect(on.decision.name == "fallback", "\(on.decision)")
        #expect(on.answerability.allSatisfy { !MessageParts.isWish($0.request) }, "\(on.answerability)")
    }

    @Test("A wish alone still decides, and a question the knowledge answers still gets its answer")
    func wishAloneAndAnsweredQuestion() {
        let alone = Self.matcher().match(
            "i stopped going to iop after i started drinking again and i was too ashamed to face anyone. i just want to come back")
        #expect(alone.decision.name == "answer", "\(alone.decision)")
        let asked = Self.matcher().match(
            "i walked out of group in the fall and never went back. i want to come back. will my old counselor still be there")
        #expect(asked.decision == .answer("faq_same_staff"), "\(asked.decision)")
    }

    @Test("'there' after 'is' points at nothing; 'it' before what it stands for neither; 'is that ok' points back")
    func referringWords() {
        #expect(!Matcher.refersBack(["is", "there", "a", "group", "in", "spanish"]))
        #expect(!Matcher.refersBack(["is", "it", "ok", "if", "i", "bring", "my", "cat"]))
        #expect(Matcher.refersBack(["is", "that", "ok"]))
        #expect(Matcher.refersBack(["will", "it", "be", "the", "same"]))
        #expect(Matcher.refersBack(["can", "i", "still", "go", "there"]))
    }

    @Test("A question leaning to a topic the knowledge doesn't answer outweighs one that only points back")
    func topicOutweighsVague() {
        let message =
            "i stopped going after my schedule changed and honestly i miss the people. how much does a session cost now? is it still the same?"
        let off = Self.matcher {
            $0.topicOutweighsVague = false
            $0.wishesStepAside = false
        }.match(message)
        let on = Self.matcher().match(message)
        #expect(on.decision.name == "fallback", "\(on.decision) (without the rule: \(off.decision))")
    }
}
