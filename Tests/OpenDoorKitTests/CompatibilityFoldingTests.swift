import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// Full-width and other compatibility letters, and invisible characters inside words, are read as plain text by every
/// check (QA19 O4: a crisis typed in full-width mode, or pasted with a zero-width space inside "kill", got no crisis
/// reply at all; QA20 O2: nor with a variation selector, a Hangul filler or in "fancy font" letters).
@Suite("Full-width, compatibility and invisible characters")
struct CompatibilityFoldingTests {
    static let assistant = ShippedKnowledge.assistant

    /// `text` with `character` put after the first letter of `word`.
    static func split(_ text: String, word: String, with character: Character) -> String {
        text.replacingOccurrences(of: word, with: String(word.prefix(1)) + String(character) + word.dropFirst())
    }

    static let fullWidthCrises = ["ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ", "ｉ ｔｏｏｋ ａｌｌ ｍｙ ｐｉｌｌｓ", "Ｉ ＷＡＮＴ ＴＯ ＤＩＥ"]

    /// One of each kind: zero-width and bidi characters (QA19), then QA20's: variation selectors (VS1, VS16, VS17),
    /// the Mongolian vowel separator, interlinear annotation characters (Cf, not default-ignorable), Hangul fillers,
    /// and other default-ignorables and format characters (combining grapheme joiner, Khmer inherent vowel, a tag
    /// character, an invisible function application, an Arabic number sign).
    static let invisible: [Unicode.Scalar] = [
        "\u{200B}", "\u{200C}", "\u{200D}", "\u{00AD}", "\u{2060}", "\u{FEFF}", "\u{200E}", "\u{202E}", "\u{2066}",
        "\u{FE00}", "\u{FE0F}", "\u{E0100}", "\u{180E}", "\u{FFF9}", "\u{FFFA}", "\u{FFFB}",
        "\u{115F}", "\u{1160}", "\u{3164}", "\u{FFA0}", "\u{034F}", "\u{17B4}", "\u{E0041}", "\u{2061}", "\u{0600}",
    ]

    /// "i want to kill myself" in the letters "fancy font" generators and compatibility keyboards give: each is folded
    /// by NFKC to plain letters.
    static let fancyCrises = [
        // Mathematical bold, italic, script (with its letters from U+2100–U+214F), double-struck, monospace.
        "\u{1D422} \u{1D430}\u{1D41A}\u{1D427}\u{1D42D} \u{1D42D}\u{1D428} \u{1D424}\u{1D422}\u{1D425}\u{1D425} \u{1D426}\u{1D432}\u{1D42C}\u{1D41E}\u{1D425}\u{1D41F}",
        "\u{1D456} \u{1D464}\u{1D44E}\u{1D45B}\u{1D461} \u{1D461}\u{1D45C} \u{1D458}\u{1D456}\u{1D459}\u{1D459} \u{1D45A}\u{1D466}\u{1D460}\u{1D452}\u{1D459}\u{1D453}",
        "\u{1D4BE} \u{1D4CC}\u{1D4B6}\u{1D4C3}\u{1D4C9} \u{1D4C9}\u{2134} \u{1D4C0}\u{1D4BE}\u{1D4C1}\u{1D4C1} \u{1D4C2}\u{1D4CE}\u{1D4C8}\u{212F}\u{1D4C1}\u{1D4BB}",
        "\u{1D55A} \u{1D568}\u{1D552}\u{1D55F}\u{1D565} \u{1D565}\u{1D560} \u{1D55C}\u{1D55A}\u{1D55D}\u{1D55D} \u{1D55E}\u{1D56A}\u{1D564}\u{1D556}\u{1D55D}\u{1D557}",
        "\u{1D692} \u{1D6A0}\u{1D68A}\u{1D697}\u{1D69D} \u{1D69D}\u{1D698} \u{1D694}\u{1D692}\u{1D695}\u{1D695} \u{1D696}\u{1D6A2}\u{1D69C}\u{1D68E}\u{1D695}\u{1D68F}",
        // Circled, squared capitals, superscript letters (parenthesized ones fold to "(k)", and stay unread).
        "ⓘ ⓦⓐⓝⓣ ⓣⓞ ⓚⓘⓛⓛ ⓜⓨⓢⓔⓛⓕ",
        "\u{1F138} \u{1F146}\u{1F130}\u{1F13D}\u{1F143} \u{1F143}\u{1F13E} \u{1F13A}\u{1F138}\u{1F13B}\u{1F13B} \u{1F13C}\u{1F148}\u{1F142}\u{1F134}\u{1F13B}\u{1F135}",
        "i want to ᵏⁱˡˡ myself",
        // Ideographic and no-break spaces between the words.
        "i\u{3000}want\u{3000}to\u{3000}kill\u{00A0}myself",
    ]

