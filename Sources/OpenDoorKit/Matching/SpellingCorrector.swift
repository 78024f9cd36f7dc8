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

    private var words: [String] = []
    private var frequencies: [Int] = []
    private var known: [String: Int] = [:]
    private var knownByHash: [UInt64: Int32] = [:]
    /// (hash of a deletion form, word) pairs sorted by hash; a hash collision only adds a candidate that
    /// the distance check rejects. A sorted array builds far faster than a dictionary of arrays.
    private var deleteHashes: [UInt64] = []
    private var deleteWords: [Int32] = []

    /// Creates a corrector for a vocabulary, with how often each word occurs (more frequent wins ties).
    public init(vocabulary: [String: Int]) {
        var pairs: [(UInt64, Int32)] = []
        pairs.reserveCapacity(vocabulary.count * 24)
        for (word, count) in vocabulary.sorted(by: { $0.key < $1.key }) {
            let id = words.count
            words.append(word)
            frequencies.append(count)
            known[word] = id
            let bytes = Array(word.utf8)
            knownByHash[Self.hash(bytes[...])] = Int32(id)
            guard bytes.count >= Self.minimumLength else { continue }
            let depth = bytes.count >= Self.twoEditLength ? 2 : 1
            for variant in Self.deletionHashes(of: bytes, depth: depth) {
                pairs.append((variant, Int32(id)))
            }
        }
        pairs.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
        var unique: [(UInt64, Int32)] = []
        unique.reserveCapacity(pairs.count)
        for pair in pairs where unique.last.map({ $0 != pair }) ?? true { unique.append(pair) }
        pairs = unique
        deleteHashes = pairs.map(\.0)
        deleteWords = pairs.map(\.1)
    }

    /// Whether the word is in the vocabulary as written.
    public func isKnown(_ word: String) -> Bool {
        known[word] != nil
    }

    /// The closest known word, or nil when the word is known already, too short, or nothing is close.
    public func correction(for word: String) -> String? {
        let bytes = Array(word.utf8)
        guard known[word] == nil, bytes.count >= Self.minimumLength,
            !bytes.contains(where: { $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        let maxDistance = bytes.count >= Self.twoEditLength ? 2 : 1
        var best: (id: Int, distance: Int)?
        func consider(_ id: Int) {
            let candidate = words[id]
            let distance = Self.distance(bytes, Array(candidate.utf8), limit: maxDistance)
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
        for id in words(withDeletionHash: Self.hash(bytes[...])) { consider(id) }
        for variant in Self.deletions(of: bytes, depth: maxDistance) {
            if let id = knownByHash[Self.hash(variant[...])] { consider(Int(id)) }
            for id in words(withDeletionHash: Self.hash(variant[...])) { consider(id) }
        }
        return best.map { words[$0.id] }
    }

    /// The words one of whose deletion forms has this hash.
    private func words(withDeletionHash hash: UInt64) -> [Int] {
        var low = 0
        var high = deleteHashes.count
        while low < high {
            let middle = (low + high) / 2
            if deleteHashes[middle] < hash { low = middle + 1 } else { high = middle }
        }
        var result: [Int] = []
        while low < deleteHashes.count, deleteHashes[low] == hash {
            result.append(Int(deleteWords[low]))
            low += 1
        }
        return result
    }

    /// Every form made by deleting up to `depth` letters (a form may repeat).
    static func deletions(of word: [UInt8], depth: Int) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var frontier: [[UInt8]] = [word]
        for _ in 0..<depth {
            var next: [[UInt8]] = []
            for form in frontier where form.count > 1 {
                for i in form.indices {
                    var shorter = form
                    shorter.remove(at: i)
                    next.append(shorter)
                }
            }
            result += next
            frontier = next
        }
        return result
    }

    /// The hashes of every form made by deleting up to `depth` letters, without building strings.
    static func deletionHashes(of word: [UInt8], depth: Int) -> [UInt64] {
        var hashes: [UInt64] = []
        var buffer = word
        func visit(_ length: Int, _ remaining: Int, _ from: Int) {
            guard remaining > 0, length > 1 else { return }
            for i in from..<length {
                let removed = buffer[i]
                buffer.remove(at: i)
                hashes.append(hash(buffer[0..<(length - 1)]))
                visit(length - 1, remaining - 1, i)
                buffer.insert(removed, at: i)
            }
        }
        visit(word.count, depth, 0)
        return hashes
    }

    /// FNV-1a over the bytes.
    @inline(__always)
    static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        return value
    }

    /// Optimal string alignment distance (Levenshtein plus swaps of neighbours), stopping early past `limit`.
    static func distance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let width = b.count + 1
        var previous2 = [Int](repeating: 0, count: width)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: width)
        for i in 1...a.count {
            current[0] = i
            var rowMin = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}
