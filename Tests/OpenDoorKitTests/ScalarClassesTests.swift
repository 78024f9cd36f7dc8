import Testing

@testable import OpenDoorKit

/// Round 30 (s30-perf): the readings' scalar classes answer ASCII without the property tables, and must answer exactly
/// as the properties do, or the crisis check would read a message differently.
@Suite("Scalar classes: ASCII answered as the Unicode properties answer")
struct ScalarClassesTests {
    @Test("Every scalar below U+0100 and a few others: the same answer as its Unicode properties")
    func sameAsProperties() {
        let others: [UInt32] = [0x0301, 0x0336, 0x05D0, 0x0627, 0x0660, 0x200B, 0x2028, 0x3000, 0x4F60, 0xFF11, 0x1D422]
        for value in Array(0..<0x100) + others {
            let scalar = Unicode.Scalar(value)!
            let properties = scalar.properties
            #expect(TextNormalizer.isWhitespace(scalar) == properties.isWhitespace, "U+\(value)")
            #expect(TextNormalizer.isAlphabetic(scalar) == properties.isAlphabetic, "U+\(value)")
            #expect(TextNormalizer.isLowercase(scalar) == properties.isLowercase, "U+\(value)")
            #expect(TextNormalizer.isNumeric(scalar) == (properties.numericType != nil), "U+\(value)")
        }
    }

    @Test("A match result worked out whether its message asks, only when asked: the same answers as before")
    func asksNothingWhenAsked() {
        let matcher = Fixtures.matcher
        #expect(matcher.match("i dont want to see my old counselor again").asksNothing)
        #expect(!matcher.match("can i come back").asksNothing)
        #expect(!matcher.match("i left a while ago. can i come back?").asksNothing)
    }
}
