extension TextNormalizer {
    /// Other ways a message that hides its words may read, for the crisis check to try beside ``folded(_:)``'s
    /// (QA23 O1); empty for almost every message, ASCII ones included after one pass over the bytes.
    ///
    /// - Invisible characters (zero-width space, Hangul fillers U+3164 / U+FFA0, word joiner…) between letters read
    ///   as spaces: ``folded(_:)`` deletes them, which is right inside a word (`ki\u{200B}ll`) but runs the words
    ///   together where they are the separators (`i\u{3164}want\u{3164}to\u{3164}die`).
    /// - A capital `I` after a small letter in a word reads as `l` (`kiII`, `seIf`): lower-casing makes it an `i`.
    ///   The same for `ǀ` (U+01C0, a click letter drawn as a bar), which ``foldingConfusables(_:)`` can't fold in a
    ///   word of its own.
    /// - Text inside a right-to-left override (U+202E … U+202C) or isolate reads reversed: `\u{202E}eid ot tnaw i`
    ///   shows on screen as "i want to die".
    ///
    /// The check takes the strongest finding of all the readings, so a reading can only add a crisis reply.
    public static func hiddenSpellings(_ text: String) -> [String] {
        let bytes = text.utf8
        if bytes.allSatisfy({ $0 < 0x80 }) {
            guard bytes.contains(0x49), let read = readingBarsAsL(text) else { return [] }
            return [read]
        }
        var spellings: [String] = []
        if let spaced = spacingInvisibles(text) { spellings.append(spaced) }
        if let read = readingBarsAsL(text) {
            spellings.append(read)
        }
        if let reversed = reversingOverrides(text) { spellings.append(reversed) }
        return spellings
    }

    /// Whether a scalar is invisible and dropped by ``folded(_:)`` (default-ignorable or a format character).
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        guard !scalar.isASCII, scalar.value != 0x85 else { return false }
        return scalar.properties.isDefaultIgnorableCodePoint || scalar.properties.generalCategory == .format
    }

    /// `text` with each run of invisible characters between two letters (or digits) as one space; nil when it has none.
    static func spacingInvisibles(_ text: String) -> String? {
        var result = String.UnicodeScalarView()
        var changed = false
        var pending = false
        var lastVisible: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if isInvisible(scalar) {
                pending = true
                continue
            }
            if pending, let lastVisible, isWordScalar(lastVisible), isWordScalar(scalar) {
                result.append(" ")
                changed = true
            }
            pending = false
            result.append(scalar)
            lastVisible = scalar
        }
        return changed ? String(result) : nil
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || scalar.properties.numericType != nil
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

    /// `text` with each run after a right-to-left override (U+202E) or isolate (U+2067), to its pop (U+202C, U+2069)
    /// or the end, reversed as the screen shows it; nil when there is none.
    static func reversingOverrides(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { $0 == "\u{202E}" || $0 == "\u{2067}" }) else { return nil }
        var result = String.UnicodeScalarView()
        var run: [Unicode.Scalar]?
        for scalar in scalars {
            switch scalar {
            case "\u{202E}", "\u{2067}":
                if let open = run { result.append(contentsOf: open.reversed()) }
                run = []
            case "\u{202C}", "\u{2069}":
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
