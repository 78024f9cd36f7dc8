import Testing

@testable import OpenDoorKit

/// Round 23 (issue 11, guesses on long messages): a long message's question decides over its story when the question
/// clearly asks a topic the knowledge doesn't answer, however few its words, when the whole reads as a request for a
/// call, and when the question points back at what was just told.
@Suite("Matcher round 23: the question decides over the story")
struct MatcherRoundTwentyThreeTests {
    static func matcher(_ change: (inout MatcherConfiguration) -> Void = { _ in }) -> Matcher {
        MatcherRoundTwentyTwoTests.matcher(change)
    }

    @Test("A short question clearly about a topic the knowledge doesn't answer is not left to the story")
    func clearTopicIsNotVague() {
        let message =
            "i left the group last winter when things got bad at home and i want to try again. do you have a program for my husband too"
        let off = Self.matcher().match(message)
        let on = Self.matcher { $0.clearTopicSimilarity = 0.4 }.match(message)
        #expect(on.decision.name == "fallback", "\(on.decision) (without the rule: \(off.decision))")
    }

    @Test("A long message read as a request for a call is checked for its question like an answer")
    func handoffFollowsTheQuestion() {
        let message =
            "my wife and i split up and i moved out and somewhere in there i stopped going to iop. i want back in. do i have to pay anything up front to restart"
        let on = Self.matcher { $0.questionDecidesHandoff = true }.match(message)
        #expect(on.decision.name == "fallback", "\(on.decision)")
        // A request for a call that asks for the call still starts the form.
        let call = Self.matcher { $0.questionDecidesHandoff = true }.match(
            "i left group a few months back when work got crazy and i want to come back. can someone call me tomorrow afternoon")
        #expect(call.decision == .answer("handoff"), "\(call.decision)")
    }

    @Test("The clause told just before a question that points back is found, and only a telling one")
    func toldBefore() throws {
        let parts = MessageParts("ive been drinking since april. my doctor wants to put me on naltrexone. does the center do that")
        let tail = try #require(parts.askingTails(last: 3).last)
        #expect(parts.toldBefore(tail, last: 3) == "my doctor wants to put me on naltrexone")
        let asked = MessageParts("can i come back? is that ok")
        let second = try #require(asked.askingTails(last: 3).last)
        #expect(asked.toldBefore(second, last: 3) == nil)
    }

    @Test("A question that points back is read with what it points at")
    func referringQuestionReadWithTold() {
        let message =
            "ok so i left iop in april and ive been drinking since. my doctor wants to put me on naltrexone. does the center do that"
        let on = Self.matcher { $0.referringQuestionsReadWithTold = true }.match(message)
        #expect(on.decision.name == "fallback", "\(on.decision)")
    }

    @Test("Worry about what staff will think is the fear of judgment; whether they are the same people is not")
    func judgmentAndSameStaff() {
        let matcher = Fixtures.matcher
        #expect(matcher.match("will the counselors think im a failure").decision == .answer("fear_of_judgment"))
        #expect(matcher.match("is my therapist going to think i failed").decision == .answer("fear_of_judgment"))
        #expect(matcher.match("will the counselors be the same ones").decision == .answer("faq_same_staff"))
    }
}
