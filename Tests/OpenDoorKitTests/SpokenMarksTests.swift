import Testing

@testable import OpenDoorKit

/// `SpokenMarks.mayNameMark`, the byte test every message passes before it is split into words: it may say yes where
/// no word names a mark, never no where one does.
@Suite("Spoken marks' pre-check")
struct SpokenMarksTests {
    /// The reading it stands in front of: a token, lowercased with its letters and digits only, is a first word.
    static func namesMark(_ text: String) -> Bool {
        text.split(whereSeparator: \.isWhitespace).contains { token in
            ["period", "full", "comma", "question", "exclamation"].contains(
                String(token.lowercased().filter { $0.isLetter || $0.isNumber }))
        }
    }

    @Test(
        "Never no where a token is a mark's first word",
        arguments: [
            "can i come back period", "PERIOD", "Period.", "pe-riod", "hi\tcomma i left", "what if question mark",
            "full stop", "exclamation!", "\"question\"", "can i come back\r\nperiod", "per1od", "periods",
            "perio d", "😀period", "pe😀riod", "can i come back períod", "ｐｅｒｉｏｄ", "période", "\u{0600}period",
            "ok\u{00A0}comma", "c o m m a", "question\u{2028}mark", "İ", "Kelvin \u{212A}", "", " ", "my period is late",
            "a question about intake", "i left in may. can i come back?",
        ])
    func agreesWithTheReading(_ text: String) {
        #expect(SpokenMarks.mayNameMark(text) || !Self.namesMark(text), "“\(text)”")
    }

    @Test("No for ordinary questions without a mark's word, ASCII or not")
    func saysNoWhereItCan() {
        for text in ["can i come back", "what are your hours?", "je veux revenir", "я ж你好 ال אש😀ab", "hi 👋 there"] {
            #expect(!SpokenMarks.mayNameMark(text), "“\(text)”")
            #expect(SpokenMarks.read(text) == text)
        }
    }
}
