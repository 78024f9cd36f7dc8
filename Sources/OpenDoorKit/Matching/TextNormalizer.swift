/// Turns what a visitor typed into plain lowercase words.
///
/// Case is folded; straight, curly and backtick apostrophes are dropped inside a word so that
/// "don’t", "don't" and "dont" meet; every other mark (punctuation, emoji, dashes) separates words.
public enum TextNormalizer {
    /// The words of a text, lowercase, without punctuation.
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        words.reserveCapacity(16)
        var current: [UInt8] = []
        current.reserveCapacity(24)
        func flush() {
            if !current.isEmpty {
                words.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            switch value {
            case 0x41...0x5A:  // A–Z
                current.append(UInt8(value + 0x20))
            case 0x61...0x7A, 0x30...0x39:  // a–z, 0–9
                current.append(UInt8(value))
            case 0x27, 0x60, 0x2018, 0x2019, 0x02BC:  // apostrophes join the word
                continue
            case 0x00...0x7F:
                flush()
            default:
                if scalar.properties.isAlphabetic {
                    for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                        current.append(contentsOf: String(lower).utf8)
                    }
                } else {
                    flush()
                }
            }
        }
        flush()
        return words
    }

    /// The words of a text joined by single spaces: the form used to compare phrases.
    public static func normalize(_ text: String) -> String {
        words(text).joined(separator: " ")
    }
}
