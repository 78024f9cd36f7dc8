extension SafetyModel {
    // The features, exactly as Scripts/train-safety-model computes them:
    // - text: A–Z lowered; a–z and 0–9 kept, a letter typed three times or more kept twice ("sooo" is "soo");
    //   apostrophes (' ‘ ’ `) dropped; anything else separates words;
    //   . ! ? ; and newline also end a sentence (and a clause); , : ( ) " – and — end a clause;
    // - per word: `w:word`, `w:previous word` (bigram), `n:word` for the 3 words after a negation ("not",
    //   "never", "dont", …) in the same clause, and `c:` + every 3-, 4- and 5-letter slice of " word " (the word
    //   cut at 24 letters);
    // - markers pooled across writers: `s:fp` for a word of the visitor's own ("i", "my", …), `s:past` for a word
    //   of the past ("ago", "was", "used", …), `s:q` for a sentence (and its last clause) ended by "?";
    // - presence only (a feature counts once per segment); a segment is the whole message, each sentence when
    //   there are two or more, and each clause of a sentence that has two or more. A bigram belongs to the
    //   sentence and the clause only when both its words do. Each head scores the highest segment's logit; the
    //   category is read on the segment the crisis head scores highest.

    static let maxWordForSlices = 24
    static let negationScope = 3
    static let negations = [
        "not", "no", "never", "dont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "wont", "wouldnt",
        "havent", "hasnt", "hadnt", "aint", "nor", "nothing", "nobody", "neither",
    ]
    static let firstPerson = ["i", "im", "me", "my", "myself", "mine", "ive", "id", "ill", "imma"]
    static let pastWords = [
        "ago", "was", "were", "had", "used", "years", "yrs", "months", "back", "since", "once", "past", "before",
        "previously",
    ]
    /// The three lists above by the hash of `w:word`.
    static let wordMarks = WordMarks([
        (negations, WordMarks.negation), (firstPerson, WordMarks.firstPerson), (pastWords, WordMarks.past),
    ])
    static let firstPersonMarker = hash(of: "s:fp")
    static let pastMarker = hash(of: "s:past")
    static let questionMarker = hash(of: "s:q")

    /// The check-in, crisis and check-level logits of the highest-scoring segments, and the category read on the
    /// crisis one when its logit is at or above `categoryAtOrAbove` (else the model's `category`: the category lanes
    /// are read only for the catch that needs them).
    func logits(
        of message: String, categoryAtOrAbove: Double = -.infinity
    ) -> (check: Double, crisis: Double, category: CrisisCategory, level: Double) {
        if let logits = message.utf8.withContiguousStorageIfAvailable({
            logits(ofBytes: $0, categoryAtOrAbove: categoryAtOrAbove)
        }) {
            return logits
        }
        var text = message
        text.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { logits(ofBytes: $0, categoryAtOrAbove: categoryAtOrAbove) }!
    }

    /// ``logits(of:)`` over the message's UTF-8 bytes (a valid encoding, as every `String`'s), read by a
    /// ``FeatureReader``. The features are the same, found in the same order, so the sums are the same to the bit
    /// (round 28: the model was ~6 of the crisis check's 14.6 µs).
    private func logits(
        ofBytes bytes: UnsafeBufferPointer<UInt8>, categoryAtOrAbove: Double
    ) -> (check: Double, crisis: Double, category: CrisisCategory, level: Double) {
        var reader = FeatureReader(model: self, bytes: bytes.count)
        defer { reader.deallocate() }
        reader.read(bytes)
        let hits = UnsafeBufferPointer(start: reader.hits, count: reader.count)
        let sentences = reader.sentences
        let clauses = reader.clauses
        let sentence = reader.sentence
        let clause = reader.clause

        // The whole message, then each sentence (when two or more), then each clause of a sentence with two or
        // more, in that order: the first highest crisis segment gives the category, as in the script.
        // Each distinct feature counts once per segment: a stamp per feature says in which segment it was last
        // added. Hits come in message order, so a sentence's (and a clause's) hits are consecutive.
        // The segments are scored on the check-in, crisis and check-level lanes alone (`scored`); the category's lanes
        // are summed afterwards for the one segment that needs them, adding the same weights in the same order.
        let lanes = (check: 0, crisis: 1, level: 2)
        var stamps = FeatureStamps(hits: hits.count)
        var whole = scoredBias
        for hit in hits where stamps.stamp(hit.index, epoch: 1) {
            whole += scored[Int(hit.index)]
        }
        var epoch: UInt32 = 1
        var check = whole[lanes.check]
        var level = whole[lanes.level]
        var crisis = whole[lanes.crisis]
        var best = Segment.whole
        func consider(_ sums: SIMD4<Double>, _ segment: Segment) {
            check = max(check, sums[lanes.check])
            level = max(level, sums[lanes.level])
            if sums[lanes.crisis] > crisis {
                crisis = sums[lanes.crisis]
                best = segment
            }
        }
        if sentences.count > 1 || clauses.count > sentences.count {
            var perSentence = [SIMD4<Double>](repeating: scoredBias, count: Int(sentence) + 1)
            var perClause = [SIMD4<Double>](repeating: scoredBias, count: Int(clause) + 1)
            Self.addGrouped(scored, hits, bySentence: true, stamps: &stamps, epoch: &epoch, into: &perSentence)
            Self.addGrouped(scored, hits, bySentence: false, stamps: &stamps, epoch: &epoch, into: &perClause)
            if sentences.count > 1 {
                for sentence in sentences { consider(perSentence[Int(sentence)], .sentence(sentence)) }
            }
            var start = clauses.startIndex
            while start < clauses.endIndex {
                var end = start
                while end < clauses.endIndex && clauses[end].sentence == clauses[start].sentence { end += 1 }
                if end - start > 1 {
                    for position in start..<end {
                        consider(perClause[Int(clauses[position].clause)], .clause(clauses[position].clause))
                    }
                }
                start = end
            }
        }
        var category = self.category
        if hasCategories && crisis >= categoryAtOrAbove {
            let sums = Self.sums(weights, bias: bias, hits: hits, in: best)
            var top = -Double.infinity
            for (lane, candidate) in Self.categoryOrder.enumerated() where sums[Self.firstCategoryLane + lane] > top {
                top = sums[Self.firstCategoryLane + lane]
                category = candidate
            }
        }
        return (check, crisis, category, level)
    }

    /// A segment of a message: the whole of it, a sentence or a clause (by its number).
    private enum Segment {
        case whole
        case sentence(Int32)
        case clause(Int32)
    }

    /// The sums of `weights` over the distinct features of one segment's hits, from `bias`, added in message order as
    /// the segments are scored.
    private static func sums(
        _ weights: [SIMD8<Double>], bias: SIMD8<Double>, hits: UnsafeBufferPointer<Hit>, in segment: Segment
    ) -> SIMD8<Double> {
        var stamps = FeatureStamps(hits: hits.count)
        var sums = bias
        for hit in hits {
            switch segment {
            case .whole: break
            case .sentence(let sentence): guard hit.sentence == sentence else { continue }
            case .clause(let clause): guard hit.clause == clause else { continue }
            }
            if stamps.stamp(hit.index, epoch: 1) { sums += weights[Int(hit.index)] }
        }
        return sums
    }

    /// Calls `body` with the hash of each `c:` slice of a word, in order: `padded` is " word " (a space, the word's first
    /// `maxWordForSlices` letters, a space), `length` the word's whole length.
    @inline(__always)
    static func forEachSlice(of padded: [UInt8], length: Int, _ body: (UInt64) -> Void) {
        let kept = min(length, maxWordForSlices)
        let end = kept + 2
        for start in 0..<kept {
            var hash = slicePrefix
            for position in start..<min(start + 5, end) {
                hash = (hash ^ UInt64(padded[position])) &* fnvPrime
                if position - start >= 2 { body(hash) }
            }
        }
    }

    /// Adds each hit's weights to the sums of its group (sentence or clause), each distinct feature once per
    /// group. Groups only grow along the message, so a new group is a new epoch of the stamps: no sorting.
    private static func addGrouped(
        _ weights: [SIMD4<Double>], _ hits: UnsafeBufferPointer<Hit>, bySentence: Bool, stamps: inout FeatureStamps,
        epoch: inout UInt32, into sums: inout [SIMD4<Double>]
    ) {
        var current: Int32 = -1
        for hit in hits {
            let group = bySentence ? hit.sentence : hit.clause
            guard group >= 0 else { continue }
            if group != current {
                current = group
                epoch += 1
            }
            if stamps.stamp(hit.index, epoch: epoch) { sums[Int(group)] += weights[Int(hit.index)] }
        }
    }

    /// Per feature found in a message, the last segment (epoch) it was added to: a small open-addressing table sized
    /// by the message's hits, not an array of every feature the model knows (6,900 stamps zeroed for each message
    /// read, for the ~100 features a short message finds).
    struct FeatureStamps {
        /// Each slot: the feature's index in the high 32 bits (all ones: empty), its epoch in the low 32; one array, so
        /// one allocation a message.
        private var slots: [UInt64]
        private let mask: Int

        init(hits: Int) {
            var capacity = 16
            while capacity < hits * 2 { capacity <<= 1 }
            slots = [UInt64](repeating: Self.empty, count: capacity)
            mask = capacity - 1
        }

        private static let empty: UInt64 = 0xFFFF_FFFF_0000_0000

        /// Marks feature `index` as added in `epoch` (epochs start at 1); false when it already was.
        @inline(__always)
        mutating func stamp(_ index: Int32, epoch: UInt32) -> Bool {
            let key = UInt64(UInt32(bitPattern: index)) << 32
            var slot = Int(truncatingIfNeeded: UInt32(bitPattern: index) &* 0x9E37_79B1) & mask
            while slots[slot] & Self.empty != Self.empty && slots[slot] & Self.empty != key { slot = (slot + 1) & mask }
            guard slots[slot] != key | UInt64(epoch) else { return false }
            slots[slot] = key | UInt64(epoch)
            return true
        }
    }

    // FNV-1a, 64 bits, over the feature's UTF-8 bytes (`w:…`, `n:…` or `c:…`).
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3
    static let wordPrefix = fnv(Array("w:".utf8), from: fnvOffset)
    static let negationPrefix = fnv(Array("n:".utf8), from: fnvOffset)
    static let slicePrefix = fnv(Array("c:".utf8), from: fnvOffset)
    static let space: [UInt8] = [32]

    static func fnv<Bytes: Sequence<UInt8>>(_ bytes: Bytes, from start: UInt64) -> UInt64 {
        var hash = start
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* fnvPrime }
        return hash
    }

    /// The hash of a feature as the model file writes it.
    static func hash(of feature: String) -> UInt64 {
        fnv(Array(feature.utf8), from: fnvOffset)
    }
}

