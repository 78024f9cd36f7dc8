extension SafetyRules {
    /// Lint warnings for pattern words that look like a misspelling of a crisis word other patterns use (round 28).
    ///
    /// A word written into a pattern becomes a word the rules know, and a known word is never read as a typo: "sucidal"
    /// written into one pattern made "im sucidal" a miss, since it was no longer read as "suicidal" by the patterns
    /// that name that word. A pattern word (5+ letters, neither under `never_correct:` nor among `realWords`) one edit
    /// from a word used by more patterns, with the edit before its last letter (so that "pill"/"pills" or
    /// "overdose"/"overdosed" are no misspellings), is named with its line; write the misspelling under `spellings:`
    /// instead, or drop it (typo tolerance reads it). `realWords` are words known to be spelled right (the knowledge's
    /// common words and its own texts: "doing" is no slip of "dying", "grandma" none of "grandpa").
    public func misspelledPatternWords(realWords: Set<String> = []) -> [KnowledgeDiagnostic] {
        var uses: [String: Int] = [:]
        var firstLine: [String: Int] = [:]
        for category in categories {
            for pattern in category.patterns + category.checkPatterns {
                var words: Set<String> = []
                for slot in pattern.parsed.slots {
                    for alternative in slot.alternatives {
                        for case .word(let word, _) in alternative { words.insert(word) }
                    }
                }
                for word in words {
                    uses[word, default: 0] += 1
                    if firstLine[word] == nil, let line = pattern.line { firstLine[word] = line }
                }
            }
        }
        // Words by their length, so each word is compared only with words one letter shorter, as long or longer.
        var byLength: [Int: [String]] = [:]
        for word in uses.keys { byLength[word.utf8.count, default: []].append(word) }
        var found: [KnowledgeDiagnostic] = []
        for (word, count) in uses
        where word.utf8.count >= Self.shortestLintedMisspelling && !neverCorrect.contains(word) && !realWords.contains(word)
        {
            let letters = Array(word.utf8)
            var likely: String?
            for length in letters.count - 1...letters.count + 1 {
                for other in byLength[length] ?? [] where other != word && (uses[other] ?? 0) > count {
                    let otherLetters = Array(other.utf8)
                    guard otherLetters.first == letters.first, Self.oneEditBeforeLastLetter(letters, otherLetters)
                    else { continue }
                    if likely == nil || (uses[other] ?? 0) > (uses[likely!] ?? 0) { likely = other }
                }
            }
            guard let likely else { continue }
            found.append(
                KnowledgeDiagnostic(
                    .warning, file: file, line: firstLine[word],
                    "pattern word “\(word)” (\(count) pattern(s)) is one letter from “\(likely)” (\(uses[likely] ?? 0)): "
                        + "a word written in a pattern is no longer read as a typo, so “\(word)” in a message stops "
                        + "matching the patterns of “\(likely)”; if it is a misspelling, list it under spellings: instead"))
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
