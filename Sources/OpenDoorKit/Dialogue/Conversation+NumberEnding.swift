extension Conversation {
    /// The number given before with its last digits as the visitor corrects them at a later step ("no, the number
    /// should end in 32 not 23", "it ends with 0132"; QA34 S3-5). Nil when the line says no such thing, no number was
    /// given, the ending has more than four digits, or the "not" part isn't how the number ends now.
    func numberWithEnding(_ text: String) -> PhoneNumber? {
        guard let phone else { return nil }
        let words = TextNormalizer.words(text)
        guard
            let at = words.firstIndex(where: { Self.endingWords.contains($0) }), at + 2 < words.count,
            words[at + 1] == "in" || words[at + 1] == "with", Self.isDigits(words[at + 2], upTo: 4)
        else { return nil }
        let ending = Array(words[at + 2].utf8)
        var digits = Array(phone.e164.utf8.dropFirst(2))
        if let not = words[(at + 3)...].firstIndex(of: "not"), not + 1 < words.count, Self.isDigits(words[not + 1], upTo: 4),
            !digits.reversed().starts(with: Array(words[not + 1].utf8).reversed())
        {
            // "should end in 32 not 23" when it doesn't end in 23: a different number than the one kept; asked again.
            return nil
        }
        digits.replaceSubrange(digits.count - ending.count..<digits.count, with: ending)
        guard digits != Array(phone.e164.utf8.dropFirst(2)) else { return nil }
        return PhoneNumber(e164: "+1" + String(decoding: digits, as: UTF8.self), extensionDigits: phone.extensionDigits)
    }

    /// The words that say how a number ends ("should end in 32").
    private static let endingWords: Set<String> = ["end", "ends", "ending", "ended"]

    /// Whether `word` is one to `most` ASCII digits.
    private static func isDigits(_ word: String, upTo most: Int) -> Bool {
        (1...most).contains(word.utf8.count) && word.utf8.allSatisfy { (48...57).contains($0) }
    }
}
