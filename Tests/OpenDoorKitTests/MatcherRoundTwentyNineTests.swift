import Testing

@testable import OpenDoorKit

/// Round 29 (issue 11): the matcher's known misreadings, by cause. Dev lines: Knowledge/eval/dev-s29-fold.tsv and
/// Knowledge/conversations/s29-fold.yaml.
@Suite("Matcher round 29: one weak word among unknown ones, times of using, looking after someone")
struct MatcherRoundTwentyNineTests {
    @Test(
        "One weak known word among words the knowledge never saw is no answer (QA35 S2-8)",
        arguments: [
            "\u{202E}evil\u{202C} text \u{01} zero\u{200B}width", "zxqv text blorp", "flurbo call snazzle",
            "\u{200B}glorpy text\u{200D} vrrmx",
        ])
    func loneWeakWord(message: String) {
        let result = Fixtures.matcher.match(message)
        #expect(result.decision == .fallback(topic: nil), "\(result.candidates)")
    }

    @Test("The rule reads tokens: one known word (even repeated) beside an unknown one; not a known word alone")
    func loneKnownWord() {
        let matcher = Fixtures.matcher
        let call = matcher.match("call").analysis.tokens
        #expect(call.count == 1)
        #expect(!matcher.isLoneKnownWord(call))
        #expect(matcher.isLoneKnownWord(call + ["zxqvblorp"]))
        #expect(matcher.isLoneKnownWord(call + ["zxqvblorp"] + call))
        #expect(!matcher.isLoneKnownWord(["zxqvblorp"]))
        // A weak word alone is judged as before ("callback" alone starts the form in the conversation tests).
        #expect(matcher.match("callback").decision == .answer("handoff"))
    }

    @Test("A time of using is not a time of day for groups; looking after someone is not a goodbye (QA34 S2-18, S2-4)")
    func timesAndCare() {
        let matcher = Fixtures.matcher
        let used = matcher.match("used last night, do i need to be clean first").analysis.tokens
        let evening = matcher.match("do you have night groups").analysis.tokens
        #expect(!used.contains { evening.contains($0) && $0.hasPrefix("~") }, "\(used) \(evening)")
        #expect(matcher.match("used last night, do i need to be clean first").decision == .answer("faq_relapse"))
        let care = matcher.match("i left to take care of my mom").analysis.tokens
        let bye = matcher.match("take care").analysis.tokens
        #expect(Set(care).isDisjoint(with: bye), "\(care) \(bye)")
        #expect(
            matcher.match("i left for six months to take care of my mom and now i want to come back").decision.name
                != "fallback")
    }

    @Test("A manner is not a discharge: 'dismissive' is not 'dismissed'")
    func dismissive() {
        let matcher = Fixtures.matcher
        let manner = matcher.match("my counselor was dismissive").analysis.tokens
        let kicked = matcher.match("i was dismissed").analysis.tokens
        #expect(Set(manner).isDisjoint(with: kicked.filter { $0.hasPrefix("~") }), "\(manner) \(kicked)")
    }
}
