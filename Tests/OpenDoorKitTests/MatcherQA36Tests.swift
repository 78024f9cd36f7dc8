import Testing

@testable import OpenDoorKit

/// Round 29 (s29-qa36m, issue 11): the QA36 stranger's matcher findings, by cause. Dev lines:
/// Knowledge/eval/dev-s29-qa36m.tsv and Knowledge/conversations/s29-qa36m.yaml.
@Suite("Matcher QA36: a statement asks nothing, a story beside a topic must look like its answer")
struct MatcherQA36Tests {
    @Test("A message asks nothing without a question mark or an asking clause (QA36 S3-5)")
    func asksNothing() {
        let matcher = Fixtures.matcher
        #expect(matcher.match("i dont want to see my old counselor again").asksNothing)
        #expect(matcher.match("id rather have a different therapist this time").asksNothing)
        #expect(!matcher.match("will the same staff be there").asksNothing)
        #expect(!matcher.match("my old counselor, still there?").asksNothing)
    }

    @Test("An opening that only answers a question is left out for a statement, kept for a question")
    func questionOnlyOpening() {
        let polar = PolarOpening(bareWords: ["Yes.", "No."], questionOnly: ["Possibly—but not always."])
        #expect(polar.questionOnlyRest(of: "Possibly—but not always. Staff may change.") == "Staff may change.")
        #expect(polar.questionOnlyRest(of: "Yes. It’s common.") == nil)
    }

    @Test("A circumstance sharing a pair of words with an answer is no story to answer beside a topic (QA36 S2-5)")
    func storyBesideTopic() {
        let matcher = Fixtures.matcher
        let result = matcher.match("is there a virtual option, im on the road all week")
        #expect(result.decision == .fallback(topic: "other_services"), "\(result.candidates)")
        // A story the knowledge answers clearly still is ("i relapsed hard… are they gonna drug test me").
        let relapse = matcher.match("i relapsed hard. are they gonna drug test me")
        #expect(relapse.decision == .answer("faq_relapse"), "\(relapse.candidates)")
    }
}
