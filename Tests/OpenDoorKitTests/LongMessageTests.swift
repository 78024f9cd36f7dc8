import Foundation
import Testing

@testable import OpenDoorKit

@Suite("Long messages: a story, then the question")
struct LongMessageTests {
    @Test("Sentences and clauses are split, and the ones that ask are found")
    func parts() {
        let story = MessageParts(
            "been 4 months, lost my job, moved twice, and honestly i forgot my group even existed til today. "
                + "what happens if i show up again")
        #expect(story.hasFocus)
        #expect(story.focusText == "what happens if i show up again")
        #expect(story.parts.count == 5)

        let clause = MessageParts("i messed up really bad last month, can i still come back")
        #expect(clause.focusText == "can i still come back")

        let marked = MessageParts("my car died and i stopped going. it's been a while?")
        #expect(marked.focusText == "it's been a while")

        // Nothing asks: the last sentence is the point.
        let told = MessageParts("i stopped going in march. i want to come back now")
        #expect(told.focusText == "i want to come back now")

        // One plain sentence has no story around it; a decimal point doesn't end a sentence.
        #expect(!MessageParts("i left the program after 4.5 weeks").hasFocus)
        #expect(MessageParts.sentences(of: "i lasted 4.5 weeks. then i left").count == 2)
        #expect(MessageParts("so, what if i relapsed?").questions == ["so, what if i relapsed"])

        // After a comma, "who", "which", "when" usually open a relative clause, not a question.
        let relative = MessageParts(
            "im writing for my husband, who is too proud to ask. he stopped going in may, when work got busy. "
                + "would the center let him return?")
        #expect(relative.focusText == "would the center let him return")
        // They still ask with an asking phrase or a question mark.
        #expect(MessageParts("i stopped in may. ok, when can i start again").focusText == "when can i start again")
        #expect(MessageParts("i left in may. fine, when is the next group?").focusText.hasSuffix("when is the next group"))
    }

    @Test("Two questions: both are found, one per sentence")
    func questions() {
        let parts = MessageParts("i relapsed last month. can i still come back? and will it be the same counselor?")
        #expect(parts.questions == ["can i still come back", "and will it be the same counselor"])
    }

    static let stories = [
        "its been about four months since i stopped going, things got really hard at home and i lost my job. ",
        "ok so this is hard to type. my mom got sick in the spring and i was driving her to appointments every "
            + "day, then i just stopped going to group and never called anyone back. ",
    ]

    @Test(
        "The question decides, and confidence doesn't fall merely because the story is long",
        arguments: ["can i still come back", "do i have to start over", "what if i relapsed", "will they judge me"])
    func questionDecides(_ question: String) {
        let alone = Fixtures.matcher.match(question)
        guard case .answer(let intent) = alone.decision else {
            Issue.record("“\(question)” alone is not answered: \(alone.decision)")
            return
        }
        for story in Self.stories {
            let long = Fixtures.matcher.match(story + question)
            #expect(long.decision == .answer(intent), "“\(story + question)”")
            #expect(long.confidence >= 0.7 * alone.confidence, "“\(story + question)”: \(long.confidence)")
            #expect(long.analysis.focus == question)
        }
    }

    @Test("A second question answered elsewhere is offered as an option")
    func secondQuestion() {
        let message = "i relapsed last month and i feel awful. can i still come back? and will it be the same counselor?"
        let result = Fixtures.matcher.match(message)
        guard case .answer(let main) = result.decision, let other = result.alsoAsked else {
            Issue.record("not answered with another question: \(result.decision)")
            return
        }
        #expect(other != main)
        let reply = Responder(matcher: Fixtures.matcher).reply(for: result)
        #expect(reply.options.first == Responder(matcher: Fixtures.matcher).label(other))
    }

