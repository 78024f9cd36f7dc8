import Testing

@testable import OpenDoorKit

/// Round 17: an answer's bare "Yes." read against the way the visitor asked, and evaluation labels of topics the
/// knowledge doesn't answer.
@Suite("Round 17 matching")
struct MatcherRoundSeventeenTests {
    private let responder = Responder(matcher: Fixtures.matcher)

    @Test(
        "A question asked the other way round, or with a condition the center never spoke of, is not answered “Yes.”",
        arguments: [
            "its been almost a year, is that too long",
            "is it too late to come back",
            "am i banned for leaving",
            "would they refuse to take me back",
            "has it been too long for me to rejoin",
            "im 16 and my parents made me do iop and i stopped going. can i come back without them knowing",
        ])
    func invertedQuestionLosesTheBareYes(message: String) {
        let (reply, match) = responder.respond(to: message)
        guard case .answer("faq_rejoin") = match.decision else {
            Issue.record("\(message) → \(match.decision)")
            return
        }
        #expect(!reply.text.hasPrefix("Yes"), "\(message) → \(reply.text)")
        // Round 21 (QA23 W21): a question turned round is answered "No."; one with a condition the center never
        // spoke of gets neither word.
        let turned = !message.contains("without")
        #expect(reply.text.hasPrefix((turned ? "No. " : "") + "It’s more common than you think."), "\(message) → \(reply.text)")
    }

    @Test("A plain “can i come back” keeps the center's “Yes.”, also after a story that says “without”")
    func plainQuestionKeepsTheYes() {
        for message in [
            "can i come back", "can i rejoin iop",
            "i left without telling anyone back in march and its been hard since. can i still come back to the program",
        ] {
            let (reply, match) = responder.respond(to: message)
            #expect(match.decision == .answer("faq_rejoin"), "\(message) → \(match.decision)")
            #expect(reply.text.hasPrefix("Yes. It’s more common"), "\(message) → \(reply.text)")
        }
    }

    @Test("Only a bare opening word goes, and only when the words ask otherwise")
    func fittedDropsOnlyTheBareWord() {
        let answer = "Yes. It’s more common than you think."
        let polar = Fixtures.knowledge.vocabulary.polarOpening
        #expect(polar.fitted(answer, to: ["is", "it", "too", "late"]) == "No. It’s more common than you think.")
        #expect(polar.fitted(answer, to: ["i", "know", "its", "probably", "way", "too", "late"]) == "It’s more common than you think.")
        #expect(polar.fitted(answer, to: ["can", "i", "come", "back"]) == answer)
        // "too" alone, or before a word that doesn't turn the question round, is not enough.
        #expect(polar.fitted(answer, to: ["can", "i", "come", "back", "too"]) == answer)
        #expect(polar.fitted(answer, to: ["me", "too", "can", "i", "come"]) == answer)
        // "away" turns it round only after "turn": "they gave my spot away" asks plainly.
        #expect(polar.fitted(answer, to: ["they", "gave", "my", "spot", "away", "can", "i"]) == answer)
        #expect(polar.fitted(answer, to: ["will", "they", "turn", "me", "away"]) != answer)
        let notBare = "Yesterday is gone."
        #expect(polar.fitted(notBare, to: ["is", "it", "too", "late"]) == notBare)
    }

    @Test("A line labeled with a topic the knowledge doesn't answer expects the fallback, as leave-one-out does")
    func fallbackTopicLabelsCountAsFallback() throws {
        let labels = Set(Fixtures.knowledge.intents.map(\.id) + [.fallback])
        let set = try EvaluationSet.parse(
            "insurance\tdo you take medicaid\nfallback\twhats the capital of peru\nfaq_relapse\twhat if i relapsed\n",
            file: "x.tsv", knownLabels: labels)
        let evaluation = Evaluation(matcher: Fixtures.matcher, set: set)
        #expect(evaluation.outcomes.map(\.item.label) == [.fallback, .fallback, "faq_relapse"])
        #expect(evaluation.accuracy == 1)
        #expect(evaluation.fallbackRate == 1)
        #expect(evaluation.missedRate == 0)
    }

    @Test(
        "Uncovered questions get the honest fallback, however many of the article's words come with them",
        arguments: [
            "will i get kicked out if its positive",
            "so i left in the spring and started using again. will they drug test me on the first day back",
            "i stopped going after my car broke down. what days and times do the groups meet now",
            "i need a note for my job saying i was in treatment",
        ])
    func uncoveredQuestionsFallBack(message: String) {
        let match = Fixtures.matcher.match(message)
        // Round 19: what the story tells may be answered ("…started using again": the relapse answer), as long as
        // the question's topic is said honestly beside it.
        if case .answer = match.decision, match.alsoUnknown != nil { return }
        guard case .fallback = match.decision else {
            Issue.record("\(message) → \(match.decision)")
            return
        }
    }

    @Test("Everyday ways to ask for the call reach the callback offer", arguments: ["can they call me", "could someone over there give me a call"])
    func everydayCallRequests(message: String) {
        #expect(Fixtures.matcher.match(message).decision == .answer("handoff"))
    }
}
