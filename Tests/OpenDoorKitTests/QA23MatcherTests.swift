import Foundation
import Testing

@testable import OpenDoorKit

/// Round 21 (QA23's matching findings W9, W10, W13, W15, W19, W20, W21): follow-ups read with the last answer's
/// question, yes and no fitted to how a question is asked, and the center's copy fitted to a chat.
@Suite("QA23 matcher findings")
struct QA23MatcherTests {
    /// The replies to `messages` after the welcome.
    private static func replies(_ messages: [String]) -> [Reply] { MatcherRoundNineteenTests.replies(messages) }

    private static var polar: PolarOpening { Fixtures.knowledge.vocabulary.polarOpening }

    @Test("A bare yes: turned into a no for a question turned round, left out for either-or and how-questions")
    func polarOpenings() {
        let answer = "Yes. It’s more common than you think."
        let rest = "It’s more common than you think."
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("can i come back")) == answer)
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("is it too late to come back")) == "No. " + rest)
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("am i banned for leaving")) == "No. " + rest)
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("am i kicked out now")) == "No. " + rest)
        // The turning word far from the question's first word: a story, not the question; left out, never turned.
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("i thought they had banned me, can i come back")) == rest)
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("can i just show up or do i have to call first")) == rest)
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("how do i do that")) == rest)
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("can i come back without my parents knowing")) == rest)
        // "or whatever" offers no second question.
        #expect(Self.polar.fitted(answer, to: TextNormalizer.words("is it too late or whatever")) == "No. " + rest)
    }

    @Test("The article's link lines are left out of answers; an answer of only such lines stays")
    func linkLines() throws {
        let left = try #require(Fixtures.knowledge.intent("left_program")).answer
        #expect(left.contains(Responder.linkMark))
        let reply = Responder(matcher: Fixtures.matcher).answer("left_program")
        #expect(!reply.text.contains(Responder.linkMark) && reply.text.contains("you can still heal"), "\(reply.text)")
        #expect(Responder.withoutLinkLines("A.\n👉 Read more.\nB.") == "A.\nB.")
        #expect(Responder.withoutLinkLines("👉 Read more.") == "👉 Read more.")
    }

    @Test("An \"I don't know\" the answer already says is not added; another is")
    func alreadySays() throws {
        let privacy = try #require(Fixtures.knowledge.intent("privacy")).answer
        let disclosure = Responder(matcher: Fixtures.matcher).fallback(topic: "disclosure", confidence: 1).text
        let hours = Responder(matcher: Fixtures.matcher).fallback(topic: "hours", confidence: 1).text
        #expect(Responder.alreadySays(privacy, disclosure))
        #expect(!Responder.alreadySays(privacy, hours))
        let asked = Self.replies(["is this chat private? could my parole officer see it"])[0]
        #expect(asked.text.components(separatedBy: "shares").count == 2, "\(asked.text)")
    }

    @Test("Short forms are read from the copy's own \"words (SHORT)\"")
    func shortForms() {
        let found = Conversation.shortForms(in: "If you’ve dropped out of an intensive outpatient program (IOP) or…")
        #expect(found.map(\.short) == ["IOP"] && found.map(\.long) == ["intensive outpatient program"])
        #expect(Conversation.shortForms(in: "a program (not IOP) (OK)").isEmpty)
        let said = Self.replies(["what does iop stand for", "whats the iop like"])
        #expect(said[0].text == "IOP stands for intensive outpatient program.", "\(said[0].text)")
        #expect(said[1].intent == "what_return_looks_like", "\(said[1].intent)")
    }

    @Test("A short follow-up is read with the question before it; one that only points back is asked about")
    func followUps() {
        let staff = Self.replies(["will the same people be in my group", "what about the counselor"])
        #expect(staff.map(\.intent) == ["faq_same_staff", "faq_same_staff"])
        let vague = Self.replies(["will i have to start over", "what about the other one"])
        #expect(vague[1].intent == .clarify && vague[1].text == Fixtures.knowledge.dialogue[.followUpUnclear])
        // Its own topic, named: answered on its own.
        let own = Self.replies(["will the same people be in my group", "what about insurance"])
        #expect(own[1].topic == "insurance", "\(own[1].text)")
        // Without an answer before it, nothing is carried: read alone, the follow-up is matched on its own words, whose
        // confidence differs from the reading with the question before it (which intent wins alone is the matcher's
        // call on two words, not this test's).
        let alone = Self.replies(["what about the counselor"])[0]
        #expect(staff[1].confidence != alone.confidence, "carried: \(staff[1].confidence), alone: \(alone.confidence)")
        // A crisis reply in between: the question before it isn't carried over; the follow-up is read as if alone.
        let after = Self.replies(["will the same people be in my group", "i want to kill myself", "what about the counselor"])
        #expect(after[1].crisis)
        // (A question answered after a crisis reply reports no match confidence of its own: the intent is compared.)
        #expect(after[2].intent == alone.intent, "\(after[2].text)")
    }

    @Test("A region named gets the center's own line about it")
    func regionLine() {
        let asked = Self.replies(["do you have a program in atlanta"])[0]
        #expect(asked.text.hasPrefix("If you’re in or around metro Atlanta"), "\(asked.text)")
        // Not named: the answer as it was.
        let plain = Self.replies(["how do i reach the center"])[0]
        #expect(!plain.text.hasPrefix("If you’re in or around"), "\(plain.text)")
    }
}
