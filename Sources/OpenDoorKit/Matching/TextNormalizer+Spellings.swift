extension TextNormalizer {
    /// Other ways a message may read on screen, for the crisis check to try beside ``folded(_:)``'s (QA23 O1); empty
    /// for almost every message, after one pass over the bytes of an ASCII one: a capital `I` after a small letter in a
    /// word read as `l` (`kiII`, `seIf`), which lower-casing makes an `i`, and `ǀ` (U+01C0, a click letter drawn as a
    /// bar) as `l` too; and text with bidirectional controls in the order a screen shows it (``visualOrder(_:)``:
    /// `<U+202E>eid ot tnaw i` shows as "i want to die", QA23 O1), which ``folded(_:)``, the text as typed, doesn't
    /// read; and words masked with digits, marks, emoji or spaces between their letters read plainly
    /// (``unmasked(_:)``: `k1ll`, `d.i.e`, `k i l l`). (Invisible separators are read by ``folded(_:)`` itself.)
    ///
    /// The check takes the strongest finding of all the readings, so a reading can only add a crisis reply: the text
    /// as typed is always read (QA24 S1-2).
    public static func hiddenSpellings(_ text: String) -> [String] {
        let bytes = text.utf8
        let unmasked = Self.unmasked(text)
        guard unmasked != nil || bytes.contains(0x49) || !bytes.allSatisfy({ $0 < 0x80 }) else { return [] }
        var spellings: [String] = []
        if let read = readingBarsAsL(text) { spellings.append(read) }
        if let unmasked { spellings.append(unmasked) }
        if let shown = visualOrder(text) {
            spellings.append(shown)
            if let read = readingBarsAsL(shown) { spellings.append(read) }
            if let read = Self.unmasked(shown) { spellings.append(read) }
        }
        if let joined = droppingInvisibles(text) { spellings.append(joined) }
        return spellings
    }

    /// `text` with every invisible character dropped, when it has no whitespace and two or more of them: the folded
    /// reading takes them for word separators (`i<U+200B>want<U+200B>to<U+200B>die`), but they may as well hide one
    /// word (`sui<U+200B>ci<U+200B>de`, `su<U+00AD>ic<U+00AD>ide`; QA29 S1-2), so the check reads it joined too.
    static func droppingInvisibles(_ text: String) -> String? {
        // An invisible character is never ASCII: an ASCII text has none to drop.
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var result = String.UnicodeScalarView()
        var dropped = 0
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) { return nil }
            if isInvisible(scalar) {
                dropped += 1
            } else {
                result.append(scalar)
            }
        }
        return dropped >= 2 ? String(result) : nil
    }

    /// The UTF-8 bytes of `ǀ` (U+01C0).
    private static let barBytes = Array("\u{01C0}".utf8)

    /// Whether a scalar is invisible (default-ignorable or a format character).
    private static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        guard !scalar.isASCII, scalar.value != 0x85 else { return false }
        return isIgnorableOrFormat(scalar)
    }

    /// `text` with every `I` after a small letter of its word, and every `ǀ` (U+01C0), as `l`; nil when none is.
    static func readingBarsAsL(_ text: String) -> String? {
        // Only an `I` (0x49) or a `ǀ` (0xC7 0x80) is read otherwise: without their bytes, nothing changes, and the
        // scalars' properties (the most of this reading) are never looked up.
        guard text.utf8.contains(0x49) || text.holdsBytes(of: Self.barBytes) else { return nil }
        var result = String.UnicodeScalarView()
        var changed = false
        var afterSmall = false
        for scalar in text.unicodeScalars {
            if scalar == "\u{01C0}" || (scalar == "I" && afterSmall) {
                result.append("l")
                changed = true
                continue
            }
            if isLowercase(scalar) {
                afterSmall = true
            } else if !isAlphabetic(scalar) && !isInvisible(scalar) {
                afterSmall = false
            }
            result.append(scalar)
        }
        return changed ? String(result) : nil
    }
}
