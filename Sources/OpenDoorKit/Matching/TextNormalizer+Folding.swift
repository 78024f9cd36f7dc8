extension TextNormalizer {
    /// `text` as every check should read it: full-width ASCII (`ｋｉｌｌ`, what a Chinese, Japanese or Korean keyboard
    /// types in full-width mode) and the Latin ligatures (`ﬁ`) folded to plain letters, as NFKC folds them; the
    /// invisible format characters that come with pasted text dropped (zero-width space, joiner and non-joiner, soft
    /// hyphen, word joiner and invisible operators, byte order mark, bidi marks, embeddings and isolates), so that
    /// `k<U+200B>ill` is `kill`; and NEL (U+0085), a line break, read as a space.
    ///
    /// The crisis check, the matcher and the conversation read messages through this (QA19 O4: a crisis written in
    /// full-width letters, or with a zero-width space inside a word, got no crisis reply). Text without any of these
    /// (all ASCII, most messages) is returned as it is after one pass over its bytes.
    public static func folded(_ text: String) -> String {
        // Every folded character starts with one of these bytes: C2 (U+0085, U+00AD), D8 (U+061C), E2 (U+200B–U+206F),
        // EF (U+FB00–U+FB06, U+FEFF, U+FF01–U+FF5E).
        guard text.utf8.contains(where: { $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 || $0 == 0xEF }),
            text.unicodeScalars.contains(where: { folding($0) != nil })
        else { return text }
        var folded = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch folding(scalar) {
            case nil: folded.append(scalar)
            case let replacement?: folded.append(contentsOf: replacement.unicodeScalars)
            }
        }
        return String(folded)
    }

    /// What `scalar` becomes ("" when dropped), or nil when it stays.
    @inline(__always)
    private static func folding(_ scalar: Unicode.Scalar) -> String? {
        let value = scalar.value
        switch value {
        case 0xFF01...0xFF5E:
            // Full-width `！`–`～` are ASCII `!`–`~` moved by 0xFEE0.
            return String(Unicode.Scalar(UInt8(value - 0xFEE0)))
        case 0xFB00...0xFB06:
            return ["ff", "fi", "fl", "ffi", "ffl", "st", "st"][Int(value - 0xFB00)]
        case 0x85:
            return " "
        case 0xAD, 0x61C, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F, 0xFEFF:
            return ""
        default:
            return nil
        }
    }
}