/// Which of the learned model's word lists (negations, the visitor's own words, words of the past) a word is in, by
/// the 64-bit hash of its feature `w:word`: a small open-addressing table, one probe for most words.
struct WordMarks: Sendable {
    static let negation: UInt8 = 1
    static let firstPerson: UInt8 = 2
    static let past: UInt8 = 4

    private let keys: [UInt64]
    private let marks: [UInt8]

    /// The marks of each list's words.
    init(_ lists: [([String], UInt8)]) {
        var keys = [UInt64](repeating: 0, count: Self.capacity)
        var marks = [UInt8](repeating: 0, count: Self.capacity)
        for (words, mark) in lists {
            for word in words {
                let key = SafetyModel.fnv(Array(word.utf8), from: SafetyModel.wordPrefix)
                var slot = Self.slot(of: key)
                while marks[slot] != 0 && keys[slot] != key { slot = (slot + 1) & (Self.capacity - 1) }
                keys[slot] = key
                marks[slot] |= mark
            }
        }
        self.keys = keys
        self.marks = marks
    }

    private static let capacity = 256

    @inline(__always)
    private static func slot(of key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 56)
    }

    /// The marks of the word whose `w:` feature hashes to `key` (0: in no list).
    @inline(__always)
    func mark(of key: UInt64) -> UInt8 {
        var slot = Self.slot(of: key)
        while marks[slot] != 0 {
            if keys[slot] == key { return marks[slot] }
            slot = (slot + 1) & (Self.capacity - 1)
        }
        return 0
    }
}

