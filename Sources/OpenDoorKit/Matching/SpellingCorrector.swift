/// Corrects typos against the knowledge's own vocabulary ("relasped" → "relapsed", "councelor" → "counselor").
///
/// A symmetric-delete index (as in SymSpell): every known word is stored under the forms made by deleting
/// one or two of its letters, so a typo is looked up by its own deletions — a few hash lookups instead of
/// a scan over the vocabulary. Candidates are confirmed with the optimal-string-alignment distance, which
/// counts a swap of two neighbours ("relasped") as one edit.
public struct SpellingCorrector: Sendable {
    /// Words shorter than this are never corrected: "im", "ur", "u" are too short to guess at.
    public static let minimumLength = 4
    /// Words of at least this length may be two edits away; shorter ones only one.
    public static let twoEditLength = 8
    /// Words shorter than this keep their first letter when corrected, as the crisis check's typo tolerance does:
    /// a short word is one letter from many others, and a changed first letter is the likeliest wrong guess
    /// ("deth", a typo of "death", is not "meth"; "dose" is not "rose").
    public static let sameFirstLetterBelow = 6
    /// Words longer than this (in UTF-8 bytes) are never corrected. A correction's work grows with the cube
    /// of the word's length (every one- and two-letter deletion, each hashed whole), so one 2,000-letter
    /// "word" used to take 18 s; a word longer than the longest known word plus two edits has no
    /// correction anyway, so the bound is the smaller of this and that.
    public static let maximumLength = 32

    private var words: [String] = []
    /// Every word's UTF-8 bytes, one after the other; word `n`'s are `wordBytes[wordStarts[n]..<wordStarts[n + 1]]`.
    private var wordBytes: [UInt8] = []
    private var wordStarts: [Int32] = [0]
    private var frequencies: [Int] = []
    private var known: [String: Int] = [:]
    /// The longest word a correction may have: the longest known word plus two edits, at most ``maximumLength``.
    private var longestCorrectable = 0
    private var knownByHash: [UInt64: Int32] = [:]
    /// (hash of a deletion form, word) pairs in an open-addressing table with linear probing; a word id of
    /// -1 marks an empty slot. Words are added in id order and nothing is removed, so a probe meets one
    /// hash's words in id order. A hash collision only adds a candidate that the distance check rejects.
    private var deleteHashes: [UInt64] = []
    private var deleteWords: [Int32] = []

    /// Creates a corrector for a vocabulary, with how often each word occurs (more frequent wins ties).
    public init(vocabulary: [String: Int]) {
        self.init(words: Array(vocabulary.keys), counts: Array(vocabulary.values))
    }

    /// Creates a corrector for distinct words, with how often each occurs (more frequent wins ties).
    init(words distinct: [String], counts: [Int]) {
        let entries = distinct.indices.sorted { distinct[$0] < distinct[$1] }.map { (distinct[$0], counts[$0]) }
        words.reserveCapacity(entries.count)
        frequencies.reserveCapacity(entries.count)
        known.reserveCapacity(entries.count)
        knownByHash.reserveCapacity(entries.count)
        var forms: [UInt64] = []
        var owners: [Int32] = []
        forms.reserveCapacity(entries.count * 16)
        owners.reserveCapacity(entries.count * 16)
        for (word, count) in entries {
            let id = Int32(words.count)
            words.append(word)
            frequencies.append(count)
            known[word] = Int(id)
            let bytes = Array(word.utf8)
            wordBytes += bytes
            wordStarts.append(Int32(wordBytes.count))
            knownByHash[Self.hash(bytes[...])] = id
            // A word far past the cap is never a correction (no typo it could be is looked at), and indexing
            // it would cost the cube of its length, as a correction does.
            guard bytes.count >= Self.minimumLength, bytes.count <= Self.maximumLength + 2 else { continue }
            longestCorrectable = max(longestCorrectable, min(Self.maximumLength, bytes.count + 2))
            Self.forEachDeletionHash(of: bytes, depth: bytes.count >= Self.twoEditLength ? 2 : 1) {
                forms.append($0)
                owners.append(id)
            }
        }
        var capacity = 16
        while capacity < forms.count + forms.count / 2 { capacity *= 2 }
        deleteHashes = Array(repeating: 0, count: capacity)
        deleteWords = Array(repeating: -1, count: capacity)
        let mask = capacity - 1
        for (form, owner) in zip(forms, owners) {
            var slot = Int(truncatingIfNeeded: form) & mask
            while deleteWords[slot] >= 0 {
                if deleteHashes[slot] == form && deleteWords[slot] == owner { break }
                slot = (slot + 1) & mask
            }
            if deleteWords[slot] < 0 {
                deleteHashes[slot] = form
                deleteWords[slot] = owner
            }
        }
    }

    /// Whether the word is in the vocabulary as written.
    public func isKnown(_ word: String) -> Bool {
        known[word] != nil
    }

