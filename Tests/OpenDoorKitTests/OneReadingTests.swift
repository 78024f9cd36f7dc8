import Foundation
import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// The quicker ways one message's reply reads it give what the plain ways give: each fast path against the code it
/// stands in for, on texts where the two could differ (accents written as marks, "\r\n", the Greek question mark,
/// non-ASCII case, space separators other than the space).
@Suite("One reading of a message, the same answers")
struct OneReadingTests {
    static let texts = [
        "", " ", "\t", "no marks at all", "one, two. three", "  padded both ends \t", " i left group", "i left group ",
        "greek\u{37E}question", "mark then accent ,\u{301} and more", "line\r\nbreak", "line\nbreak\n", "end!",
        "😀👩‍👩‍👧‍👦, after", "x\u{CD}y", "e\u{301}e\u{301}, e\u{301}", "\u{A0}no-break space\u{A0}", " \u{301}accent first",
        "\u{2003}em space ", "And THEN so But", "she said she wants to die and wants to die",
        "can i come back, and whether i can, and if i can also ", "AND WHETHER I CAN ALSO", "Straße ſo ALſO",
    ]

    @Test("Marks are found where a walk over the characters finds them")
    func marks() {
        for marks in [".,;!?\n", ",.;!\n"] {
            for text in Self.texts {
                let walked = text.indices.filter { marks.contains(text[$0]) }
                #expect(text.marks(of: marks).map(\.mark) == walked, "\(Array(text.unicodeScalars))")
                #expect(text.marks(of: marks).map(\.end) == walked.map { text.index(after: $0) })
            }
        }
    }

    @Test("Splitting at marks, ASCII or not, gives the split by characters")
    func clauses() {
        for marks in [",.;!\n", ".!?;\n", ".,;!?\n", ",:-\n"] {
            for text in Self.texts + ["a-b:c", "--", "x,,y", "\r\n,\r\n"] {
                #expect(text.clauses(splitAt: marks) == text.split(whereSeparator: { $0.isOne(of: marks) }))
            }
        }
    }

    @Test("Trimming spaces and tabs gives Foundation's trim, byte for byte")
    func trimming() {
        for text in Self.texts {
            let trimmed = text[...].trimmingSpacesAndTabs()
            let expected = text.trimmingCharacters(in: .whitespaces)
            #expect(Array(trimmed.utf8) == Array(expected.utf8), "\(Array(text.unicodeScalars))")
        }
    }

    @Test("A case-insensitive search finds what Foundation's finds")
    func caseInsensitive() {
        for text in Self.texts {
            for needle in [" and whether ", " and if ", " also ", "and", " "] {
                let found = text[...].caseInsensitiveRange(of: needle)
                let expected = text[...].range(of: needle, options: .caseInsensitive)
                #expect(found == expected, "\(needle) in \(Array(text.unicodeScalars))")
            }
        }
    }

    @Test("Removing a kind's phrases slices clauses as the character walk built them")
    func removing() {
        let answers = StepAnswer(Fixtures.knowledge.dialogue)
        let witnessing = String(repeating: "i think she said she wants to die and ", count: 40)
        for text in Self.texts + [witnessing, "No, don't call me.\r\nCan I still come back?", "dont call\u{37E} ok"] {
            for kind in [AnswerWord.callOff, .witnessing] {
                #expect(answers.removing(kind, from: text) == Self.removedByWalk(answers, kind, text))
            }
        }
    }

    /// `StepAnswer.removing` as it was written: the clause built a character at a time.
    private static func removedByWalk(_ answers: StepAnswer, _ kind: AnswerWord, _ message: String) -> String {
        var kept: [String] = []
        var clause = ""
        func close(with mark: Character?) {
            let words = TextNormalizer.words(clause).map { Substring($0) }
            clause = ""
            var rest: [Substring] = []
            var i = 0
            while i < words.count {
                if let length = answers.phraseLength(of: kind, at: i, in: words) { i += length } else {
                    rest.append(words[i])
                    i += 1
                }
            }
            if !rest.isEmpty { kept.append(rest.joined(separator: " ") + (mark.map { String($0) } ?? "")) }
        }
        for character in message {
            if ".,;!?\n".contains(character) { close(with: character == "\n" ? "." : character) } else { clause.append(character) }
        }
        close(with: nil)
        return kept.joined(separator: " ")
    }

    @Test("Splitting at joiners stops once more parts than asked for are found, the first ones unchanged")
    func joiners() {
        let clause = String(repeating: "and wants to die ", count: 300)
        let all = Conversation.splitAtJoiners(clause)
        #expect(all.count == 300)
        #expect(Conversation.splitAtJoiners(clause, atMost: 17) == Array(all.prefix(17)))
        #expect(Conversation.splitAtJoiners("She said THEN she left But So", atMost: 99) == ["She said", "THEN she left", "But", "So"])
        #expect(Conversation.splitAtJoiners("sand band thence") == ["sand band thence"])
    }

    @Test("One letter under thousands of accents is no mark, found without comparing it with each")
    func marksOfOneLetter() {
        let dialogue = Fixtures.knowledge.dialogue
        #expect(!dialogue.isOnlyMarks("e" + String(repeating: "\u{301}", count: 2000), .ackMarks))
        #expect(dialogue.isOnlyMarks("👍🏽👍", .ackMarks))
    }

    @Test("A long message's reading is shared within one reply, never with the next message's")
    func scoped() {
        let assistant = ShippedKnowledge.assistant
        let text = String(repeating: "she said she wants to die and ", count: 20) + "scoped-reading"
        let outside = assistant.safety.assess(text)
        var first: CrisisAssessment?
        var second: CrisisAssessment?
        ReadingScope.reading { first = assistant.safety.assess(text) }
        ReadingScope.reading { second = assistant.safety.assess(text) }
        #expect(first == outside && second == outside)
        // Two conversations, each its own readings: the same reply.
        let replies = (0..<2).map { _ in
            var conversation = assistant.makeConversation(channel: .socket)
            _ = conversation.start()
            return conversation.receive(text)
        }
        #expect(replies[0] == replies[1])
    }
}