/// The words the model knows as `w:word`, each with what reading it finds: its feature's index, and the indices of
/// its `c:` slices that are features, in the order ``SafetyModel/forEachSlice(of:length:_:)`` gives them.
///
/// A word's slices are its features' bulk (three for each letter, each hashed and probed in a table larger than a
/// core's cache, most of them no feature): for a word the model knows, they are looked up once, when the model
/// loads, not for every message. A word's entry is found by the hash of `w:word`, as its unigram always was.
struct KnownWords: Sendable, Hashable {
    /// A word's feature index and where its slices' indices are in ``slices``.
    struct Word: Sendable, Hashable {
        var index: Int32
        var first: Int32
        var end: Int32
    }

    /// The words by the hash of `w:word`: the position of each in ``words``.
    private let table: FeatureTable
    private let words: [Word]
    /// The slices' feature indices of every word, word after word.
    let slices: [Int32]

    /// The words (their bytes, as `logits` reads them) among the features of `features`.
    init(_ words: [[UInt8]], table features: FeatureTable) {
        var keys: [UInt64] = []
        var found: [Word] = []
        var slices: [Int32] = []
        for word in words where !word.isEmpty {
            let key = SafetyModel.fnv(word, from: SafetyModel.wordPrefix)
            let index = features.index(of: key)
            guard index >= 0 else { continue }
            let first = Int32(slices.count)
            let padded: [UInt8] = [32] + Array(word.prefix(SafetyModel.maxWordForSlices)) + [32]
            SafetyModel.forEachSlice(of: padded, length: word.count) { hash in
                let slice = features.index(of: hash)
                if slice >= 0 { slices.append(slice) }
            }
            keys.append(key)
            found.append(Word(index: index, first: first, end: Int32(slices.count)))
        }
        self.table = FeatureTable(keys: keys)
        self.words = found
        self.slices = slices
    }

    /// The known word whose `w:word` hashes to `key`, or nil.
    @inline(__always)
    func word(_ key: UInt64) -> Word? {
        let position = table.index(of: key)
        return position >= 0 ? words[Int(position)] : nil
    }
}
