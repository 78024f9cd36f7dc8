import Testing

@testable import OpenDoorKit

/// Round 30 (s30-perf): the readings' scalar classes answer ASCII by value and the scalars below U+2100 from a table,
/// without a search of the property tables each time, and must answer exactly as the properties do, or the crisis check
/// would read a message differently.
@Suite("Scalar classes: the same answers as the Unicode properties")
struct ScalarClassesTests {
    @Test("Every scalar of the table and a few beyond it: the same answer as its Unicode properties")
    func sameAsProperties() {
        let beyond: [UInt32] = [
            0x2100, 0x2460, 0x3000, 0x3164, 0x4F60, 0xFE00, 0xFEFF, 0xFF11, 0x1D422, 0x1F600, 0xE0001,
        ]
        var differing: [String] = []
        for value in Array(0..<TextNormalizer.tabledScalars) + beyond {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let properties = scalar.properties
            if TextNormalizer.isWhitespace(scalar) != properties.isWhitespace
                || TextNormalizer.isAlphabetic(scalar) != properties.isAlphabetic
                || TextNormalizer.isLowercase(scalar) != properties.isLowercase
                || TextNormalizer.isNumeric(scalar) != (properties.numericType != nil)
                || TextNormalizer.isIgnorableOrFormat(scalar)
                    != (properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format)
                || TextNormalizer.changesWhenNFKCCaseFolded(scalar) != properties.changesWhenNFKCCaseFolded
            {
                differing.append("U+\(String(value, radix: 16))")
            }
        }
        #expect(differing.isEmpty, "\(differing.prefix(20))")
    }

    @Test("A match result works out whether its message asks only when asked: the same answers as before")
    func asksNothingWhenAsked() {
        let matcher = Fixtures.matcher
        #expect(matcher.match("i dont want to see my old counselor again").asksNothing)
        #expect(!matcher.match("can i come back").asksNothing)
        #expect(!matcher.match("i left a while ago. can i come back?").asksNothing)
    }
}
