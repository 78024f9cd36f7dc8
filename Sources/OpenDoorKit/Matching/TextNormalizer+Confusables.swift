extension TextNormalizer {
    /// `text` with letters of other scripts that look like Latin letters read as those letters where they hide in
    /// Latin words: "diе" with a Cyrillic `е`, "myѕelf" with a Cyrillic `ѕ`, "tοo" with a Greek `ο` (QA22 O4).
    ///
    /// A bilingual visitor switching keyboard layouts types such mixes by accident, and a visitor testing the filter on
    /// purpose; NFKC (``folded(_:)``) leaves them alone, since they are letters of their own. The table,
    /// ``latinConfusables``, holds the Cyrillic, Greek and Armenian (and a few Latin-extension) letters that Unicode's
    /// confusables data (UTS #39, `confusables.txt`) maps to one plain Latin letter, and the small capitals (`ᴋɪʟʟ`),
    /// with Cyrillic `м` and Greek `μ` for m (QA23 O1).
    ///
    /// A word (a run of letters and marks) is folded when it holds both a Latin letter and a look-alike (`diе`), or
    /// when it is look-alikes only and the message has more Latin letters than letters of other scripts (`і want to
    /// die` with a Cyrillic `і`). Russian or Greek text stays as it is: its words have letters of their own script
    /// beside the look-alikes, and it has no Latin majority. Runs in one pass over the scalars, after one over the
    /// bytes; ASCII-only text (most messages) is returned as it is, with no allocation.
    public static func foldingConfusables(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var latin = 0
        var other = 0
        var any = false
        for scalar in text.unicodeScalars where isAlphabetic(scalar) {
            if latinConfusables[scalar.value] != nil {
                any = true
            } else if isLatinLetter(scalar) {
                latin += 1
            } else {
                other += 1
            }
        }
        guard any else { return text }
        let mostlyLatin = latin > other
        var result = String.UnicodeScalarView()
        var word: [Unicode.Scalar] = []
        func flush() {
            guard !word.isEmpty else { return }
            var hasLatin = false
            var hasOther = false
            var hasConfusable = false
            for scalar in word where isAlphabetic(scalar) {
                if latinConfusables[scalar.value] != nil {
                    hasConfusable = true
                } else if isLatinLetter(scalar) {
                    hasLatin = true
                } else {
                    hasOther = true
                }
            }
            let fold = hasConfusable && !hasOther && (hasLatin || mostlyLatin)
            for scalar in word { result.append(fold ? latinConfusables[scalar.value] ?? scalar : scalar) }
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if isAlphabetic(scalar) || isMark(scalar) {
                word.append(scalar)
            } else {
                flush()
                result.append(scalar)
            }
        }
        flush()
        return String(result)
    }

    @inline(__always)
    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    @inline(__always)
    private static func isLatinLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: true
        default: false
        }
    }

    /// Letters of other scripts that Unicode's confusables data (UTS #39) maps to one Latin letter, by code point.
    static let latinConfusables: [UInt32: Unicode.Scalar] = {
        let pairs: [(String, String)] = [
            // Cyrillic, small then capital.
            ("а", "a"), ("в", "b"), ("е", "e"), ("ё", "e"), ("һ", "h"), ("і", "i"), ("ї", "i"), ("ј", "j"), ("к", "k"),
            ("о", "o"), ("р", "p"), ("с", "c"), ("ѕ", "s"), ("у", "y"), ("х", "x"), ("ү", "y"), ("ӏ", "l"), ("ԁ", "d"),
            ("ԛ", "q"), ("ԝ", "w"), ("м", "m"), ("ғ", "f"),
            ("А", "A"), ("В", "B"), ("Е", "E"), ("Ё", "E"), ("Һ", "H"), ("І", "I"), ("Ї", "I"), ("Ј", "J"), ("К", "K"),
            ("М", "M"), ("Н", "H"), ("О", "O"), ("Р", "P"), ("С", "C"), ("Ѕ", "S"), ("Т", "T"), ("У", "Y"), ("Х", "X"),
            ("Ү", "Y"), ("Ӏ", "l"), ("Ԛ", "Q"), ("Ԝ", "W"),
            // Greek, small then capital.
            ("α", "a"), ("γ", "y"), ("ι", "i"), ("κ", "k"), ("ν", "v"), ("ο", "o"), ("ρ", "p"), ("υ", "u"), ("χ", "x"),
            ("ϲ", "c"), ("ϳ", "j"), ("μ", "m"),
            ("Α", "A"), ("Β", "B"), ("Ε", "E"), ("Ζ", "Z"), ("Η", "H"), ("Ι", "I"), ("Κ", "K"), ("Μ", "M"), ("Ν", "N"),
            ("Ο", "O"), ("Ρ", "P"), ("Τ", "T"), ("Υ", "Y"), ("Χ", "X"), ("Ϲ", "C"),
            // Armenian.
            ("ա", "w"), ("հ", "h"), ("ո", "n"), ("ս", "u"), ("ց", "g"), ("օ", "o"), ("Օ", "O"), ("Ս", "U"),
            // Latin letters outside a–z that read as one of them.
            ("ı", "i"), ("ɑ", "a"), ("ɡ", "g"), ("ɩ", "i"), ("ʋ", "u"), ("ȷ", "j"), ("ǀ", "l"),
            // Small capitals (QA23 O1): the phonetic letters UTS #39 reads as their small Latin letter, and `ꜱ`.
            ("ᴀ", "a"), ("ʙ", "b"), ("ᴄ", "c"), ("ᴅ", "d"), ("ᴇ", "e"), ("ɢ", "g"), ("ʜ", "h"), ("ɪ", "i"), ("ᴊ", "j"),
            ("ᴋ", "k"), ("ʟ", "l"), ("ᴍ", "m"), ("ɴ", "n"), ("ᴏ", "o"), ("ᴘ", "p"), ("ʀ", "r"), ("ꜱ", "s"), ("ᴛ", "t"),
            ("ᴜ", "u"), ("ᴠ", "v"), ("ᴡ", "w"), ("ʏ", "y"), ("ᴢ", "z"),
        ]
        var table: [UInt32: Unicode.Scalar] = [:]
        for (from, to) in pairs {
            table[from.unicodeScalars.first!.value] = to.unicodeScalars.first!
        }
        return table
    }()
}
