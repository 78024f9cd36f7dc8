import Testing

@testable import OpenDoorKit

/// The shortcuts that keep the costliest messages fast read them as the longer way does.
@Suite("Quick readings of a message agree with the long way")
struct QuickReadingTests {
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    /// Long (kept by `RecentReadings`) and short messages with phrases of many kinds, each made different by a tag
    /// so that other tests' kept readings don't answer for them.
    static let messages: [String] = {
        let units = [
            "no voicemail please, just call me in the evening ", "yes ok but actually dont call ",
            "i dont want to give my name ", "four seven oh five five five ", "ugh nevermind forget it ",
            "quiero que me llamen en la tarde ", "(470) 555-0123 ", "e\u{301}", "a ",
        ]
        return units.enumerated().flatMap { index, unit in
            [unit + "quick-\(index)", String(repeating: unit, count: 400 / unit.utf8.count + 1) + "quick-\(index)"]
        }
    }()

    @Test("Where phrases of each kind are, looked up by word kinds, is where each word's phrases say", arguments: messages)
    func phrasesFound(_ message: String) {
        let words = TextNormalizer.words(message).map { Substring($0) }
        for kind in AnswerWord.allCases {
            let starts = words.indices.filter { Self.answers.phraseLength(of: kind, at: $0, in: words) != nil }
            for _ in 0..<2 {  // read, then kept
                #expect(Self.answers.contains(message, kind) == !starts.isEmpty, "\(kind)")
                #expect(Self.answers.lastPhrase(in: message, kind) == starts.last, "\(kind)")
                #expect(
                    Self.answers.refusesName(message)
                        == words.indices.contains { (Self.answers.phraseLength(of: .skip, at: $0, in: words) ?? 0) >= 3 })
            }
        }
    }

    @Test("Answers read in long messages are the answers of the same words read in short ones")
    func readLongAndShort() {
        let kinds: [AnswerWord] = [.noVoicemail, .discreet, .no, .yes]
        for message in ["no voicemail please", "yes ok", "thats not ok", "discreet is fine", "nothing here"] {
            // Repeating a message repeats its phrases: the same kinds are found.
            let long = String(repeating: message + " ", count: 300 / message.utf8.count + 1) + "read-long"
            #expect(Self.answers.read(long, among: kinds) == Self.answers.read(message + " read-long", among: kinds))
        }
        #expect(Self.answers.isMostly(String(repeating: "quiero que me llamen ", count: 20), .spanish))
        #expect(!Self.answers.isMostly(String(repeating: "i want a call ", count: 30), .spanish))
    }

    @Test("Spelled digits are read the same from a long message")
    func spelledDigits() {
        let spelled = String(repeating: "four seven oh five five five zero one two three ", count: 10)
        #expect(Self.answers.spelledDigits(in: spelled) == String(repeating: "4705550123", count: 10))
        #expect(Self.answers.spelledDigits(in: "call 470 555 0123") == "4705550123")
        // A word of numbers that aren't ASCII digits is read by its characters, as before.
        #expect(Self.answers.spelledDigits(in: "double five ⅻ one two three four five") == "55ⅻ12345")
    }

    @Test(
        "A time answer's ASCII tokens are its tokens read by characters",
        arguments: [
            "after 5pm on weekdays", "9am-11AM, not before noon!", "(470) 555-0123 (470) 555-0123", "\r\n 7\r\n30pm",
            "", "   ", "a.m. or p.m.", "don't call before 10",
        ])
    func timeTokens(_ text: String) {
        #expect(BestTimeParser.asciiTokens(of: text) == BestTimeParser.characterTokens(of: text))
    }

    @Test("A time answer without a dot or an apostrophe reads as one with")
    func timeMarks() {
        #expect(BestTime.parse("after 7 p.m.") == .evening)
        #expect(BestTime.parse("after 7 pm") == .evening)
        #expect(BestTime.parse("not mornings, evenings") == .evening)
        #expect(BestTime.parse("don’t call mornings") == BestTime.parse("dont call mornings"))
        #expect(BestTime.parse(String(repeating: "(470) 555-0123 ", count: 270)) == nil)
    }

    @Test(
        "Text without sentence marks, commas or whitespace is one sentence, clause and word, as read by characters",
        arguments: [
            String(repeating: "e\u{301}", count: 300), String(repeating: "😀", count: 50), "Ωmega\u{301}", "e\u{301},e",
            "e\u{301} e\u{301}", "e\u{301}\u{A0}x", "e\u{301}.x", "",
        ])
    func unplainText(_ text: String) {
        let sentences = MessageParts.sentences(of: text)
        for (sentence, _) in sentences {
            let clauses = MessageParts.clauses(of: sentence)
            #expect(clauses == sentence.split(separator: ",", omittingEmptySubsequences: true))
            for clause in clauses {
                let words = MessageParts.words(of: clause)
                let pieces = clause.split(whereSeparator: \.isWhitespace)
                #expect(words.map(\.range) == pieces.map { $0.startIndex..<$0.endIndex })
                #expect(words.map(\.word) == pieces.map { $0.lowercased().filter(\.isLetter) })
            }
        }
        if !text.contains(where: { ".?!;\n…".contains($0) }) {
            #expect(sentences.map(\.text) == (text.isEmpty ? [] : [text[...]]))
        }
    }
}

@Suite("Number runs found by bytes as by the regular expression")
struct NumberRunTests {
    /// ASCII texts made of what the expression looks at (digits, whitespace and control bytes, `+ ( ) . -`) and
    /// what it doesn't, from a fixed seed.
    static let texts: [String] = {
        let pieces = [
            "4", "7", "0", "5", " ", "  ", "\t", "\n", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1F}", "\u{00}", "\u{7F}", "(", ")",
            "+", ".", "-", "a", "x", "and", "|", "(470) 555-0123", "+1 (404) 555 0199", "12345", "1-2-3-4-5-6-7",
        ]
        var seed: UInt32 = 2_024
        return (0..<3_000).map { _ in
            var text = ""
            seed = seed &* 1_103_515_245 &+ 12_345
            for _ in 0..<(Int(seed >> 16) % 24) {
                seed = seed &* 1_103_515_245 &+ 12_345
                text += pieces[Int(seed >> 16) % pieces.count]
            }
            return text
        }
    }()

    @Test("Every run is replaced where and as the regular expression replaces it")
    func sameAsExpression() {
        for text in Self.texts {
            #expect(NumberRun.marked(in: text) == text.replacing(Conversation.numberRun, with: " | "), "\(Array(text.utf8))")
        }
    }

    @Test("Text with a carriage return or beyond ASCII is left to the regular expression")
    func notASCII() {
        #expect(NumberRun.marked(in: "call 470\r\n555 0123") == nil)
        #expect(NumberRun.marked(in: "(470) 555-0123 é") == nil)
        #expect(NumberRun.marked(in: "(470) 555-0123 and my name is jo") == " |  and my name is jo")
    }

    @Test("The clauses of a line with details are the same, typed in ASCII or not")
    func detailClauses() {
        #expect(
            Conversation.detailClauses(of: "my name is jo and my number is 404-555-3434 call me evenings")
                == ["my name is jo", "my number is", "call me evenings"])
        #expect(Conversation.detailClauses(of: String(repeating: "(470) 555-0123 ", count: 200)).isEmpty)
        #expect(
            Conversation.detailClauses(of: "my name is José and my number is 404-555-3434 call me evenings")
                == ["my name is José", "my number is", "call me evenings"])
    }
}
