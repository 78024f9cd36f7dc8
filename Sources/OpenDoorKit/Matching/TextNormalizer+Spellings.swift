extension TextNormalizer {
    /// Other ways a message may read on screen, for the crisis check to try beside ``folded(_:)``'s (QA23 O1); empty
    /// for almost every message, after one pass over the bytes of an ASCII one: a capital `I` after a small letter in a
    /// word read as `l` (`kiII`, `seIf`), which lower-casing makes an `i`, and `ǀ` (U+01C0, a click letter drawn as a
    /// bar) as `l` too. (Invisible separators and right-to-left overrides are read by ``folded(_:)`` itself.)
    ///
    /// The check takes the strongest finding of all the readings, so a reading can only add a crisis reply.
    public static func hiddenSpellings(_ text: String) -> [String] {
        let bytes = text.utf8
        guard bytes.contains(0x49) || !bytes.allSatisfy({ $0 < 0x80 }), let read = readingBarsAsL(text) else {
            return []
        }
        return [read]
    }

    /// Whether a scalar is invisible (default-ignorable or a format character).
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        guard !scalar.isASCII, scalar.value != 0x85 else { return false }
        return scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format
    }

    /// `text` with every `I` after a small letter of its word, and every `ǀ` (U+01C0), as `l`; nil when none is.
    static func readingBarsAsL(_ text: String) -> String? {
        var result = String.UnicodeScalarView()
        var changed = false
        var afterSmall = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{01C0}" || (scalar == "I" && afterSmall) {
                result.append("l")
                changed = true
                continue
            }
            if scalar.properties.isLowercase {
                afterSmall = true
            } else if !scalar.properties.isAlphabetic && !isInvisible(scalar) {
                afterSmall = false
            }
            result.append(scalar)
        }
        return changed ? String(result) : nil
    }

    /// `text` with each run after a right-to-left override (U+202E) at its start or after whitespace, to its pop
    /// (U+202C) or the end, reversed as the screen shows it (an isolate or embedding doesn't reverse Latin letters);
    /// nil when there is none. An override inside a word is left to ``folded(_:)``, which drops it.
    static func reversingOverrides(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        let opens = scalars.indices.filter { index in
            scalars[index] == "\u{202E}" && (index == 0 || scalars[index - 1].properties.isWhitespace)
        }
        guard !opens.isEmpty else { return nil }
        var result = String.UnicodeScalarView()
        var run: [Unicode.Scalar]?
        for (index, scalar) in scalars.enumerated() {
            switch scalar {
            case "\u{202E}" where opens.contains(index):
                if let open = run { result.append(contentsOf: open.reversed()) }
                run = []
            case "\u{202C}" where run != nil:
                if let open = run { result.append(contentsOf: open.reversed()) }
                run = nil
            default:
                if run != nil { run!.append(scalar) } else { result.append(scalar) }
            }
        }
        if let open = run { result.append(contentsOf: open.reversed()) }
        return String(result)
    }
}
