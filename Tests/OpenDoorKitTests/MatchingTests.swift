import Foundation
import Testing

@testable import OpenDoorKit

@Suite("Normalizing, stemming and typos")
struct TextTests {
    @Test("Case, curly quotes, apostrophes and punctuation fold to plain words")
    func normalization() {
        #expect(TextNormalizer.words("Will THEY be mad?!") == ["will", "they", "be", "mad"])
        #expect(TextNormalizer.words("don’t  don't dont") == ["dont", "dont", "dont"])
        #expect(TextNormalizer.words("re-enroll… “please” 🙏") == ["re", "enroll", "please"])
        #expect(TextNormalizer.words("") == [])
        #expect(TextNormalizer.words("ÉCOLE naïve—Straße 🙂x") == ["école", "naïve", "straße", "x"])
        #expect(TextNormalizer.normalize("  Don’t   GO, ok?? ") == "dont go ok")
    }

    @Test("Trimming keeps inner spaces and drops every kind of outer whitespace")
    func trimming() {
        #expect("plain".trimmingWhitespace() == "plain")
        #expect("  two words \n".trimmingWhitespace() == "two words")
        #expect("\u{00A0}é\u{2003}".trimmingWhitespace() == "é")
        #expect(" \t\r\n ".trimmingWhitespace() == "")
    }

    @Test(
        "Porter2 stems like the reference implementation",
        arguments: [
            ("relapsed", "relaps"), ("relapsing", "relaps"), ("relapses", "relaps"), ("consign", "consign"),
            ("consigned", "consign"), ("consigning", "consign"), ("consignment", "consign"),
            ("consolation", "consol"), ("knightly", "knight"), ("generously", "generous"), ("skies", "sky"),
            ("dying", "die"), ("news", "news"), ("hopping", "hop"), ("hoped", "hope"), ("cats", "cat"),
            ("caresses", "caress"), ("ponies", "poni"), ("ghosted", "ghost"), ("judged", "judg"), ("a", "a"),
        ])
    func stems(_ word: String, _ stem: String) {
        #expect(PorterStemmer.stem(word) == stem)
    }

    @Test(
        "Typos are corrected against the knowledge's words",
        arguments: [("relasped", "relapsed"), ("councelor", "counselor"), ("progam", "program"), ("jugde", "judge")])
    func typos(_ typed: String, _ corrected: String) {
        let analysis = Fixtures.matcher.analyze(typed)
        #expect(analysis.corrections.first?.corrected == corrected, "\(analysis)")
    }

    @Test(
        "Typos still correct while common English words are read as written",
        arguments: [("relasped", "relapsed"), ("progam", "program"), ("counsler", "counselor")])
    func typosBesideCommonWords(_ typed: String, _ corrected: String) {
        #expect(Fixtures.knowledge.commonWords.contains("woke"))
        let analysis = Fixtures.matcher.analyze("i woke up and \(typed)")
        #expect(analysis.words.contains("woke"), "\(analysis)")
        #expect(analysis.corrections.map(\.corrected) == [corrected], "\(analysis)")
        // "programm" is a word of the knowledge itself (an example written with typos), so it is read as written,
        // as it was before common words were kept.
        #expect(Fixtures.matcher.analyze("programm").words == ["programm"])
    }

    @Test("A common English word the knowledge doesn't use is not a typo of one it does")
    func commonWordsStay() {
        let words = ["woke", "wake", "relapsed"]
        let plain = Analyzer(vocabulary: Vocabulary(), corpus: ["wake", "relapsed"])
        #expect(plain.analyze("woke").corrections.map(\.corrected) == ["wake"])
        let guarded = Analyzer(vocabulary: Vocabulary(), corpus: ["wake", "relapsed"], commonWords: Set(words))
        #expect(guarded.analyze("woke").corrections.isEmpty)
        #expect(guarded.analyze("relasped").corrections.map(\.corrected) == ["relapsed"])
    }

