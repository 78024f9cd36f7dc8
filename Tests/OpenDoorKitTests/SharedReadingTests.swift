import Foundation
import Testing

@testable import OpenDoorKit

@Suite("A long message read once and shared")
struct SharedReadingTests {
    /// A long line, made different per test so that entries other tests keep don't answer for it.
    private static func long(_ unit: String, _ tag: String) -> String {
        String(repeating: unit, count: 300 / unit.utf8.count + 1) + " " + tag
    }

    @Test("A long text's kept words are the words read afresh, and its normalized form their join")
    func keptWordsMatch() {
        for text in [
            Self.long("I’m SO tired, ", "kept-1"), Self.long("(470) 555-0123 ", "kept-2"),
            Self.long("e\u{301}", "kept-3"), Self.long("Straße 🙂 ", "kept-4"),
        ] {
            #expect(text.utf8.count >= RecentText.shortest)
            let fresh = TextNormalizer.computeWords(text)
            #expect(TextNormalizer.words(text) == fresh)
            #expect(TextNormalizer.words(text) == fresh)  // now from what was kept
            #expect(TextNormalizer.normalize(text) == fresh.joined(separator: " "))
            #expect(TextNormalizer.normalize(text) == fresh.joined(separator: " "))
        }
    }

    @Test("Texts equal as Swift strings but not byte for byte keep their own words")
    func bytesNotCanonicalEquality() {
        let decomposed = String(repeating: "e\u{301} ", count: 100) + "bytes"
        let composed = String(repeating: "\u{E9} ", count: 100) + "bytes"
        #expect(decomposed == composed)  // canonically equivalent
        let first = TextNormalizer.words(decomposed)
        let second = TextNormalizer.words(composed)
        #expect(first == TextNormalizer.computeWords(decomposed))
        #expect(second == TextNormalizer.computeWords(composed))
        #expect(Array(first[0].utf8) != Array(second[0].utf8))
        #expect(!RecentText.sameBytes(decomposed, composed))
    }

    @Test("More long texts than are kept still read right, the oldest read afresh")
    func evicted() {
        let texts = (0..<(RecentText.capacity * 2 + 1)).map { Self.long("word \($0) ", "evict-\($0)") }
        for text in texts { _ = TextNormalizer.words(text) }
        for text in texts.reversed() { #expect(TextNormalizer.words(text) == TextNormalizer.computeWords(text)) }
    }

    @Test("A long message's kept phone number is the one searched afresh")
    func keptPhoneNumber() {
        for text in [
            Self.long("(470) 555-0123 ", "phone-1"), Self.long("call me at 470 555 0123 or ", "phone-2"),
            Self.long("(470) 555-0123 (404) 555-0199 ", "phone-3"), Self.long("no digits here ", "phone-4"),
        ] {
            let fresh = PhoneNumber.search(in: text)
            #expect(PhoneNumber.find(in: text) == fresh)
            #expect(PhoneNumber.find(in: text) == fresh)
        }
        #expect(PhoneNumber.find(in: Self.long("(470) 555-0123 ", "phone-5")) != nil)
    }

    @Test("Splitting at marks gives what splitting by characters gives, with or without a mark in the text")
    func clausesMatchCharacterSplit() {
        let marks = [",.;!\n", ".!?;\n", ".,;!?\n"]
        let texts = [
            "", ",", "..", "no marks at all", "e\u{301}e\u{301}e\u{301}", "(470) 555-0123 (470) 555-0124",
            "one, two. three", "greek\u{37E}question", "mark then accent ,\u{301} and more", "line\r\nbreak",
            "line\nbreak\n", "end!", "😀👩‍👩‍👧‍👦, after", "x\u{CD}y",
        ]
        for mark in marks {
            for text in texts {
                let expected = text.split(whereSeparator: { $0.isOne(of: mark) })
                #expect(text.clauses(splitAt: mark) == expected, "\(Array(text.unicodeScalars)) at \(mark)")
            }
        }
    }

    @Test("A question mark is found as Foundation's search finds it")
    func questionMark() {
        for text in ["", "what", "what?", "?", "why ?\u{301}", "full width \u{FF1F}", "greek\u{37E}"] {
            #expect(text.hasQuestionMark == text.contains("?"), "\(Array(text.unicodeScalars))")
        }
    }
}

@Suite("Common words read by their bytes")
struct CommonWordsBytesTests {
    @Test("Lines, comments, spaces, tabs, CR LF and capitals are read as the character-by-character read gives them")
    func asciiMatchesCharacters() {
        let text = "# a comment\nthe\r\n  Spaced\t \n\n\t#not a word either\nMIXed\rlast"
        let expected: Set<String> = ["the", "spaced", "mixed", "last"]
        #expect(KnowledgeLoader.asciiCommonWords(Data(text.utf8)) == expected)
        #expect(KnowledgeLoader.asciiCommonWords(Data()) == [])
        #expect(KnowledgeLoader.asciiCommonWords(Data("  \n#\n".utf8)) == [])
        #expect(KnowledgeLoader.asciiCommonWords(Data("café\n".utf8)) == nil)
    }
}
