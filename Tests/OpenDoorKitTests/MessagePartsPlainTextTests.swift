import Testing

@testable import OpenDoorKit

@Suite("Plain text is split by its bytes exactly as by its characters")
struct MessagePartsPlainTextTests {
    static let plainTexts = [
        "been 4 months, lost my job, moved twice, and honestly i forgot my group even existed til today. what happens",
        "i lasted 4.5 weeks... then i left?! can i come back, and do they take medicaid; and how long is it",
        "I CAN’T GO BACK – can I?\nit’s been “a while”… plus, what if i relapsed — and is there a wait",
        "  - leading dash and spaces ,, empty clauses , . ? !  trailing   ",
        "a.m. or p.m.? 10.30, no. what & when & how\tdo\u{0B}they\u{0C}call",
        "", "?", "...", "a", "one, two, three, four, five, six and do they take it",
    ]

    @Test("Plain text is recognized, and anything else is not", arguments: plainTexts)
    func recognized(_ text: String) {
        #expect(MessageParts.PlainText.holds(text))
    }

    @Test("Text with a carriage return or other non-ASCII is read by characters")
    func notPlain() {
        for text in ["line one\r\nline two", "caf\u{E9}", "e\u{301}", "smile 😀", "non\u{A0}breaking", "‛odd quote"] {
            #expect(!MessageParts.PlainText.holds(text))
        }
    }

    @Test("Sentences, clauses, words and trimming agree with the reading by characters", arguments: plainTexts)
    func agree(_ text: String) {
        let plain = MessageParts.PlainText.sentences(of: text)
        let reference = MessageParts.sentences(of: text)
        #expect(plain.map(\.text) == reference.map(\.text))
        #expect(plain.map(\.asks) == reference.map(\.asks))
        for (sentence, _) in reference {
            let clauses = MessageParts.PlainText.clauses(of: sentence)
            #expect(clauses == sentence.split(separator: ",", omittingEmptySubsequences: true))
            for clause in clauses {
                let words = MessageParts.PlainText.words(of: clause)
                let referenceWords = MessageParts.words(of: clause)
                #expect(words.map(\.word) == referenceWords.map(\.word))
                #expect(words.map(\.range) == referenceWords.map(\.range))
                #expect(
                    MessageParts.questionsJoined(in: clause, words: words) == MessageParts.questionsJoined(in: clause))
            }
        }
    }
}
