import Foundation

extension TextNormalizer {
    /// `text` as every check should read it: every invisible character dropped and every compatibility form of a
    /// letter, digit or space read as the plain one, so that `k<U+200B>ill`, `k<U+FE00>ill`, `ｋｉｌｌ`, `𝐤𝐢𝐥𝐥`, `ⓚⓘⓛⓛ`
    /// and `ᵏⁱˡˡ` are all `kill`.
    ///
    /// - Dropped: every `Default_Ignorable_Code_Point` (zero-width space, joiner and non-joiner, soft hyphen, word
    ///   joiner, variation selectors, the Mongolian vowel separator, Hangul fillers, combining grapheme joiner,
    ///   tags …) and every format character (general category Cf: bidi marks and isolates, byte order mark,
    ///   interlinear annotation characters …). An emoji sequence loses its joiners and variation selectors, which
    ///   no check reads.
    /// - Folded as NFKC folds them (Unicode's compatibility decomposition, then composition): full-width forms,
    ///   mathematical alphanumerics ("fancy font" letters), circled, parenthesized and squared letters, superscripts
    ///   and subscripts, ligatures (`ﬁ`), ideographic and no-break spaces. Letters with no compatibility
    ///   decomposition (small capitals `ᴋ`) stay as they are. Case is left to the readers.
    /// - NEL (U+0085), a line break, is read as a space.
    ///
    /// The crisis check, the matcher and the conversation read messages through this (QA19 O4, QA20 O2: a crisis
    /// written in full-width or "fancy font" letters, or with an invisible character inside a word, got no crisis
    /// reply), so a name or number the conversation keeps is the folded one, the same the visitor is shown in the
    /// summary. All-ASCII text (most messages) is returned as it is after one pass over its bytes, with no
    /// allocation; other text that has nothing to fold after one pass over its scalars.
    public static func folded(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        var needsFolding = false
        var needsCompatibility = false
        for scalar in text.unicodeScalars where !scalar.isASCII {
            switch folding(scalar) {
            case .keep: continue
            case .drop, .space: needsFolding = true
            case .compatibility:
                needsFolding = true
                needsCompatibility = true
            }
            if needsCompatibility { break }
        }
        guard needsFolding else { return text }
        var folded = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.isASCII ? .keep : folding(scalar) {
            case .keep, .compatibility: folded.append(scalar)
            case .drop: continue
            case .space: folded.append(" ")
            }
        }
        let result = String(folded)
        // NFKC over the whole text (not scalar by scalar) so that what it decomposes is composed again with its
        // neighbours; it never brings back a dropped character.
        return needsCompatibility ? result.precomposedStringWithCompatibilityMapping : result
    }

    /// What becomes of one non-ASCII scalar.
    private enum Folding {
        case keep, drop, space
        /// NFKC may change it: the whole text is put through NFKC.
        case compatibility
    }

    @inline(__always)
    private static func folding(_ scalar: Unicode.Scalar) -> Folding {
        if scalar.value == 0x85 { return .space }
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format { return .drop }
        // Changes_When_NFKC_Casefolded holds for every scalar NFKC changes (and for capitals, which NFKC keeps:
        // looking at them costs a little time on such text, never a wrong result).
        return properties.changesWhenNFKCCaseFolded ? .compatibility : .keep
    }
}