    /// The closest known word, or nil when the word is known already, too short or too long, or nothing is close.
    public func correction(for word: String) -> String? {
        // Checked first: hashing or copying a very long word already costs more than it is worth.
        guard word.utf8.count <= longestCorrectable else { return nil }
        let bytes = Array(word.utf8)
        guard known[word] == nil, bytes.count >= Self.minimumLength,
            !bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        let maxDistance = bytes.count >= Self.twoEditLength ? 2 : 1
        var best: (id: Int, distance: Int)?
        // Three rows of the distance table, reused for every candidate; candidates further than
        // `maxDistance` in length are rejected before the table is used.
        var rows = [Int](repeating: 0, count: 3 * (bytes.count + maxDistance + 1))
        let keepsFirstLetter = bytes.count < Self.sameFirstLetterBelow
        func consider(_ id: Int) {
            let candidate = wordBytes[Int(wordStarts[id])..<Int(wordStarts[id + 1])]
            if keepsFirstLetter && candidate.first != bytes.first { return }
            let distance = Self.distance(bytes, candidate, limit: maxDistance, rows: &rows)
            guard distance <= maxDistance else { return }
            if let current = best {
                if distance < current.distance
                    || (distance == current.distance && frequencies[id] > frequencies[current.id])
                {
                    best = (id, distance)
                }
            } else {
                best = (id, distance)
            }
        }
        // The word itself may be a deletion of a known word ("relaped" ← "relapsed").
        forEachWord(withDeletionHash: Self.hash(bytes[...]), consider)
        Self.forEachDeletionHashBreadthFirst(of: bytes, depth: maxDistance) { variant in
            if let id = knownByHash[variant] { consider(Int(id)) }
            forEachWord(withDeletionHash: variant, consider)
        }
        return best.map { words[$0.id] }
    }

    /// Calls `body` with each word one of whose deletion forms has this hash, in id order.
    @inline(__always)
    private func forEachWord(withDeletionHash hash: UInt64, _ body: (Int) -> Void) {
        guard !deleteWords.isEmpty else { return }
        let mask = deleteWords.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while deleteWords[slot] >= 0 {
            if deleteHashes[slot] == hash { body(Int(deleteWords[slot])) }
            slot = (slot + 1) & mask
        }
    }

    /// The hashes of every form made by deleting one letter, then (when `depth` is 2) of every form made by
    /// deleting one more letter from each of those, in that order and with repeats — the order candidates
    /// are met in decides ties — without building the forms.
    static func forEachDeletionHashBreadthFirst(of word: [UInt8], depth: Int, _ body: (UInt64) -> Void) {
        let count = word.count
        guard count > 1 else { return }
        for first in 0..<count { body(hash(word, skipping: first, count)) }
        guard depth >= 2, count > 2 else { return }
        for first in 0..<count {
            // The second deletion counts positions in the word without `first`.
            for second in 0..<(count - 1) {
                body(second < first ? hash(word, skipping: second, first) : hash(word, skipping: first, second + 1))
            }
        }
    }

    /// FNV-1a over the bytes but those at positions `a` and `b` (`b` may be past the end).
    @inline(__always)
    private static func hash(_ bytes: [UInt8], skipping a: Int, _ b: Int) -> UInt64 {
        var value = offsetBasis
        for i in bytes.indices where i != a && i != b {
            value ^= UInt64(bytes[i])
            value = value &* 0x100_0000_01b3
        }
        return value
    }

    /// The hashes of every form made by deleting one letter, or two when `depth` is 2 (a form may repeat),
    /// without building the forms: the hash of the letters before a deletion is shared by every form that
    /// keeps them.
    static func forEachDeletionHash(of word: [UInt8], depth: Int, _ body: (UInt64) -> Void) {
        let count = word.count
        guard count > 1 else { return }
        var prefix: UInt64 = offsetBasis
        for first in 0..<count {
            body(hash(word[(first + 1)...], from: prefix))
            if depth >= 2 && count > 2 {
                var middle = prefix
                for second in (first + 1)..<count {
                    body(hash(word[(second + 1)...], from: middle))
                    middle = hash(word[second...second], from: middle)
                }
            }
            prefix = hash(word[first...first], from: prefix)
        }
    }

    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325

    /// FNV-1a over the bytes, continuing from a hash of what came before them.
    @inline(__always)
    static func hash(_ bytes: ArraySlice<UInt8>, from start: UInt64) -> UInt64 {
        var value = start
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        return value
    }

    /// FNV-1a over the bytes.
    @inline(__always)
    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        hash(bytes, from: offsetBasis)
    }

    /// Optimal string alignment distance (Levenshtein plus swaps of neighbours), stopping early past `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        var rows = [Int](repeating: 0, count: 3 * (b.count + 1))
        return distance(a, b[...], limit: limit, rows: &rows)
    }

    /// The distance, with the table's three rows in `rows` (at least `3 × (b.count + 1)` long).
    static func distance(_ a: [UInt8], _ b: ArraySlice<UInt8>, limit: Int, rows: inout [Int]) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let width = b.count + 1
        let bStart = b.startIndex
        // Row offsets in `rows`, rotated after each line of the table.
        var previous2 = 0
        var previous = width
        var current = 2 * width
        for j in 0...b.count {
            rows[previous2 + j] = 0
            rows[previous + j] = j
        }
        for i in 1...a.count {
            rows[current] = i
            var rowMin = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[bStart + j - 1] ? 0 : 1
                var value = min(rows[previous + j] + 1, rows[current + j - 1] + 1, rows[previous + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[bStart + j - 2], a[i - 2] == b[bStart + j - 1] {
                    value = min(value, rows[previous2 + j - 2] + 1)
                }
                rows[current + j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return rows[previous + b.count]
    }
}