    @Test("A question joined by “and” is a question of its own; a story joined by “and” is not")
    func joinedQuestions() {
        #expect(
            MessageParts("can i come back and do they take medicaid").questions
                == ["can i come back", "and do they take medicaid"])
        #expect(MessageParts("how long is it and what days are groups").questions.count == 2)
        #expect(MessageParts("i relapsed and did drugs for a week, can i come back").questions == ["can i come back"])
        #expect(MessageParts("i want to come back and do the program again").parts.count == 1)
    }

    @Test("“, and can i …” after a clause that asks is a second question (QA17 V34)")
    func commaJoinedQuestion() {
        let message = "Does the program work with the VA, and can I come back without starting from scratch?"
        #expect(
            MessageParts(message).questions
                == ["Does the program work with the VA", "and can I come back without starting from scratch"])
        // After a story, "and can i" is still part of the one question the sentence asks.
        #expect(MessageParts("i relapsed in may, and can i still come back?").questions.count == 1)
        let result = Fixtures.matcher.match(message)
        #expect(result.decision == .answer("faq_start_over"), "\(result.decision)")
        #expect(result.alsoUnknown == "insurance")
    }

    @Test("What a clause asks starts at its question word or asking phrase")
    func askingTails() {
        #expect(
            MessageParts("i was scared of being judged and now i need to know what the copay is").askingTails
                == ["need to know what the copay is"])
        #expect(
            MessageParts("i relapsed in june and felt ashamed ever since, so what do i bring on the first day?")
                .askingTails == ["what do i bring on the first day"])
        #expect(MessageParts("i left in june. it was a bad time.").askingTails.isEmpty)
    }

    @Test(
        "A story that shares the article's words: a question the knowledge doesn't answer gets the honest fallback, a vague one the story's answer",
        arguments: [
            ("i left the program in june after i relapsed and ive felt ashamed ever since, i keep thinking about my "
                + "group and how i let them down. does my job find out if i go back", false),
            ("ive been out of iop since the spring because i started drinking again and my family is fed up with me, "
                + "is the building still the same one by the highway?", false),
            ("i stopped coming after my relapse because i was scared of being judged and now im ready to come back "
                + "but i need to know what the copay is", false),
            ("coming back is scary because i think everyone will know i relapsed and judge me. i used to go to the "
                + "evening group. how many people are in a group usually", false),
            ("i stopped going to iop because i was using again and i was too ashamed to sit in group. i want to try "
                + "again. what should i make for dinner tonight", false),
            ("i was sober 90 days then drank at my brothers birthday and it turned into a whole week. i havent been "
                + "back to group since. is that ok", true),
            ("i really liked my counselor, she was the only one i trusted there. if i come back will i get her again",
                true),
        ])
    func storyAroundQuestion(_ message: String, _ answered: Bool) {
        let result = Fixtures.matcher.match(message)
        switch result.decision {
        case .answer: #expect(answered, "“\(message)” was answered: \(result.decision)")
        case .fallback: #expect(!answered, "“\(message)” fell back")
        case .clarify: Issue.record("“\(message)”: \(result.decision)")
        }
    }

    @Test(
        "One question answered and one the knowledge doesn't answer: one reply with both, the answer's source",
        arguments: [
            ("can i come back and do they take medicaid", "faq_rejoin", "insurance"),
            ("do they take medicaid and can i still come back after relapsing", "faq_rejoin", "insurance"),
        ])
    func answeredAndUnknown(_ message: String, _ answered: String, _ unknown: String) throws {
        let responder = Responder(matcher: Fixtures.matcher)
        let (reply, match) = responder.respond(to: message)
        #expect(match.decision == .answer(IntentID(rawValue: answered)), "“\(message)”")
        #expect(match.alsoUnknown == IntentID(rawValue: unknown))
        let intent = try #require(Fixtures.knowledge.intent(IntentID(rawValue: answered)))
        let topic = try #require(Fixtures.knowledge.intent(IntentID(rawValue: unknown)))
        #expect(reply.intent == intent.id && reply.source == intent.heading)
        #expect(reply.text.hasPrefix(intent.answer))
        #expect(reply.text.contains(topic.answer) && reply.text.hasSuffix(Fixtures.knowledge.dialogue[.fallbackContact]))
    }

    @Test(
        "A goodbye ends the chat only when the message is one",
        arguments: [
            ("im done pretending im fine", false), ("im so done hiding how bad its been", false),
            ("im done", true), ("ok thats all for now, bye", true), ("gonna sit with this for a bit. bye for now", true),
            ("ill come back later, bye", true),
        ])
    func goodbye(_ message: String, _ ends: Bool) {
        let result = Fixtures.matcher.match(message)
        #expect((result.decision == .answer("goodbye")) == ends, "“\(message)”: \(result.decision)")
    }

    @Test(
        "Not wanting, not being ready and being of two minds don't start the callback request; hostility gets a calm fallback",
        arguments: [
            ("i dont want to come back", "unsure_ready"), ("part of me wants to, part of me doesnt", "unsure_ready"),
            ("im not ready", "unsure_ready"), ("not sure this is for me", "unsure_ready"),
            ("idk man half of me wants back in and half of me wants to forget the whole thing", "unsure_ready"),
            ("you people are useless", "fallback"), ("this is stupid", "fallback"),
        ])
    func stance(_ message: String, _ expected: String) {
        let reply = Responder(matcher: Fixtures.matcher).respond(to: message).reply
        #expect(reply.intent.rawValue == expected, "“\(message)”")
        #expect(reply.state == .open)
    }

    @Test("The long held-out section passes its floor (the same as Scripts/test), and repeats no training example")
    func longHeldOut() throws {
        let labels = Set(Fixtures.knowledge.intents.map(\.id) + [.fallback])
        let url = Fixtures.knowledgeDirectory.appendingPathComponent("eval/visitors-long.tsv")
        let set = try EvaluationSet.load(from: url, knownLabels: labels)
        #expect(set.items.count >= 150)
        #expect(set.overlaps(with: Fixtures.knowledge).isEmpty)
        let evaluation = Evaluation(matcher: Fixtures.matcher, set: set)
        #expect(evaluation.accuracy >= Self.longFloor, "accuracy \(evaluation.accuracy)")
    }

    /// CI's floor for `eval/visitors-long.tsv` (Scripts/test uses the same): a guard below the measured 0.830; the
    /// target is 0.85.
    static let longFloor = 0.82
}
