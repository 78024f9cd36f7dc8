import Foundation
import OpenDoorKit
import Testing

@Suite("Phone numbers")
struct PhoneNumberTests {
    /// Answers to "what number should they call?" and the number (E.164, extension) they give.
    @Test(
        "parse reads the ways people type a number",
        arguments: [
            ("(470) 555-0123", "+14705550123", nil),
            ("470.555.0123", "+14705550123", nil),
            ("+1 470 555 0123", "+14705550123", nil),
            ("1-470-555-0123", "+14705550123", nil),
            ("4705550123", "+14705550123", nil),
            ("14705550123", "+14705550123", nil),
            ("+14705550123", "+14705550123", nil),
            ("470 555 0123", "+14705550123", nil),
            ("470-5550123", "+14705550123", nil),
            ("47 05 55 01 23", "+14705550123", nil),
            ("1 (470) 555-0123", "+14705550123", nil),
            ("+1 (470) 555-0123", "+14705550123", nil),
            ("470 555 0123 ext 12", "+14705550123", "12"),
            ("470 555 0123 ext. 12", "+14705550123", "12"),
            ("470-555-0123, extension 345", "+14705550123", "345"),
            ("470-555-0123 x12", "+14705550123", "12"),
            ("470-555-0123x12", "+14705550123", "12"),
            ("470-555-0123 #7", "+14705550123", "7"),
            ("my number is 470-555-0123 thanks", "+14705550123", nil),
            ("call me at (706) 555-0199", "+17065550199", nil),
            ("it's 706.555.0199.", "+17065550199", nil),
            ("phone:7065550199", "+17065550199", nil),
            ("470-555-0123 after 5 is best", "+14705550123", nil),
            ("470 555 0123 2pm", "+14705550123", nil),
            ("470 555 0123 or 470 555 0123", "+14705550123", nil),
            ("  ４７０５５５０１２３ ", "+14705550123", nil),
            ("470\u{2013}555\u{2013}0123", "+14705550123", nil),
        ] as [(String, String, String?)]
    )
    func parses(answer: String, e164: String, extensionDigits: String?) throws {
        let number = try #require(PhoneNumber.parse(answer))
        #expect(number.e164 == e164)
        #expect(number.extensionDigits == extensionDigits)
    }

    @Test(
        "parse refuses what is not one valid North American number",
        arguments: [
            "",
            "no",
            "skip",
            "four seven oh five five five",
            "call me maybe",
            "x12",
            "ext 12",
            "555-0123",  // no area code
            "470-555-012",  // too few digits
            "470-555-01234",  // too many digits
            "24705550123",  // 11 digits not starting with 1
            "470 555 0123 4705550124",  // a number and an extra group of digits
            "470-555-0123 or 706-555-0199",  // two different numbers
            "070-555-0123",  // area code starts with 0
            "170-555-0123",  // area code starts with 1
            "411-555-0123",  // N11 area code
            "911-555-0123",
            "470-055-0123",  // exchange starts with 0
            "470-155-0123",
            "470-911-0123",  // N11 exchange
            "+44 20 7946 0958",  // not North America
            "+4705550123",  // +47 is Norway
            "800mg",
            "2023",
        ]
    )
    func refuses(answer: String) {
        #expect(PhoneNumber.parse(answer) == nil)
    }

    @Test(
        "find picks a number out of a message",
        arguments: [
            ("call me at 706 555 0199 i want to come back", "+17065550199"),
            ("my cell is (470) 555-0123, mornings are best", "+14705550123"),
            ("text or call 470.555.0123", "+14705550123"),
            ("+1 470 555 0123 is my number", "+14705550123"),
            ("4705550123", "+14705550123"),
            ("reach me on 1-706-555-0199 after 5", "+17065550199"),
            ("call me at 706 555 0199 2 pm works", "+17065550199"),
            ("number: 706-555-0199 ext 4", "+17065550199"),
        ]
    )
    func finds(message: String, e164: String) throws {
        let number = try #require(PhoneNumber.find(in: message))
        #expect(number.e164 == e164)
    }

    @Test(
        "find does not mistake other numbers for a phone number",
        arguments: [
            "i took 30 pills",
            "i took 30 pills and 2 drinks at 11",
            "it was 2023",
            "back in 2023 2024 and 2025",
            "800mg of ibuprofen",
            "800 mg 3 times a day",
            "I was there on 12/25/2023",
            "i was there 2023-10-12",
            "10.12.2023",
            "it costs $1,200.00",
            "$4705550123",
            "owes 4,705,550,123 dollars",
            "at 10:30",
            "50% of the time",
            "I've been sober 90 days",
            "my case number is 47 05 55 01 23",  // not grouped like a phone number
            "id_4705550123",
            "version 2.4705550123",
            "call 470-555-0123 or 706-555-0199",  // two different: unclear
            "911",
            "call 988",
        ]
    )
    func doesNotFind(message: String) {
        #expect(PhoneNumber.find(in: message) == nil)
    }

