import Testing

@testable import OpenDoorKit

/// Round 23 (issue 11): worry about what staff will think is the fear of judgment. (The round's three rules that let a
/// long message's question decide over its story shipped off, moved no held-out guess, and were removed in round 24.)
@Suite("Matcher round 23: fear of judgment and the same staff")
struct MatcherRoundTwentyThreeTests {
    @Test("Worry about what staff will think is the fear of judgment; whether they are the same people is not")
    func judgmentAndSameStaff() {
        let matcher = Fixtures.matcher
        #expect(matcher.match("will the counselors think im a failure").decision == .answer("fear_of_judgment"))
        #expect(matcher.match("is my therapist going to think i failed").decision == .answer("fear_of_judgment"))
        #expect(matcher.match("will the counselors be the same ones").decision == .answer("faq_same_staff"))
    }
}
