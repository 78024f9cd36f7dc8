extension SafetyRules {
    /// Lint warnings for pattern words that look like a misspelling of a crisis word written beside them (rounds 28-29).
    ///
    /// A word written into a pattern becomes a word the rules know, and a known word is never read as a typo: "sucidal"
    /// written into one pattern made "im sucidal" a miss, since it was no longer read as "suicidal" by the patterns
    /// that name that word. Round 28 named every pattern word one edit from a more used one, anywhere in the file: ~70
    /// warnings on the shipped rules, most of them real words ("snort"/"short", "choke"/"coke"). Round 29 names only
    /// what a writer put in as a slip: a pattern word (5+ letters, neither under `never_correct:` nor among
    /// `realWords`) written as an alternative of the same place as the word it is one edit from ("overdose|overdos"),
    /// with the edit before its last letter (so that "pill|pills" or "overdose|overdosed" are forms, not misspellings).
    /// Write the misspelling under `spellings:` instead, or drop it (typo tolerance reads it). `realWords` are words
    /// known to be spelled right (the knowledge's common words and its own texts: "doing" is no slip of "dying").
    public func misspelledPatternWords(realWords: Set<String> = []) -> [KnowledgeDiagnostic] {
        var uses: [String: Int] = [:]
        // Each word with the words written beside it at the same place of a pattern, and the first line it is on.
        var beside: [String: Set<String>] = [:]
        var firstLine: [String: Int] = [:]
        for category in categories {
            for pattern in category.patterns + category.checkPatterns {
                var words: Set<String> = []
                for slot in pattern.parsed.slots {
                    var place: [String] = []
                    for alternative in slot.alternatives {
                        // A one-word alternative: a phrase's words are not choices of each other.
                        guard alternative.count == 1, case .word(let word, _) = alternative[0] else {
                            for case .word(let word, _) in alternative { words.insert(word) }
                            continue
                        }
                        place.append(word)
                        words.insert(word)
                    }
                    for word in place { beside[word, default: []].formUnion(place.filter { $0 != word }) }
                }
                for word in words {
                    uses[word, default: 0] += 1
                    if firstLine[word] == nil, let line = pattern.line { firstLine[word] = line }
                }
            }
        }
        var found: [KnowledgeDiagnostic] = []
        for (word, others) in beside
        where word.utf8.count >= Self.shortestLintedMisspelling && !neverCorrect.contains(word) && !realWords.contains(word)
        {
            let letters = Array(word.utf8)
            var likely: String?
            for other in others.sorted() where abs(other.utf8.count - letters.count) <= 1 {
                let otherLetters = Array(other.utf8)
                // The slip is the word less used, or the one no real word when both are used alike.
                let count = uses[word] ?? 0
                let otherCount = uses[other] ?? 0
                guard otherLetters.first == letters.first, otherCount > count
                    || (otherCount == count && realWords.contains(other)),
                    Self.oneEditBeforeLastLetter(letters, otherLetters)
                else { continue }
                if likely == nil || otherCount > (uses[likely!] ?? 0) { likely = other }
            }
            guard let likely else { continue }
            found.append(
                KnowledgeDiagnostic(
                    .warning, file: file, line: firstLine[word],
                    "pattern word “\(word)” (\(uses[word] ?? 0) pattern(s)) is written beside “\(likely)” "
                        + "(\(uses[likely] ?? 0)), one letter from it: a word written in a pattern is no longer read as a "
                        + "typo, so “\(word)” in a message stops matching the patterns of “\(likely)”; if it is a "
                        + "misspelling, list it under spellings: instead"))
        }
        return found.sorted { ($0.line ?? 0, $0.message) < ($1.line ?? 0, $1.message) }
    }

    /// The shortest pattern word checked for being a misspelling of another.
    static let shortestLintedMisspelling = 5

    /// Whether `a` and `b` are one edit apart (a letter missing, extra, replaced, or two next to each other swapped),
    /// where the edit is not at the end of either word: an ending ("pill", "pills"; "cut", "cuts") is a form, not a slip.
    static func oneEditBeforeLastLetter(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var prefix = 0
        while prefix < min(a.count, b.count), a[prefix] == b[prefix] { prefix += 1 }
        guard prefix < min(a.count, b.count) - 1 else { return false }
        let restA = a[(prefix + 1)...]
        let restB = b[(prefix + 1)...]
        if a.count == b.count {
            // Replaced, or two letters swapped.
            if restA.elementsEqual(restB) { return true }
            return prefix + 1 < a.count && a[prefix] == b[prefix + 1] && a[prefix + 1] == b[prefix]
                && a[(prefix + 2)...].elementsEqual(b[(prefix + 2)...])
        }
        // A letter missing in the shorter one.
        return a.count < b.count ? a[prefix...].elementsEqual(restB) : restA.elementsEqual(b[prefix...])
    }
}
