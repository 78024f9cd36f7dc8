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
    private var deletes: [String: [Int32]] = [:]

    /// Creates a corrector for a vocabulary, with how often each word occurs (more frequent wins ties).
    public init(vocabulary: [String: Int]) {
        for (word, count) in vocabulary.sorted(by: { $0.key < $1.key }) {
            let id = words.count
            words.append(word)
            frequencies.append(count)
            known[word] = id
            let bytes = Array(word.utf8)
            guard bytes.count >= Self.minimumLength else { continue }
            let depth = bytes.count >= Self.twoEditLength ? 2 : 1
            for variant in Self.deletions(of: bytes, depth: depth) {
                deletes[variant, default: []].append(Int32(id))
            }
        }
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
        if let ids = deletes[word] { ids.forEach { consider(Int($0)) } }
        for variant in Self.deletions(of: bytes, depth: maxDistance) {
            if let id = known[variant] { consider(id) }
            if let ids = deletes[variant] { ids.forEach { consider(Int($0)) } }
        }
        return best.map { words[$0.id] }
    }

    /// Every distinct form made by deleting up to `depth` letters.
    static func deletions(of word: [UInt8], depth: Int) -> Set<String> {
        var result: Set<String> = []
        var frontier: [[UInt8]] = [word]
        for _ in 0..<depth {
            var next: [[UInt8]] = []
            for form in frontier where form.count > 1 {
                for i in form.indices {
                    var shorter = form
                    shorter.remove(at: i)
                    let key = String(decoding: shorter, as: UTF8.self)
                    if result.insert(key).inserted { next.append(shorter) }
                }
            }
            frontier = next
        }
        return result
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
