/// Short codes that name a callback request, like `K7M-3QP`, for the visitor to quote and staff to
/// look up.
///
/// Codes are six characters from ``alphabet`` in two groups of three. The alphabet leaves out
/// everything that is easy to misread or mistype (`0 O 1 I L`) and every vowel (`A E I O U`), so a
/// random code never spells a word. 28⁶ is about 480 million codes; they are drawn at random, so a
/// code tells nothing about when or how many requests were made, and the store enforces uniqueness.
public enum ReferenceCode {
    /// The characters codes are made of: the digits 2–9 and the consonants except L.
    public static let alphabet: [Character] = Array("23456789BCDFGHJKMNPQRSTVWXYZ")

    /// Characters in a code, not counting the dash.
    public static let length = 6

    /// Draws a new code from the system's secure random source.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// Draws a new code from `generator` (tests pass a seeded one).
    public static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> String {
        var code = ""
        for index in 0..<length {
            if index == length / 2 { code.append("-") }
            code.append(alphabet.randomElement(using: &generator)!)
        }
        return code
    }

    /// The code in its canonical form (`K7M-3QP`), from what a person typed: any case, with or
    /// without the dash, with spaces. Returns nil when it cannot be a code.
    public static func normalized(_ typed: String) -> String? {
        var characters: [Character] = []
        for character in typed.uppercased() where character != "-" && !character.isWhitespace {
            guard alphabet.contains(character) else { return nil }
            characters.append(character)
        }
        guard characters.count == length else { return nil }
        characters.insert("-", at: length / 2)
        return String(characters)
    }
}
