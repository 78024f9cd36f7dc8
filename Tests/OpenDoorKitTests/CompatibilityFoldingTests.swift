import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// Full-width letters and invisible characters inside words are read as plain text by every check (QA19 O4: a crisis
/// typed in full-width mode, or pasted with a zero-width space inside "kill", got no crisis reply at all).
@Suite("Full-width and invisible characters")
struct CompatibilityFoldingTests {
    static let assistant = ShippedKnowledge.assistant

    /// `text` with `character` put after the first letter of `word`.
    static func split(_ text: String, word: String, with character: Character) -> String {
        text.replacingOccurrences(of: word, with: String(word.prefix(1)) + String(character) + word.dropFirst())
    }

    static let fullWidthCrises = ["ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ", "ｉ ｔｏｏｋ ａｌｌ ｍｙ ｐｉｌｌｓ", "Ｉ ＷＡＮＴ ＴＯ ＤＩＥ"]

    static let invisible: [Character] = [
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{00AD}", "\u{2060}", "\u{FEFF}", "\u{200E}", "\u{202E}", "\u{2066}",
    ]

    @Test("the crisis check finds a crisis written in full-width letters", arguments: fullWidthCrises)
    func fullWidthCrisis(message: String) {
        #expect(Self.assistant.safety.assess(message)?.level == .crisis, "\(message)")
    }

    @Test("the crisis check finds a crisis with an invisible character inside a word", arguments: invisible)
    func invisibleInsideWord(character: Character) {
        for (message, word) in [("i want to kill myself", "kill"), ("i took all my pills", "pills")] {
            let split = Self.split(message, word: word, with: character)
            #expect(split != message)
            #expect(Self.assistant.safety.assess(split)?.level == .crisis, "\(split.unicodeScalars.map(\.value))")
        }
    }

    @Test("a conversation gives the crisis reply to full-width and zero-width-split crises, and NEL separates words")
    func conversationCrisisReply() {
        for message in Self.fullWidthCrises + ["i want to k\u{200B}ill myself", "i want to\u{0085}kill myself"] {
            var conversation = Self.assistant.makeConversation(channel: .terminal)
            _ = conversation.start()
            guard case .reply(let reply) = conversation.receive(message) else {
                Issue.record("no reply to \(message)")
                continue
            }
            #expect(reply.crisis && reply.text.contains("988"), "\(message): \(reply.intent)")
        }
    }

    @Test("the matcher reads full-width and zero-width-split questions as the plain ones")
    func matcherReadsFolded() {
        let matcher = Self.assistant.responder.matcher
        let plain = matcher.match("what if i relapsed").decision
        #expect(plain.name == "answer")
        #expect(matcher.match("ｗｈａｔ ｉｆ ｉ ｒｅｌａｐｓｅｄ").decision == plain)
        #expect(matcher.match("what if i re\u{00AD}lapsed").decision == plain)
        #expect(matcher.match("what if i rel\u{200B}apsed").decision == plain)
    }

    @Test("ASCII text is returned as it is; other text keeps everything else")
    func folding() {
        #expect(TextNormalizer.folded("i want to kill myself") == "i want to kill myself")
        #expect(TextNormalizer.folded("ｈｅｌｌｏ，　ｗｏｒｌｄ！１２３") == "hello,\u{3000}world!123")
        #expect(TextNormalizer.folded("k\u{200B}i\u{200D}l\u{00AD}l\u{FEFF}") == "kill")
        #expect(TextNormalizer.folded("a\u{0085}b") == "a b")
        #expect(TextNormalizer.folded("ﬁne ﬂow") == "fine flow")
        // Curly apostrophes, accents, dashes, emoji and other scripts are left alone.
        let kept = "don’t — tomé 😊 日本 ıK"
        #expect(TextNormalizer.folded(kept) == kept)
    }
}