    @Test("the crisis check finds a crisis written in full-width letters", arguments: fullWidthCrises)
    func fullWidthCrisis(message: String) {
        #expect(Self.assistant.safety.assess(message)?.level == .crisis, "\(message)")
    }

    @Test("the crisis check finds a crisis written in fancy-font and other compatibility letters", arguments: fancyCrises)
    func fancyCrisis(message: String) {
        #expect(TextNormalizer.folded(message).lowercased() == "i want to kill myself", "\(message)")
        #expect(Self.assistant.safety.assess(message)?.level == .crisis, "\(message)")
    }

    @Test("the crisis check finds a crisis with an invisible character inside a word", arguments: invisible)
    func invisibleInsideWord(scalar: Unicode.Scalar) {
        for (message, word) in [("i want to kill myself", "kill"), ("i took all my pills", "pills")] {
            let split = Self.split(message, word: word, with: Character(scalar))
            #expect(split != message)
            #expect(Self.assistant.safety.assess(split)?.level == .crisis, "\(split.unicodeScalars.map(\.value))")
        }
    }

    @Test("every invisible character of the list is default-ignorable or a format character, and is dropped")
    func invisibleDropped() {
        for scalar in Self.invisible {
            #expect(scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format)
            #expect(TextNormalizer.folded("k\(scalar)ill") == "kill", "U+\(String(scalar.value, radix: 16))")
        }
        // A Hangul filler beside a space (pasted as a blank) leaves the space.
        #expect(TextNormalizer.folded("to \u{3164}kill") == "to kill")
    }

    @Test("a conversation gives the crisis reply to full-width, fancy-font and invisible-split crises; NEL separates words")
    func conversationCrisisReply() {
        let split = Self.invisible.map { "i want to k\($0)ill myself" }
        for message in Self.fullWidthCrises + Self.fancyCrises + split + ["i want to\u{0085}kill myself"] {
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
        #expect(matcher.match("what if i rel\u{FE0F}ap\u{3164}sed").decision == plain)
        #expect(matcher.match("\u{1D430}\u{1D421}\u{1D41A}\u{1D42D} \u{1D422}\u{1D41F} \u{1D422} relapsed").decision == plain)
    }

    /// `text` with `mark` after every letter, as strikethrough and underline generators write it.
    static func decorated(_ text: String, with mark: Unicode.Scalar) -> String {
        text.map { $0 == " " ? " " : "\($0)\(Character(mark))" }.joined()
    }

    @Test(
        "strikethrough, slashed and underlined text reads as its letters (QA36): the same question, the same crisis",
        arguments: [0x0336, 0x0335, 0x0334, 0x0337, 0x0338, 0x0332, 0x0333, 0x0305] as [UInt32]
    )
    func decorationMarks(mark: UInt32) {
        let scalar = Unicode.Scalar(mark)!
        #expect(TextNormalizer.folded(Self.decorated("can i come back", with: scalar)) == "can i come back")
        let matcher = Self.assistant.responder.matcher
        #expect(
            matcher.match(Self.decorated("can i come back", with: scalar)).decision
                == matcher.match("can i come back").decision)
        var conversation = Self.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        guard case .reply(let reply) = conversation.receive(Self.decorated("i want to kill myself", with: scalar)) else {
            Issue.record("no reply")
            return
        }
        #expect(reply.crisis && reply.text.contains("988"), "\(reply.intent)")
        // Accents are letters' own marks: kept.
        #expect(TextNormalizer.folded("cafe\u{301} \(Character(scalar))") == "café ")
    }

    @Test("ASCII text is returned as it is; other text keeps everything else")
    func folding() {
        #expect(TextNormalizer.folded("i want to kill myself") == "i want to kill myself")
        #expect(TextNormalizer.folded("ｈｅｌｌｏ，　ｗｏｒｌｄ！１２３") == "hello, world!123")
        #expect(TextNormalizer.folded("\u{1D402}\u{1D41A}\u{1D425}\u{1D425} ⓜⓔ ²") == "Call me 2")
        // An emoji sequence loses its joiners and variation selectors (no check reads them), not its emoji.
        #expect(TextNormalizer.folded("❤\u{FE0F} 👩\u{200D}👧") == "❤ 👩👧")
        #expect(TextNormalizer.folded("k\u{200B}i\u{200D}l\u{00AD}l\u{FEFF}") == "kill")
        #expect(TextNormalizer.folded("a\u{0085}b") == "a b")
        #expect(TextNormalizer.folded("ﬁne ﬂow") == "fine flow")
        // Curly apostrophes, accents, dashes, emoji, other scripts and small capitals (no compatibility form) are left
        // alone.
        let kept = "don’t — tomé 😊 日本 ıK Émile ᴋɪʟʟ"
        #expect(TextNormalizer.folded(kept) == kept)
    }
}
