import Foundation
import Testing

@testable import OpenDoorKit

/// Round 19 (issue 9, s19-crisis): emoji read as the words they stand for, plans told without a means, slang quoted or
/// reported, and short typos that must not land on another word. Messages written for these tests, none from an
/// evaluation file.
@Suite("Crisis check, round 19: emoji, plans without a means, quoted slang, short typos")
struct CrisisRoundNineteenTests {
    private var safety: CrisisDetector { ConversationTests.assistant.safety }

    private func level(_ message: String) -> SafetyLevel? { safety.assess(message)?.level }

    // MARK: Emoji

    @Test("The emoji table loads from the file and reads each emoji as its words; a variation selector is ignored")
    func emojiTableLoads() throws {
        let yaml = """
            emoji:
              pills: ["💊"]
              the end: ["🔚"]
              coffin: ["⚰️"]
            categories:
              - id: suicide
                reply: "Call or text 988. Call 911 in an emergency."
                patterns: ["pills pills", "coffin tonight", "the end $"]
            """ + Self.otherCategories
        let detector = CrisisDetector(rules: try SafetyRules.parse(yaml: yaml, file: "test.yaml"))
        // Emoji alone are read after the word that marks them (round 28, QA35 S1-5); with words, as they stand.
        #expect(detector.reading("💊💊") == "emojionly  pills  pills ")
        #expect(detector.reading("💊💊 all of them") == " pills  pills  all of them")
        #expect(detector.reading("💊 x2") == " pills  x2")
        #expect(detector.reading("plain text stays") == "plain text stays")
        #expect(detector.reading("😂 🙏") == "😂 🙏")
        #expect(detector.assess("💊💊")?.level == .crisis)
        #expect(detector.assess("⚰️ tonight")?.level == .crisis)
        #expect(detector.assess("this is 🔚")?.level == .crisis)
        #expect(detector.assess("🙏🙏") == nil)
    }

    @Test(
        "An emoji entry must be one character that is not a letter, read as words in a–z, and listed once",
        arguments: [
            ("pills: [\"💊💊\"]", "one emoji"), ("pills: [\"a\"]", "one emoji"), ("\"🔚\": [\"💊\"]", "plain letters"),
            ("pills: [\"💊\"]\n  pill: [\"💊\"]", "already read as"),
        ])
    func emojiTableErrors(_ entries: String, _ expected: String) {
        let yaml = "emoji:\n  \(entries)\ncategories:\n  - id: suicide\n    reply: \"988 911\"\n    patterns: [x]\n"
            + Self.otherCategories
        do {
            _ = try SafetyRules.parse(yaml: yaml, file: "test.yaml")
            Issue.record("expected an error for \(entries)")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }

    private static let otherCategories = CrisisCategory.allCases.filter { $0 != .suicide }.map {
        "\n  - id: \($0.rawValue)\n    reply: \"Call or text 988. Call 911 in an emergency.\"\n    patterns: [zzzz\($0.rawValue)]"
    }.joined() + "\n"

    @Test(
        "Emoji of a means, an injury or an ending carry their meaning in the shipped rules",
        arguments: [
            "💊💊💊💊 every single one. bye", "🔫 tonight, sorry", "🔫 is loaded and ready", "🪢🪢", "🔪 about to. can someone stop me",
            "🩸🩸 wont stop and its deep", "⚰️ would be such a relief", "💤 forever sounds good rn", "🪦 soon probably",
        ])
    func emojiMeaning(_ message: String) {
        #expect(level(message) != nil, "\(message)")
    }

    @Test(
        "Everyday emoji raise nothing: laughing skulls, crying faces, praying hands, pills taken as prescribed",
        arguments: [
            "im dead 😂💀", "💀💀💀 that meme", "😭😭 i miss my group so much", "🙏 thank you, see you thursday",
            "took my 💊 this morning like my doctor said", "🍺 used to be my whole weekend, 60 days now",
            "🪢 learning knots with my scout troop, can i still do evenings", "😵 this insurance paperwork is confusing",
        ])
    func everydayEmoji(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }

    // MARK: Plans told without a means

    @Test(
        "A plan with a time soon, the mind made up, letters to everyone, things given away: the crisis reply",
        arguments: [
            "chose the day. saturday", "everything is ready. tomorrow", "made up my mind and nobody can say anything to change it",
            "been saving them up for weeks, tonight im taking them", "gave my cat to the neighbor, i wont need her anymore",
            "sent messages to my family", "tonights the night",
        ])
    func planCrisis(_ message: String) {
        #expect(level(message) == .crisis, "\(message)")
    }

    @Test(
        "A plan said alone, last things, knowing how and when: at least the check-in",
        arguments: [
            "got it all ready", "picked the date.", "i know how and when", "final dinner tonight, made my favorite",
            "hugged my mom one last time", "tidied up so nobody has to deal with my mess after",
        ])
    func planCheckIn(_ message: String) {
        #expect(level(message) != nil, "\(message)")
    }

    @Test(
        "Ordinary plans stay calm: a date to come back, step-9 letters, a last day drinking, tonight's the night to call",
        arguments: [
            "picked the date to come back, monday the 4th", "everything is ready for my intake tomorrow",
            "i decided to come back tomorrow", "wrote letters to everyone i hurt for my step 9 amends",
            "this is my last day drinking, starting fresh", "tonight is the night i finally call you guys back",
            "saw my sponsor one last time before she moved away", "said goodbye to my old friends that still use",
        ])
    func ordinaryPlans(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }

    // MARK: Slang quoted or reported

    @Test("Slang said in a game lobby or a song is hyperbole; meant, it is a crisis")
    func quotedSlang() {
        #expect(safety.assess("my lil bro keeps typing kys in fortnite lobbies, how do i get him to stop") == nil)
        #expect(safety.assess("the rapper says kms in the chorus lol") == nil)
        #expect(level("my lil bro said kys to himself and i think he means it") == .crisis)
    }

    @Test("A little brother's or sister's words get the reply for someone else's danger")
    func littleBrotherIsSomeoneElse() {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        let reply = CheckInTests().reply(conversation.receive("my lil sis keeps saying kms and i think she means it"))
        #expect(reply.crisis)
        #expect(reply.text.contains("worried about someone"), "\(reply.text)")
    }

    // MARK: Short typos

    @Test("A short typo keeps its first letter in the matcher's correction: a crisis word is not read as a drug")
    func shortTypoKeepsFirstLetter() {
        let corrector = SpellingCorrector(vocabulary: ["meth": 9, "dose": 3, "relapsed": 2])
        #expect(corrector.correction(for: "deth") == nil)
        #expect(corrector.correction(for: "mth") == nil)  // too short to correct at all
        #expect(corrector.correction(for: "meht") == "meth")
        #expect(corrector.correction(for: "doze") == "dose")
        #expect(corrector.correction(for: "relasped") == "relapsed")
    }

    @Test("'deth' and 'thinkin' are read by the crisis check as death and thinking")
    func crisisTypos() {
        #expect(level("cant stop thinkin about deth") != nil)
        #expect(level("i keep thinkin about dying") != nil)
        #expect(safety.assess("been off meth 90 days, thinkin about coming back") == nil)
    }
}
