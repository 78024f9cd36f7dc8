import Testing

@testable import OpenDoorKit

/// The time step reads a message once (``TimeAnswer/Reading``), and ASCII text by bytes: the same words, tokens,
/// clock times and spelling corrections as the character-by-character readings, which still read every other text.
@Suite("Session 20: a time answer read once")
struct TimeReadingTests {
    static let texts: [String] = [
        "", "8:30", "like 830", "around 9:15", "after 8:30", "between 8:30 and 10", "8:30 tonight", "mon-fri 9-5",
        "Around 10 O'Clock", "at 1030 pls", "4ish", "about 4-ish", "9.15am", "by 11:45, or AT 7",
        "(470) 555-0123 (470) 555-0123", "call\tme\r\nat 8:30\u{0B}or\u{0C}9:45", "  lots   of\n\nspace  ",
        "Mornign aftr 5 on Wendesday, no vociemail", "b4 noon BEFOR 10 untill 3", "MESSAGE me 2morrow",
        "caf\u{E9} at 8:30", "i\u{2019}m free ~ 9:15", "\u{1F600} 7:45 \u{1F600}", "e\u{301}vening at 6:15",
        "x\u{1C}y\u{1F}z 8:30", "1:23:45 12:34.56 1:2:34",
    ]

    /// The clock times as `clockWords(in:)` read them before: each word split at `Character.isWhitespace` and
    /// tokenized character by character, the word before tokenized again for each.
    static func referenceClocks(_ text: String) -> [(word: String, hour: Int)] {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        var found: [(word: String, hour: Int)] = []
        for (index, word) in words.enumerated() {
            let joined = BestTimeParser.joiningClockTimes(word)
            let saidAsTime = index > 0 && referenceTokens(words[index - 1]).last.map(TimeAnswer.approximately.contains) == true
            guard joined != word || saidAsTime, let hour = referenceTokens(joined).lazy.compactMap(BestTimeParser.clockHour).first
            else { continue }
            found.append((word, hour))
        }
        return found
    }

    /// A word's tokens read character by character, as every word was before.
    static func referenceTokens(_ word: String) -> [String] {
        TimeAnswer.characterTokens(BestTimeParser.joiningClockTimes(word))
    }

    @Test("words, tokens and clock times are those of the character-by-character reading", arguments: texts)
    func sameReading(_ text: String) {
        let reading = TimeAnswer.Reading(text)
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        #expect(reading.words == words)
        #expect(reading.tokens == words.flatMap(Self.referenceTokens))
        let reference = Self.referenceClocks(text)
        #expect(reading.clocks.map(\.word) == reference.map(\.word))
        #expect(reading.clocks.map(\.hour) == reference.map(\.hour))
        #expect(reading.parsed == BestTime.parse(text))
    }

    @Test("every ASCII byte splits words as Character.isWhitespace does")
    func asciiWhitespace() {
        for byte in UInt8(0)..<0x80 {
            let text = "ab" + String(UnicodeScalar(byte)) + "cd " + String(UnicodeScalar(byte))
            #expect(
                TimeAnswer.whitespaceWords(text) == text.split(whereSeparator: \.isWhitespace).map(String.init),
                "byte \(byte)")
        }
    }

    @Test("step words mistyped are set right as the character-by-character reading did", arguments: texts)
    func sameCorrections(_ text: String) {
        #expect(FormSpelling.corrected(text) == FormSpelling.correctedByCharacter(text))
    }

    @Test("a phone number typed at the time step, 4,000 bytes of it, says no clock time and no part of the day")
    func phoneNumbersAreNoTime() {
        let phones = String(repeating: "(470) 555-0123 ", count: 270)
        let reading = TimeAnswer.Reading(phones)
        #expect(reading.clocks.isEmpty)
        #expect(reading.parsed == nil)
        #expect(!TimeAnswer.namesPartOrClock(phones))
        #expect(TimeAnswer(phones, options: [], words: StepAnswer(Fixtures.knowledge.dialogue)) == nil)
    }
}
