extension TextNormalizer {
    /// `text` with the usual ways of hiding a word from a filter undone, or nil when it uses none of them
    /// (QA25 O S1-2: "i want to k1ll myself", "d.i.e", "k i l l", "k🔪ill" got no crisis reply):
    ///
    /// - marks or emoji inside a word are left out: `d.i.e`, `k-i-l-l`, `k🔪ill`, `o_d` read `die`, `kill`, `kill`, `od`
    ///   (`'` `,` `!` `?` `:` `;` and brackets are not such marks: they end or join words as usual);
    /// - digits and signs standing for letters inside a word are read as the letters: `0` o, `1` i (`l` beside another
    ///   `1`: `ki11`), `3` e, `4` a, `5` s, `7` t, `@` a, `$` s, `!` i before a letter (`k!ll`), and `*` i between letters
    ///   (`k*ll`, `s*icide`: close enough for the check's typo tolerance). A word that starts with digits keeps them
    ///   (`5pm`, `1st`, `800mg`, `4ever`): there they are a number; unless one sign digit starts letters that are no
    ///   unit (`4ll`) or digits stand inside its letters too (`0verd0se`);
    /// - three or more single letters in a row are one word: `k i l l`, also with marks between them set off by blanks
    ///   (`d . i . e`, `k - i - l - l`);
    /// - full-width forms are read as ASCII first (`ｋ１ｌｌ` as `k1ll`, then `kill`).
    ///
    /// Only the crisis check reads this, beside the text as typed (``hiddenSpellings(_:)``), so it can add a finding
    /// and never take one away. One pass over the bytes finds almost every message uses none of it; the rest costs
    /// three linear passes.
    static func unmasked(_ typed: String) -> String? {
        let text = foldingFullWidth(typed) ?? typed
        guard mayBeMasked(text.utf8) else { return nil }
        var scalars = Array(text.unicodeScalars)
        var changed = droppingMarksInsideWords(&scalars)
        changed = readingSignsAsLetters(&scalars) || changed
        changed = joiningSingleLetters(&scalars) || changed
        guard changed else { return nil }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Whether `bytes` may use one of ``unmasked(_:)``'s hidings: a letter, then a digit, sign or mark, then a letter
    /// or sign; `@` or `$` starting a word before a letter; anything non-ASCII right after a letter (an emoji inside a
    /// word); or two one-letter words in a row (blanks and words of marks only between them: `d . i . e`).
    private static func mayBeMasked(_ bytes: String.UTF8View) -> Bool {
        var before: UInt8 = 0x20
        var previous: UInt8 = 0x20
        var singleLetters = 0
        var wordLength = 0
        var wordIsMarks = true
        var wordLetters = 0
        var wordOthers = 0
        for byte in bytes {
            if isASCIILetter(before), isSign(previous) || isMark(previous), isASCIILetter(byte) || isSign(byte) {
                return true
            }
            // Letters spelled out with commas or semicolons ("d;i;e", "d , i , e"; QA29 S1-4).
            if isASCIILetter(before), previous == 0x2C || previous == 0x3B, isASCIILetter(byte) { return true }
            if byte >= 0x80, isASCIILetter(previous) { return true }
            if before == 0x20, previous == 0x40 || previous == 0x24 || isSign(previous), isASCIILetter(byte) { return true }
            if byte == 0x20 {
                // A word of marks only (or of non-ASCII bytes, which may be a dash) stands between one-letter words;
                // a letter with marks beside it ("d-", "i.") is a one-letter word.
                if wordLength > 0, !wordIsMarks {
                    singleLetters = wordLetters == 1 && wordOthers == 0 ? singleLetters + 1 : 0
                }
                if singleLetters >= 2 { return true }
                wordLength = 0
                wordLetters = 0
                wordOthers = 0
                wordIsMarks = true
            } else {
                wordLength += 1
                if isASCIILetter(byte) {
                    wordLetters += 1
                } else if !(isMark(byte) || byte == 0x2A || byte == 0x2C || byte == 0x3B || byte >= 0x80) {
                    wordOthers += 1
                }
                if !(isMark(byte) || byte == 0x2A || byte == 0x2C || byte == 0x3B), byte < 0x80 { wordIsMarks = false }
            }
            before = previous
            previous = byte
        }
        return singleLetters >= 1 && wordLetters == 1 && wordOthers == 0
    }

    /// `0 1 3 4 5 7 @ $ ! *`: what ``letterSign(_:)`` reads as a letter.
    private static func isSign(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30, 0x31, 0x33, 0x34, 0x35, 0x37, 0x40, 0x24, 0x21, 0x2A: true
        default: false
        }
    }

