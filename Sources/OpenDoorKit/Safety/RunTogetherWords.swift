/// Words typed with no space between them ("iwanttodieiwanttodie", "imgoingtokillmyselftonight"; QA28), read apart:
/// one more reading for the crisis check (``CrisisDetector``), beside the text as typed, so it can add a finding and
/// never take one away.
///
/// A run of ``shortest`` to ``longest`` ASCII letters that the rules don't know as a word is cut into the fewest words
/// they know (of one letter only "i" and "a"), by dynamic programming over the rules' word trie
/// (``SafetyIndex/forEachKnownPrefix(of:_:)``): at most `longest` × `longest` trie steps a run, no text built unless a
/// run is cut. A cut is read only where it is plainly no single word typed: three words or more, or two words of four
/// letters or more ("killmyself"; "therapist" is never "the rapist"). Longer runs (issue 10's 4,000-letter word) are
/// left as typed, and at most ``mostRuns`` runs are tried a message, so the cost stays bounded whatever is sent.
enum RunTogetherWords {
    /// Runs shorter than this are left as typed ("kms", "wanna": the spellings read those).
    static let shortest = 7
    /// Runs longer than this are left as typed: no one writes a crisis in 65 letters with no space.
    static let longest = 64
    /// Runs tried in one message, at most.
    static let mostRuns = 16

    /// `text` with each run of letters the rules can cut into their words written with spaces between them, or nil
    /// when no run is cut.
    static func separated(_ text: String, index: SafetyIndex) -> String? {
        let bytes = Array(text.utf8)
        var read: [UInt8] = []
        var copied = 0
        var tried = 0
        var start = 0
        while start < bytes.count, tried < mostRuns {
            guard isLetter(bytes[start]) else {
                start += 1
                continue
            }
            var end = start
            while end < bytes.count, isLetter(bytes[end]) { end += 1 }
            // A run inside a longer word ("don't", "k1ll", a non-ASCII letter beside it) is no run of words.
            let whole = (start == 0 || !isWordByte(bytes[start - 1])) && (end == bytes.count || !isWordByte(bytes[end]))
            if whole, end - start >= shortest, end - start <= longest {
                tried += 1
                let letters = bytes[start..<end].map { $0 | 0x20 }
                if let cuts = cuts(letters, index: index) {
                    read += bytes[copied..<start]
                    var from = start
                    for cut in cuts {
                        read += bytes[from..<start + cut]
                        read.append(0x20)
                        from = start + cut
                    }
                    read += bytes[from..<end]
                    copied = end
                }
            }
            start = end
        }
        guard copied > 0 else { return nil }
        read += bytes[copied...]
        return String(decoding: read, as: UTF8.self)
    }

    /// Where the fewest words the rules know cut `letters` (offsets of the cuts, ascending), or nil when they don't,
    /// when `letters` is a known word itself, or when the cut may be a single word typed (two words, one shorter than
    /// four letters).
    static func cuts(_ letters: [UInt8], index: SafetyIndex) -> [Int]? {
        let count = letters.count
        var fewest = [Int](repeating: Int.max, count: count + 1)
        var cameFrom = [Int](repeating: -1, count: count + 1)
        fewest[0] = 0
        var isWord = false
        for start in 0..<count where fewest[start] != Int.max {
            index.forEachKnownPrefix(of: letters[start...]) { length in
                if start == 0, length == count { isWord = true }
                // One letter is a word only as "i" or "a" ("i want", "a lot"), never a stray letter of another word.
                guard length > 1 || letters[start] == 0x69 || letters[start] == 0x61 else { return }
                let end = start + length
                if fewest[start] + 1 < fewest[end] {
                    fewest[end] = fewest[start] + 1
                    cameFrom[end] = start
                }
            }
            if isWord { return nil }
        }
        let pieces = fewest[count]
        guard pieces != Int.max, pieces >= 2 else { return nil }
        var cuts: [Int] = []
        var end = count
        while cameFrom[end] > 0 {
            cuts.append(cameFrom[end])
            end = cameFrom[end]
        }
        cuts.reverse()
        if pieces == 2, cuts[0] < 4 || count - cuts[0] < 4 { return nil }
        return cuts
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) }

    /// A letter, a digit, an apostrophe or a byte of a non-ASCII character: what continues a word.
    private static func isWordByte(_ byte: UInt8) -> Bool {
        isLetter(byte) || (0x30...0x39).contains(byte) || byte == 0x27 || byte >= 0x80
    }
}
