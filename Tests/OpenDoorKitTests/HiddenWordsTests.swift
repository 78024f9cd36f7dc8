import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// Round 25 (QA28): crisis words hidden by the general ways people hide them, each read by one mechanism, not by a list
/// of messages: letters behind `*` or `#` ("k**l"), a split with a short half that is no word ("li fe", "o / d"), and
/// words run together ("iwanttodieiwanttodie"). Messages written for these tests.
@Suite("Hidden words")
struct HiddenWordsTests {
    private var safety: CrisisDetector { ConversationTests.assistant.safety }

    private static let masked = MaskedWords(["kill", "suicide", "die", "cut", "life", "hang", "hung"])

    @Test(
        "A masked word is read as the one listed word it fits",
        arguments: [
            ("i want to k**l myself", "i want to kill myself"), ("gonna k#ll myself", "gonna kill myself"),
            ("s**cide", "suicide"), ("d*e tonight", "die tonight"), ("end my l*fe", "end my life"),
            ("K**L myself", "kill myself"),
        ])
    func maskedRead(_ pair: (String, String)) {
        #expect(Self.masked.unmasked(pair.0) == pair.1)
    }

    @Test(
        "A masked word that fits no listed word, or several, or is mostly masks, is left as typed",
        arguments: ["sh*t i forgot", "f**king bus", "h*ng on", "*really*", "k*** myself", "nothing masked", "a**"])
    func maskedLeft(_ text: String) {
        #expect(Self.masked.unmasked(text) == nil, "\(text)")
    }

    @Test(
        "Words run together are cut into the fewest words the rules know",
        arguments: [
            // The rules' spellings know "iwanttodie", "imgoingto" and "killmyself" as words: fewest means those.
            ("iwanttodieiwanttodie", "iwanttodie iwanttodie"),
            ("imgoingtokillmyselftonight", "imgoingto killmyself tonight"),
            ("idontwanttobealiveanymore", "i dont want to be alive anymore"),
        ])
    func runTogetherCut(_ pair: (String, String)) throws {
        let index = SafetyIndex(rules: ConversationTests.assistant.safety.rules)
        let separated = try #require(RunTogetherWords.separated(pair.0, index: index), "\(pair.0)")
        #expect(separated == pair.1, "\(separated)")
    }

    @Test(
        "A word the rules know, a run that may be one word typed, and a run too long are left as typed",
        arguments: ["therapist", "overdosed", "someone", String(repeating: "a", count: 4000), "kms"])
    func runTogetherLeft(_ text: String) {
        let index = SafetyIndex(rules: ConversationTests.assistant.safety.rules)
        #expect(RunTogetherWords.separated(text, index: index) == nil, "\(text.prefix(40))")
    }

    @Test(
        "The crisis check reads masked, split and run-together crisis words as the words",
        arguments: [
            "i want to k**l myself", "i want to end my li fe", "iwanttodieiwanttodie", "imgoingtokillmyselftonight",
            "i want to o / d on all my pills", "thinking about s**cide again", "goingtoendittonight",
        ])
    func crisisFound(_ message: String) throws {
        let found = try #require(safety.assess(message), "\(message)")
        #expect(found.level == .crisis, "\(message)")
    }

    @Test(
        "Ordinary masked swearing, words run together and letters around a slash stay calm",
        arguments: [
            "sh*t i forgot my intake paperwork", "iwanttocomeback", "imgoingtogroupagaintomorrow", "a / b schedule?",
            "whats the w/e schedule", "my life is better now", "mylifeisbetternow", "my therapist said to come back",
        ])
    func calm(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }

    @Test("A message of one 4,000-letter word or 2,000 masked letters is read in bounded time")
    func worstCases() {
        // Loaded before anything is measured (the first test to ask loads the shipped knowledge).
        let safety = self.safety
        for message in [
            String(repeating: "a", count: 4000), String(repeating: "k*", count: 2000),
            String(repeating: "iwanttodie ", count: 360), String(repeating: "o / ", count: 1000),
            String(repeating: "li fe ", count: 660),
        ] {
            // The thread's CPU time, not the wall clock: under CI's load the thread waits for a core for seconds,
            // which says nothing about the work. Generous: a debug build; the timing floor itself is
            // `opendoor load --phase worst`.
            let spent = threadCPUTime { _ = safety.assess(message) }
            #expect(spent < .seconds(2), "\(message.prefix(20)): \(spent) of CPU")
        }
    }
}