    /// `. - _ ~ + | / \ "`: the ASCII masking marks (``isMaskingMark(_:)``). Not `*`: it stands for a letter left out
    /// ("sh*t"), and reading the word without it makes another word.
    private static func isMark(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x2E, 0x2D, 0x5F, 0x7E, 0x2B, 0x7C, 0x2F, 0x5C, 0x22: true
        default: false
        }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte)
    }

    private static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        isAlphabetic(scalar)
    }

    /// A mark a word may be cut with: ASCII `.` `-` `_` `~` `+` `|` `/` `\` and `"`, and any non-ASCII scalar that
    /// is neither a letter, a digit, a space nor an apostrophe (emoji, their variation selectors and joiners, dashes,
    /// bullets). Apostrophes already join a word's parts ("don’t").
    private static func isMaskingMark(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar.value < 0x80 && isMark(UInt8(scalar.value)) }
        switch scalar.value {
        case 0x2018, 0x2019, 0x201B, 0x02BC, 0x00B4: return false
        default: break
        }
        return !isAlphabetic(scalar) && !isWhitespace(scalar) && !isNumeric(scalar)
    }

    /// Leaves out runs of at most four masking marks between two letters, or a letter and a sign read as one (never
    /// between two digits: "2.5", "555-0123"), where one side is a single letter: `d.i.e`, `k🔪ill`, but not
    /// `self-harm` or `love❤️you`, which are words written as usual (and read as usual by the look-alike rules).
    private static func droppingMarksInsideWords(_ scalars: inout [Unicode.Scalar]) -> Bool {
        var kept: [Unicode.Scalar] = []
        kept.reserveCapacity(scalars.count)
        var changed = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if isMaskingMark(scalar), let last = kept.last, isLetter(last) || letterSign(last) != nil {
                var end = index
                while end < scalars.count, end - index < 5, isMaskingMark(scalars[end]) { end += 1 }
                if end < scalars.count, end - index <= 4, isLetter(last) || isLetter(scalars[end]),
                    isLetter(scalars[end]) || letterSign(scalars[end]) != nil,
                    isSingle(at: kept.count - 1, in: kept, step: -1) || isSingle(at: end, in: scalars, step: 1)
                {
                    changed = true
                    index = end
                    continue
                }
            }
            kept.append(scalar)
            index += 1
        }
        if changed { scalars = kept }
        return changed
    }

    /// Whether `scalars[index]` is a letter or sign with no letter or sign next to it on the far side (`step` -1:
    /// before it, 1: after it); reads at most two scalars.
    private static func isSingle(at index: Int, in scalars: [Unicode.Scalar], step: Int) -> Bool {
        func isPart(_ position: Int) -> Bool {
            scalars.indices.contains(position) && (isLetter(scalars[position]) || letterSign(scalars[position]) != nil)
        }
        return isPart(index) && !isPart(index + step)
    }

    /// Whether a word that starts with a digit reads as letters from its start: one sign digit then letters that are no
    /// number's unit ("4ll", "0verd0se"; not "5pm", "1st", "4ever", "7am", "5mg"), or digits inside its letters too.
    private static func startsWithSignDigit(_ word: ArraySlice<Unicode.Scalar>) -> Bool {
        guard let lead = word.first, letterSign(lead) != nil, isNumeric(lead) else { return false }
        let rest = word.dropFirst()
        guard let second = rest.first, isLetter(second) else { return false }
        if rest.contains(where: isNumeric) { return true }
        guard rest.count >= 2, rest.allSatisfy(isLetter) else { return false }
        let tail = String(String.UnicodeScalarView(rest)).lowercased()
        return !numberUnits.contains(tail)
    }

    /// What follows a number as its unit or ending, never a word it masks.
    private static let numberUnits: Set<String> = [
        "am", "pm", "st", "nd", "rd", "th", "mg", "ml", "mcg", "hr", "hrs", "min", "mins", "yo", "yr", "yrs", "lb", "lbs",
        "oz", "ever", "eva", "ish", "day", "days", "wk", "wks", "mo", "mos", "kg", "cm", "mm", "km", "mi", "ft", "in",
        "xl", "gb", "mb", "pack", "pk", "ct", "sec", "secs", "ms", "am.", "pm.",
    ]

    /// The letter a digit or sign may stand for inside a word.
    private static func letterSign(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "0": "o"
        case "1": "i"
        case "3": "e"
        case "4": "a"
        case "5": "s"
        case "7": "t"
        case "@": "a"
        case "$": "s"
        case "!": "i"
        case "*": "i"
        default: nil
        }
    }

    /// Reads the digits and signs of a word that has letters as letters, past any digits it starts with.
    private static func readingSignsAsLetters(_ scalars: inout [Unicode.Scalar]) -> Bool {
        var changed = false
        var start = 0
        while start < scalars.count {
            var end = start
            while end < scalars.count, !isWhitespace(scalars[end]) { end += 1 }
            changed = readingSignsAsLetters(&scalars, in: start..<end) || changed
            start = end + 1
        }
        return changed
    }

    private static func readingSignsAsLetters(_ scalars: inout [Unicode.Scalar], in word: Range<Int>) -> Bool {
        guard scalars[word].contains(where: isLetter) else { return false }
        var first = word.lowerBound
        while first < word.upperBound, isNumeric(scalars[first]) { first += 1 }
        if first > word.lowerBound, startsWithSignDigit(scalars[word]) { first = word.lowerBound }
        let signs = (first..<word.upperBound).filter { index in
            guard letterSign(scalars[index]) != nil else { return false }
            // `!` only before a letter ("k!ll", not "help!"); `@` and `$` may start a word ("$uicide"); `*` only
            // between letters ("k*ll", "s*icide", "k**l"; not "*really*").
            let previous = index > word.lowerBound ? scalars[index - 1] : " "
            let next = index + 1 < word.upperBound ? scalars[index + 1] : " "
            switch scalars[index] {
            case "!": return isLetter(next)
            case "*": return (isLetter(previous) || previous == "*") && (isLetter(next) || next == "*")
            default: return true
            }
        }
        guard !signs.isEmpty, signs.count < word.count else { return false }
        let original = scalars
        for index in signs {
            var letter = letterSign(original[index])!
            if original[index] == "1",
                (index > word.lowerBound && original[index - 1] == "1")
                    || (index + 1 < word.upperBound && original[index + 1] == "1")
            {
                letter = "l"
            }
            scalars[index] = letter
        }
        return true
    }

    /// `text` with full-width forms (U+FF01–U+FF5E) and the ideographic space read as ASCII, or nil when it has none.
    private static func foldingFullWidth(_ text: String) -> String? {
        guard text.utf8.contains(0xEF) || text.utf8.contains(0xE3) else { return nil }
        var changed = false
        var view = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if (0xFF01...0xFF5E).contains(scalar.value), let ascii = Unicode.Scalar(scalar.value - 0xFEE0) {
                view.append(ascii)
                changed = true
            } else if scalar.value == 0x3000 {
                view.append(" ")
                changed = true
            } else {
                view.append(scalar)
            }
        }
        return changed ? String(view) : nil
    }

    /// Joins three or more one-letter words in a row into one word ("k i l l", "d . i . e", "k - i - l - l" as "kill",
    /// "die"), or two with a mark between them ("o / d" as "od"; QA28): between two of them only blanks and at most
    /// four masking marks, seven scalars at most.
    private static func joiningSingleLetters(_ scalars: inout [Unicode.Scalar]) -> Bool {
        // A blank, a masking mark, `*`, or a comma or semicolon between letters spelled out ("d , i , e", "d;i;e";
        // QA29 S1-4) stands beside a one-letter word ("k i l l", "d- i- e", "d * i * e").
        func isSpellingMark(_ scalar: Unicode.Scalar) -> Bool {
            isMaskingMark(scalar) || scalar == "*" || scalar == "," || scalar == ";"
        }
        func isGap(_ scalar: Unicode.Scalar) -> Bool {
            isWhitespace(scalar) || isSpellingMark(scalar)
        }
        func isSingleLetter(_ index: Int) -> Bool {
            isLetter(scalars[index]) && (index == 0 || isGap(scalars[index - 1]))
                && (index + 1 == scalars.count || isGap(scalars[index + 1]))
        }
        func nextSingleLetter(after index: Int) -> Int? {
            var position = index + 1
            var marks = 0
            while position < scalars.count, position - index <= 7 {
                let scalar = scalars[position]
                if isWhitespace(scalar) {
                    position += 1
                } else if isSpellingMark(scalar), marks < 4 {
                    marks += 1
                    position += 1
                } else {
                    return isSingleLetter(position) ? position : nil
                }
            }
            return nil
        }
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        var changed = false
        var index = 0
        while index < scalars.count {
            // The one-letter words from here: letter, blanks (and marks), letter …
            if isSingleLetter(index) {
                var letters = [index]
                while let next = nextSingleLetter(after: letters[letters.count - 1]) { letters.append(next) }
                // Two are joined only with a mark between them ("o / d", "o - d"): "i a" or "u r" are words.
                let marked =
                    letters.count == 2
                    && scalars[(letters[0] + 1)..<letters[1]].contains { isMaskingMark($0) || $0 == "*" }
                if letters.count >= 3 || marked {
                    for position in letters { result.append(scalars[position]) }
                    changed = true
                    index = letters[letters.count - 1] + 1  // the blank after the last letter, if any, is kept
                    continue
                }
            }
            result.append(scalars[index])
            index += 1
        }
        if changed { scalars = result }
        return changed
    }
}

