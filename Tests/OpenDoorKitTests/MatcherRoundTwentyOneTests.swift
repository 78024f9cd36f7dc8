import Testing

@testable import OpenDoorKit

/// Round 21 (issue 11): the answerability check. A long message's request, read without the story, must be one the
/// chosen answer speaks to; otherwise the honest fallback, however well the story matches an answer.
@Suite("Matcher round 21: answerability")
struct MatcherRoundTwentyOneTests {
    /// A story about coming back, then a request about something the knowledge has no answer for.
    static let storyThenOther =
        "i moved to atlanta after leaving the program. i want to get back into treatment someday. any good mocktail bars in atlanta where sober people go"

    static func matcher(requestShare: Double) -> Matcher {
        var configuration = MatcherConfiguration()
        configuration.requestShare = requestShare
        return Matcher(knowledge: Fixtures.knowledge, configuration: configuration)
    }

    @Test("A request whose words the answer doesn't use falls back; without the check the story's answer won")
    func requestNotAddressed() throws {
        let off = Self.matcher(requestShare: 0).match(Self.storyThenOther)
        #expect(off.decision.name == "answer", "\(off.decision)")
        let on = Self.matcher(requestShare: 0.5).match(Self.storyThenOther)
        #expect(on.decision.name == "fallback", "\(on.decision)")
        let judged = try #require(on.answerability.first)
        #expect(!judged.addressed && judged.share < 0.5)
        #expect(judged.request.contains("mocktail"))
        // The words that say what the request is about are listed, and the unknown one is not among the answered.
        #expect(judged.asked.contains("mocktail") && !judged.answered.contains("mocktail"), "\(judged.asked)")
    }

    @Test("A request that says nothing of its own lets the story decide")
    func genericRequestAfterStory() throws {
        let result = Self.matcher(requestShare: 0.5).match(
            "i stopped going to group after my relapse in march and ive felt terrible about it. so i guess my question is, is it too late to come back")
        #expect(result.decision == .answer("faq_rejoin"), "\(result.decision)")
        let generic = Self.matcher(requestShare: 0.5).match(
            "i went to the evening iop for about a month and then stopped going after i relapsed. i feel awful about how i left. can i still come back?")
        #expect(generic.decision == .answer("faq_rejoin"))
        let judged = try #require(generic.answerability.first)
        #expect(judged.asked.isEmpty && judged.addressed && judged.share == 1)
    }

    @Test("A request the answer speaks to is answered, and its words are marked answered")
    func requestAddressed() throws {
        let result = Self.matcher(requestShare: 0.5).match(
            "i left the tuesday group a few months ago after a rough patch. i want to come back. would i see the same counselor as before")
        #expect(result.decision == .answer("faq_same_staff"), "\(result.decision)")
        let judged = try #require(result.answerability.last)
        #expect(judged.addressed && judged.share >= 0.5, "\(judged)")
        #expect(!judged.answered.isEmpty && judged.answered.allSatisfy(judged.asked.contains), "\(judged)")
    }

    @Test("Short messages are not judged (they are all request)")
    func shortNotJudged() {
        let result = Fixtures.matcher.match("can my lawyer get a letter")
        #expect(result.answerability.isEmpty)
    }
}
