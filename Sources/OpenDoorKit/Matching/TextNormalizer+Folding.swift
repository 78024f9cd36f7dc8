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
    /// - Where invisible characters are the words' only separators (the text has no whitespace, two or more runs of
    ///   them stand between letters, and most pieces between them are two letters or more:
    ///   `i<U+3164>want<U+3164>to<U+3164>die`, `i<U+200B>want<U+200B>to<U+200B>die`), each run between two letters is
    ///   read as a space (QA23 O1); elsewhere they are dropped, so one inside a word (`k<U+200B>ill`, and one between
    ///   every letter, `k<U+200B>i<U+200B>l<U+200B>l`) still joins it.
    /// - Bidirectional controls (overrides, embeddings, isolates, marks) are dropped like every format character: this
    ///   is the text as typed. The order a screen shows it in is ``hiddenSpellings(_:)``'s, which the crisis check
    ///   reads too (QA24 S1-2: reading only the reversed text hid `<U+202E>kill myself`; QA24 S2-3: it changed a
    ///   best time `tomorrow <U+202E>afternoon` into "tomorrow").
    ///
    /// The crisis check, the matcher and the conversation read messages through this (QA19 O4, QA20 O2: a crisis
    /// written in full-width or "fancy font" letters, or with an invisible character inside a word, got no crisis
    /// reply), so a name or number the conversation keeps is the folded one, the same the visitor is shown in the
    /// summary. All-ASCII text (most messages) is returned as it is after one pass over its bytes, with no
    /// allocation; other text that has nothing to fold after one pass over its scalars.
    public static func folded(_ text: String) -> String {
        guard !text.utf8.allSatisfy({ $0 < 0x80 }) else { return text }
        // A long message is folded by every check that reads it (the conversation, the crisis check, the matcher):
        // once is enough.
        return recentFolded.reading(text, computeFolded)
    }

    private static let recentFolded = RecentReadings<String>()

    /// ``folded(_:)`` of a text that is not all ASCII, computed now.
    private static func computeFolded(_ text: String) -> String {
        var needsFolding = false
        var needsCompatibility = false
        var drops = false
        for scalar in text.unicodeScalars where !scalar.isASCII {
            switch folding(scalar) {
            case .keep: continue
            case .space: needsFolding = true
            case .drop:
                needsFolding = true
                drops = true
            case .compatibility:
                needsFolding = true
                needsCompatibility = true
            }
        }
        guard needsFolding else { return text }
        let spacesDrops = drops && invisiblesSeparateWords(text)
        var folded = String.UnicodeScalarView()
        var dropped = false
        for scalar in text.unicodeScalars {
            let folding = scalar.isASCII ? .keep : folding(scalar)
            if case .drop = folding {
                dropped = true
                continue
            }
            if dropped, spacesDrops, let last = folded.last, isWordScalar(last), isWordScalar(scalar) {
                folded.append(" ")
            }
            dropped = false
            switch folding {
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

    /// Whether invisible characters are `text`'s word separators: no whitespace, two or more runs of them between
    /// letters or digits, and at least half the pieces they cut the text into two letters or longer (not one between
    /// every letter of a word).
    private static func invisiblesSeparateWords(_ text: String) -> Bool {
        var runs = 0
        var pieces = 0
        var longPieces = 0
        var piece = 0
        var pending = false
        var last: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if isWhitespace(scalar) { return false }
            if !scalar.isASCII, case .drop = folding(scalar) {
                pending = true
                continue
            }
            if pending, let last, isWordScalar(last), isWordScalar(scalar) {
                runs += 1
                pieces += 1
                if piece >= 2 { longPieces += 1 }
                piece = 0
            }
            pending = false
            if isWordScalar(scalar) { piece += 1 }
            last = scalar
        }
        pieces += 1
        if piece >= 2 { longPieces += 1 }
        return runs >= 2 && longPieces * 2 >= pieces
    }

    @inline(__always)
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        isAlphabetic(scalar) || isNumeric(scalar)
    }

    @inline(__always)
    /// Whether `scalar` is a combining mark that decorates letters rather than spelling them: the strokes, slashes,
    /// tildes and lines that "strikethrough" and "underline" text generators put after every letter
    /// (`c\u{336}a\u{336}n\u{336}`). No alphabet spells a word with them; kept, each one split the word into letters
    /// ("c̶a̶n̶ ̶i̶ ̶c̶o̶m̶e̶ ̶b̶a̶c̶k̶" was read as "c n c o m e b c", and as a "no" to a question, QA36).
    /// Accents (U+0301 …) are letters' marks and stay.
    static func isDecoration(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0305, 0x0332, 0x0333, 0x0334...0x0338, 0x033F, 0x20D2, 0x20D3, 0x20E5, 0x20E6, 0x20EB: true
        default: false
        }
    }

    private static func folding(_ scalar: Unicode.Scalar) -> Folding {
        if scalar.value == 0x85 { return .space }
        if isIgnorableOrFormat(scalar) { return .drop }
        if isDecoration(scalar) { return .drop }
        // Changes_When_NFKC_Casefolded holds for every scalar NFKC changes (and for capitals, which NFKC keeps:
        // looking at them costs a little time on such text, never a wrong result).
        return changesWhenNFKCCaseFolded(scalar) ? .compatibility : .keep
    }
}