extension TextNormalizer {
    /// `text` with the spaces between two words taken out where `isSplit(first, second)` says the two are the halves
    /// of one word split by a space ("kil l", "su icide"), or nil when no two are. Words are runs of ASCII letters, as
    /// typed; only words with nothing but spaces between them are tried, each pair once, in one pass that builds no
    /// text unless a pair is joined.
    static func joiningSplitWords(_ text: String, isSplit: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Bool) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.contains(0x20) else { return nil }
        func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) }
        var cuts: [Range<Int>] = []  // the blanks to take out
        var previous: Range<Int>? = nil
        var index = 0
        while index < bytes.count {
            guard isLetter(bytes[index]) else {
                if bytes[index] != 0x20 { previous = nil }
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, isLetter(bytes[end]) { end += 1 }
            // A word inside a longer one ("k1ll", "don't") is no half: digits, apostrophes and marks end it here.
            let whole = (index == 0 || !isWordByte(bytes[index - 1])) && (end == bytes.count || !isWordByte(bytes[end]))
            if whole, let first = previous, isSplit(bytes[first], bytes[index..<end]) {
                cuts.append(first.upperBound..<index)
                previous = nil
            } else {
                previous = whole ? index..<end : nil
            }
            index = end
        }
        guard !cuts.isEmpty else { return nil }
        var joined: [UInt8] = []
        joined.reserveCapacity(bytes.count)
        var from = 0
        for cut in cuts {
            joined += bytes[from..<cut.lowerBound]
            from = cut.upperBound
        }
        joined += bytes[from...]
        return String(decoding: joined, as: UTF8.self)
    }

    /// Whether `byte` continues a word (a letter, a digit, an apostrophe, or a byte of a non-ASCII letter).
    private static func isWordByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte | 0x20) || (0x30...0x39).contains(byte) || byte == 0x27 || byte >= 0x80
    }
}
