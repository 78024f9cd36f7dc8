import Testing

@testable import OpenDoorKit

@Suite("Callback steps read sentences")
struct StepAnswerTests {
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    @Test("every kind of answer word has a bit of its own (a kind past the set's capacity would never be found)")
    func kindsFit() {
        #expect(AnswerWord.allCases.count <= StepAnswer.KindBits.capacity)
        for (index, kind) in AnswerWord.allCases.enumerated() {
            let bit = StepAnswer.KindBits(index)
            #expect(bit.intersects(bit), "\(kind)")
            if index > 0 { #expect(!bit.intersects(StepAnswer.KindBits(index - 1)), "\(kind)") }
        }
    }

    @Test("a kind's ordinal, which the tables of kinds are indexed by, is its place in allCases")
    func ordinals() {
        for (index, kind) in AnswerWord.allCases.enumerated() { #expect(kind.ordinal == index, "\(kind)") }
    }

    @Test(
        "Yes, no, a discreet yes and no voicemail at all, wherever they stand",
        arguments: [
            ("voicemail is fine", AnswerWord.yes), ("a voicemail is ok i guess", .yes), ("yes", .yes),
            ("i dont mind", .yes), ("sure thing", .yes), ("that would help", .yes), ("ok to leave a msg", .yes),
            ("voicemail is fine as long as it doesn't say the name", .discreet),
            ("only if it doesnt say the center name", .discreet), ("just say its a callback", .discreet),
            ("yes but don’t name the center", .discreet), ("discreet is fine", .discreet),
            ("no", .no), ("thats not ok", .no), ("i guess not", .no), ("please dont", .no),
            ("no voicemails please", .noVoicemail), ("no voicemail", .noVoicemail), ("dont leave a message", .noVoicemail),
            ("please dont leave a voicemail", .noVoicemail), ("text is fine", .noVoicemail),
            ("nah keep it private", .noVoicemail), ("no message please, just call", .noVoicemail),
            // The most private answer wins when a message holds several.
            ("yes ok but actually no voicemail", .noVoicemail),
        ])
    func voicemail(_ message: String, _ expected: AnswerWord) {
        #expect(
            Self.answers.read(message, among: [.noVoicemail, .discreet, .no, .yes]) == expected, "“\(message)”")
    }

    @Test(
        "Not wanting the call is taken out of a line, clause by clause, and the rest kept with its punctuation",
        arguments: [
            ("nah dont call anyone. i have a plan", "nah. i have a plan"), ("no dont call me", "no"),
            ("dont call anyone", ""), ("No, don't call me. Can I still come back?", "no, can i still come back?"),
            ("dont call 911", "dont call 911"),
        ])
    func callOffRemoved(_ message: String, _ expected: String) {
        #expect(Self.answers.removing(.callOff, from: message) == expected)
    }

    @Test("A yes and a no together, or neither, is not an answer")
    func unclear() {
        #expect(Self.answers.read("yes no maybe", among: [.no, .yes]) == nil)
        #expect(Self.answers.read("what do you mean", among: [.no, .yes]) == nil)
        #expect(Self.answers.read("", among: [.no, .yes]) == nil)
        // Without `discreet` among the kinds, a private-only voicemail is read as a no.
        #expect(Self.answers.read("nah keep it private", among: [.no, .yes]) == .no)
    }

    @Test(
        "Cancel phrases in sentences cancel; a cancel word inside a longer answer doesn't",
        arguments: [
            ("nah never mind, forget the whole thing", true), ("cancel", true), ("ok cancel", true),
            ("ugh forget it", true), ("actually i changed my mind", true), ("stop", true),
            ("stop by tomorrow after lunch is best", false), ("evenings", false), ("no", false),
        ])
    func cancel(_ message: String, _ cancels: Bool) {
        #expect(Self.answers.cancels(message) == cancels, "“\(message)”")
    }

    @Test("Hello and thanks are whole messages")
    func courtesy() {
        #expect(Self.answers.isOnly("Hi!", .hello))
        #expect(Self.answers.isOnly("thank you", .thanks))
        #expect(!Self.answers.isOnly("hi can i come back", .hello))
    }

    @Test("A best time keeps the visitor's words, and the part of the day for sorting")
    func bestTime() throws {
        let options = ["Morning", "Afternoon", "Evening", "Any time"]
        let said = try #require(TimeAnswer("after 5 on weekdays", options: options))
        #expect(said.time == .evening)
        #expect(said.said == "after 5 on weekdays")
        #expect(said.display == "after 5 on weekdays (evening)")
        let plain = try #require(TimeAnswer("Evening", options: options))
        #expect(plain.said == nil && plain.display == "evening")
        #expect(TimeAnswer("3", options: options)?.said == nil)
        #expect(TimeAnswer("purple", options: options) == nil)
    }

    @Test(
        "A number said in words is read: “oh” and “o” are zero after the first digit, “double” and “triple” repeat (QA17 V1)",
        arguments: [
            ("my number is four seven oh, five five five, zero one nine eight", "4705550198"),
            ("four oh four five double five zero one two three", "4045550123"),
            ("seven seven o triple five zero one four two", "7705550142"),
            ("oh its four seven zero five five five zero one two three", "4705550123"),
            ("four seven oh", nil),
        ] as [(String, String?)])
    func spelledDigits(_ message: String, _ expected: String?) {
        #expect(Self.answers.spelledDigits(in: message) == expected, "“\(message)”")
    }

    @Test("A part of the day ruled out, and none named, is kept as said (QA17 V21, QA22 W8)")
    func partRuledOut() throws {
        let options = ["Morning", "Afternoon", "Evening", "Any time"]
        let notMornings = try #require(TimeAnswer("not mornings", options: options, words: Self.answers))
        // Not "any time": staff read the words (QA22 W8).
        #expect(notMornings.time == .asSaid && notMornings.said == "not mornings")
        // "afternoons only not mornings" names the afternoon.
        #expect(TimeAnswer("afternoons only not mornings", options: options, words: Self.answers)?.time == .afternoon)
    }

    @Test("A number picks an option, or is out of range")
    func numbers() {
        #expect(OptionChoice("2", options: ["a", "b"]) == .picked("b"))
        #expect(OptionChoice("3", options: ["a", "b"]) == .outOfRange)
        #expect(OptionChoice("0", options: ["a"]) == .outOfRange)
        #expect(OptionChoice("2", options: []) == nil)
        #expect(OptionChoice("hi", options: ["a"]) == nil)
        #expect(OptionChoice.numbers(2, or: "or") == "1 or 2")
        #expect(OptionChoice.numbers(4, or: "or") == "1, 2, 3 or 4")
    }
}