    @Test("Known words, short words and numbers are left alone")
    func noCorrection() {
        let corrector = SpellingCorrector(vocabulary: ["relapsed": 3, "group": 2])
        #expect(corrector.correction(for: "group") == nil)
        #expect(corrector.correction(for: "grp") == nil)
        #expect(corrector.correction(for: "2023") == nil)
        #expect(corrector.correction(for: "zebra") == nil)
        #expect(corrector.correction(for: "gruop") == "group")
    }

    @Test("Synonyms and shorthand meet: ghosted my cohort = dropped out of my group")
    func synonyms() {
        let a = Fixtures.matcher.analyze("i ghosted my cohort").tokens
        let b = Fixtures.matcher.analyze("i dropped out of my group").tokens
        #expect(a == b)
        #expect(Fixtures.matcher.analyze("they’ll be mad").tokens == Fixtures.matcher.analyze("theyll be angry").tokens)
    }
}

@Suite("Matching decisions")
struct MatcherTests {
    @Test("The answer threshold falls with a message's length, from 20 words to 30, and no further")
    func longMessageThreshold() {
        let matcher = Fixtures.matcher
        let configuration = matcher.configuration
        #expect(matcher.answerThreshold(words: 3) == configuration.answerThreshold)
        #expect(matcher.answerThreshold(words: 20) == configuration.answerThreshold)
        #expect(matcher.answerThreshold(words: 30) == configuration.longAnswerThreshold)
        #expect(matcher.answerThreshold(words: 300) == configuration.longAnswerThreshold)
        let middle = matcher.answerThreshold(words: 25)
        #expect(middle < configuration.answerThreshold && middle > configuration.longAnswerThreshold)
        #expect(abs(middle - (configuration.answerThreshold + configuration.longAnswerThreshold) / 2) < 1e-9)
    }

    @Test(
        "Visitors' phrasing reaches the right answer",
        arguments: [
            ("what if i relapsed", "faq_relapse"), ("relasped", "faq_relapse"), ("i ghosted my group", "left_program"),
            ("will they be mad at me", "fear_of_judgment"), ("will i have to start over", "faq_start_over"),
            ("is this anonymous", "privacy"), ("are you a real person", "bot_identity"),
        ])
    func answers(_ message: String, _ intent: String) {
        let result = Fixtures.matcher.match(message)
        #expect(result.decision == .answer(IntentID(rawValue: intent)), "\(result.candidates)")
        #expect(result.confidence > 0 && result.confidence <= 1)
    }

    @Test(
        "Questions the knowledge doesn't answer get the fallback, never a near miss",
        arguments: ["do you take insurance", "how much does it cost", "what are your hours", "can i get suboxone",
            "do you do detox", "is there a bus that goes there"])
    func unansweredTopics(_ message: String) {
        let result = Fixtures.matcher.match(message)
        guard case .fallback = result.decision else {
            Issue.record("\(message) → \(result.decision)")
            return
        }
    }

    @Test("Off-topic lines and gibberish fall back", arguments: ["asdfgh jkl", "🙂🙂", "who won the game last night", ""])
    func offTopic(_ message: String) {
        #expect(Fixtures.matcher.match(message).decision.name == "fallback")
    }

    @Test("Two close intents make a clarify question with both as options")
    func clarify() throws {
        let center = CenterFacts(values: ["name": "X", "phone": "1"])
        let dialogue = Fixtures.knowledge.dialogue
        let knowledge = Knowledge(
            center: center,
            intents: [
                Intent(id: "a", heading: "Group times", answer: "A", examples: ["group schedule times", "when is group"]),
                Intent(id: "b", heading: "Group size", answer: "B", examples: ["group schedule size", "how big is group"]),
            ], vocabulary: Vocabulary(), dialogue: dialogue)
        let matcher = Matcher(knowledge: knowledge)
        let result = matcher.match("group schedule")
        #expect(result.decision == .clarify("a", "b") || result.decision == .clarify("b", "a"), "\(result.candidates)")
        let reply = Responder(matcher: matcher).reply(for: result)
        #expect(reply.intent == .clarify)
        #expect(Set(reply.options) == ["Group times", "Group size"])
    }