    // How fast: `opendoor load --phase worst` ("most digits") measures it on a release build; a wall-clock bound
    // here would fail on a busy machine, not on slow code.
    @Test("long runs of digits in a message give no number, and the first number among many is found")
    func longInput() {
        let digits = String(repeating: "1 ", count: 20_000)
        #expect(PhoneNumber.find(in: digits) == nil)
        #expect(PhoneNumber.parse(digits) == nil)
        let numbers = String(repeating: "470 555 0123 ", count: 2_000)
        #expect(PhoneNumber.find(in: numbers)?.e164 == "+14705550123")
        #expect(PhoneNumber.find(in: String(repeating: "9", count: 50_000)) == nil)
    }

    @Test("display is how people write the number, with the extension")
    func display() throws {
        #expect(try #require(PhoneNumber.parse("4705550123")).display == "(470) 555-0123")
        #expect(try #require(PhoneNumber.parse("4705550123 x12")).display == "(470) 555-0123 ext. 12")
    }

    @Test("redacted, description and dump show no digits")
    func redaction() throws {
        let number = try #require(PhoneNumber.parse("470 555 0123 ext 12"))
        #expect(number.redacted == "(***) ***-****")
        #expect("\(number)" == number.redacted)
        #expect(String(reflecting: number).allSatisfy { !$0.isNumber })
        var dumped = ""
        dump(number, to: &dumped)
        #expect(dumped.allSatisfy { !$0.isNumber }, "dump printed \(dumped)")
        // The same for every number: nothing can be learned from it.
        #expect(try #require(PhoneNumber.parse("706 555 0199")).redacted == number.redacted)
    }

    @Test(
        "init(e164:) checks the number",
        arguments: [
            ("+14705550123", nil, true),
            ("+14705550123", "12", true),
            ("+14705550123", "", false),
            ("+14705550123", "1234567", false),
            ("+14705550123", "12a", false),
            ("14705550123", nil, false),
            ("+24705550123", nil, false),
            ("+1470555012", nil, false),
            ("+19115550123", nil, false),
            ("+1470555012x", nil, false),
        ] as [(String, String?, Bool)]
    )
    func e164Validation(e164: String, extensionDigits: String?, valid: Bool) {
        #expect((PhoneNumber(e164: e164, extensionDigits: extensionDigits) != nil) == valid)
    }

    @Test("Codable round trip, and decoding checks the number")
    func codable() throws {
        let number = try #require(PhoneNumber.parse("470 555 0123 ext 12"))
        let data = try JSONEncoder().encode(number)
        #expect(String(decoding: data, as: UTF8.self).contains("\"extension\":\"12\""))
        #expect(try JSONDecoder().decode(PhoneNumber.self, from: data) == number)
        let bad = Data(#"{"e164": "+19115550123"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PhoneNumber.self, from: bad) }
    }

    /// The quick check that skips messages with too few digits counts digits of every script, so
    /// numbers written in other digits are still found, and nine digits are never a number.
    @Test(
        "digits of other scripts are found, and fewer than ten digits are no number",
        arguments: [
            ("call me at \u{FF17}\u{FF10}\u{FF16} 555 0199", "+17065550199"),
            (
                "\u{0664}\u{0667}\u{0660} \u{0665}\u{0665}\u{0665} \u{0660}\u{0661}\u{0662}\u{0663} please",
                "+14705550123"
            ),
            ("café: 470 555 0123", "+14705550123"),
            ("470 555 012", nil),
            ("café 470 555 012 ☕", nil),
            ("no digits at all, ça va", nil),
        ] as [(String, String?)]
    )
    func digitsOfOtherScripts(message: String, e164: String?) {
        #expect(PhoneNumber.find(in: message)?.e164 == e164)
        #expect(PhoneNumber.parse(message)?.e164 == e164)
    }

    /// Reading a digit skips the Unicode property lookup below U+0660; this is why that is safe.
    @Test("no decimal digit lies between ASCII's and U+0660")
    func firstNonASCIIDigit() {
        for value in UInt32(0x80)..<0x0660 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(scalar.properties.numericType != .decimal, "U+\(String(value, radix: 16))")
        }
        #expect(Unicode.Scalar(0x0660)!.properties.numericType == .decimal)
    }
}