    @Test("The reply object has exactly the documented JSON fields")
    func jsonShape() throws {
        let reply = Responder(matcher: Fixtures.matcher).respond(to: "what if i relapsed").reply
        let data = try JSONEncoder().encode(reply)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["text", "intent", "source", "confidence", "options", "state", "crisis"])
        #expect(object["intent"] as? String == "faq_relapse")
        #expect(object["source"] as? String == "What if I relapsed while I was gone?")
        #expect(object["state"] as? String == "open")
        #expect(object["crisis"] as? Bool == false)
        let fallback = Responder(matcher: Fixtures.matcher).respond(to: "what's the capital of peru").reply
        #expect(fallback.intent == .fallback)
        #expect(fallback.text.contains("(470) 284-1834"))
    }
}

@Suite("Evaluation")
struct EvaluationTests {
    @Test("The shipped evaluation set passes the 0.90 floor (the same as Scripts/test)")
    func shippedSetPasses() throws {
        let labels = Set(Fixtures.knowledge.intents.map(\.id) + [.fallback])
        let set = try EvaluationSet.load(
            from: Fixtures.knowledgeDirectory.appendingPathComponent("eval/visitors.tsv"), knownLabels: labels)
        #expect(set.items.count >= 200)
        let evaluation = Evaluation(matcher: Fixtures.matcher, set: set)
        #expect(evaluation.accuracy >= 0.90, "accuracy \(evaluation.accuracy)")
    }

    @Test("No held-out line repeats a training example, word for word or nearly")
    func heldOutIsNew() throws {
        let labels = Set(Fixtures.knowledge.intents.map(\.id) + [.fallback])
        let set = try EvaluationSet.load(
            from: Fixtures.knowledgeDirectory.appendingPathComponent("eval/visitors.tsv"), knownLabels: labels)
        let overlaps = set.overlaps(with: Fixtures.knowledge)
        #expect(overlaps.isEmpty, "\(overlaps.map { "line \($0.item.line): \($0.item.text) ≈ \($0.example)" })")
        // The check itself finds copies: exact (after case and punctuation) and near ones.
        let copied = try EvaluationSet.parse(
            "faq_relapse\tWhat if I RELAPSED?\nfaq_relapse\tsomething nobody wrote before\n", file: "x.tsv",
            knownLabels: labels)
        #expect(copied.overlaps(with: Fixtures.knowledge).map(\.item.line) == [1])
    }

    @Test("A wrongly labeled set fails the gate, and bad lines are named")
    func gateCanFail() throws {
        let set = try EvaluationSet.parse(
            "faq_relapse\twhat if i relapsed\nprivacy\twill they be mad at me\n", file: "x.tsv",
            knownLabels: ["faq_relapse", "privacy", "fear_of_judgment"])
        let evaluation = Evaluation(matcher: Fixtures.matcher, set: set)
        #expect(evaluation.accuracy == 0.5)
        #expect(evaluation.confusions().first?.expected == "privacy")
        // The privacy line answered with another intent is a guess, counted over all messages.
        #expect(evaluation.wrongAnswerRate == 0.5)
        let honest = Evaluation(
            matcher: Fixtures.matcher,
            set: try EvaluationSet.parse(
                "insurance\tdo you take medicaid\nfaq_relapse\twhat if i relapsed\n", file: "y.tsv",
                knownLabels: ["insurance", "faq_relapse"]))
        #expect(honest.wrongAnswerRate == 0)
        do {
            _ = try EvaluationSet.parse("# ok\nnot_an_intent\thello\nno tab here\n", file: "x.tsv", knownLabels: ["a"])
            Issue.record("bad lines were accepted")
        } catch {
            #expect(error.diagnostics.map(\.line) == [2, 3])
        }
    }
}
