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
    static let negations: Set<UInt64> = Set(
        [
            "not", "no", "never", "dont", "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "wont", "wouldnt",
            "havent", "hasnt", "hadnt", "aint", "nor", "nothing", "nobody", "neither",
        ].map { fnv(Array($0.utf8), from: wordPrefix) })

    static let firstPerson: Set<UInt64> = Set(
        ["i", "im", "me", "my", "myself", "mine", "ive", "id", "ill", "imma"].map { fnv(Array($0.utf8), from: wordPrefix) })
    static let pastWords: Set<UInt64> = Set(
        [
            "ago", "was", "were", "had", "used", "years", "yrs", "months", "back", "since", "once", "past", "before",
            "previously",
        ].map { fnv(Array($0.utf8), from: wordPrefix) })
    static let firstPersonMarker = hash(of: "s:fp")
    static let pastMarker = hash(of: "s:past")
    static let questionMarker = hash(of: "s:q")

    /// One known feature found in a message, with the sentence and clause it belongs to (-1: to none).
    private struct Hit {
        var index: Int32
        var sentence: Int32
        var clause: Int32
    }

    /// The check-in, crisis and check-level logits of the highest-scoring segments, and the category read on the
    /// crisis one.
    func logits(of message: String) -> (check: Double, crisis: Double, category: CrisisCategory, level: Double) {
        var hits: [Hit] = []
        hits.reserveCapacity(message.utf8.count * 3 + 16)
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var previousWord: UInt64? = nil  // hash of `w:previous`, for the bigram
        var previousSentence: Int32 = -1
        var previousClause: Int32 = -1
        var sentence: Int32 = 0
        var clause: Int32 = 0
        var scope = 0
        // The sentences with words, in order, and for each clause with words its sentence.
        var sentences: [Int32] = []
        var clauses: [(clause: Int32, sentence: Int32)] = []

        func endWord() {
            guard !word.isEmpty else { return }
            if sentences.last != sentence { sentences.append(sentence) }
            if clauses.last?.clause != clause { clauses.append((clause, sentence)) }
            let unigram = Self.fnv(word, from: Self.wordPrefix)
            record(unigram, sentence, clause)
            if Self.firstPerson.contains(unigram) { record(Self.firstPersonMarker, sentence, clause) }
            if Self.pastWords.contains(unigram) { record(Self.pastMarker, sentence, clause) }
            if let previousWord {
                let bigram = Self.fnv(word, from: Self.fnv(Self.space, from: previousWord))
                record(bigram, previousSentence == sentence ? sentence : -1, previousClause == clause ? clause : -1)
            }
            if clause != previousClause { scope = 0 }
            if scope > 0 {
                record(Self.fnv(word, from: Self.negationPrefix), sentence, clause)
                scope -= 1
            }
            if Self.negations.contains(unigram) { scope = Self.negationScope }
            previousWord = unigram
            previousSentence = sentence
            previousClause = clause
            slices()
            word.removeAll(keepingCapacity: true)
        }

        func record(_ hash: UInt64, _ sentence: Int32, _ clause: Int32) {
            let index = table.index(of: hash)
            if index >= 0 { hits.append(Hit(index: index, sentence: sentence, clause: clause)) }
        }

        func slices() {
            let length = min(word.count, Self.maxWordForSlices)
            // The padded word " w " without building it: position 0 and length + 1 are the spaces.
            func byte(_ position: Int) -> UInt8 { position == 0 || position == length + 1 ? 32 : word[position - 1] }
            let padded = length + 2
            for start in 0..<(padded - 2) {
                var hash = Self.slicePrefix
                for offset in 0..<5 {
                    guard start + offset < padded else { break }
                    hash = (hash ^ UInt64(byte(start + offset))) &* Self.fnvPrime
                    if offset >= 2 { record(hash, sentence, clause) }
                }
            }
        }

        // A letter typed three times or more is kept twice.
        func add(_ letter: UInt8) {
            let count = word.count
            if count >= 2 && word[count - 1] == letter && word[count - 2] == letter { return }
            word.append(letter)
        }

        for scalar in message.unicodeScalars {
            let value = scalar.value
            switch value {
            case 65...90: add(UInt8(value + 32))
            case 97...122, 48...57: add(UInt8(value))
            case 39, 0x2018, 0x2019, 96: continue
            case 46, 33, 63, 59, 10:
                endWord()
                if value == 63 { record(Self.questionMarker, sentence, clause) }
                sentence += 1
                clause += 1
            case 44, 58, 40, 41, 34, 0x2013, 0x2014:
                endWord()
                clause += 1
            default: endWord()
            }
        }
        endWord()

        // The whole message, then each sentence (when two or more), then each clause of a sentence with two or
        // more, in that order: the first highest crisis segment gives the category, as in the script.
        // Each distinct feature counts once per segment: a stamp per feature says in which segment it was last
        // added. Hits come in message order, so a sentence's (and a clause's) hits are consecutive.
        var stamps = FeatureStamps(hits: hits.count)
        var whole = bias
        for hit in hits where stamps.stamp(hit.index, epoch: 1) {
            whole += weights[Int(hit.index)]
        }
        var epoch: UInt32 = 1
        var check = whole[Self.checkLane]
        var level = whole[Self.levelLane]
        var best = whole
        func consider(_ sums: SIMD8<Double>) {
            check = max(check, sums[Self.checkLane])
            level = max(level, sums[Self.levelLane])
            if sums[Self.crisisLane] > best[Self.crisisLane] { best = sums }
        }
        if sentences.count > 1 || clauses.count > sentences.count {
            var perSentence = [SIMD8<Double>](repeating: bias, count: Int(sentence) + 1)
            var perClause = [SIMD8<Double>](repeating: bias, count: Int(clause) + 1)
            Self.addGrouped(weights, hits, bySentence: true, stamps: &stamps, epoch: &epoch, into: &perSentence)
            Self.addGrouped(weights, hits, bySentence: false, stamps: &stamps, epoch: &epoch, into: &perClause)
            if sentences.count > 1 {
                for sentence in sentences { consider(perSentence[Int(sentence)]) }
            }
            var start = clauses.startIndex
            while start < clauses.endIndex {
                var end = start
                while end < clauses.endIndex && clauses[end].sentence == clauses[start].sentence { end += 1 }
                if end - start > 1 {
                    for position in start..<end { consider(perClause[Int(clauses[position].clause)]) }
                }
                start = end
            }
        }
        var category = self.category
        if hasCategories {
            var top = -Double.infinity
            for (lane, candidate) in Self.categoryOrder.enumerated() where best[Self.firstCategoryLane + lane] > top {
                top = best[Self.firstCategoryLane + lane]
                category = candidate
            }
        }
        return (check, best[Self.crisisLane], category, level)
    }

    /// Adds each hit's weights to the sums of its group (sentence or clause), each distinct feature once per
    /// group. Groups only grow along the message, so a new group is a new epoch of the stamps: no sorting.
    private static func addGrouped(
        _ weights: [SIMD8<Double>], _ hits: [Hit], bySentence: Bool, stamps: inout FeatureStamps, epoch: inout UInt32,
        into sums: inout [SIMD8<Double>]
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
        private var keys: [Int32]
        private var epochs: [UInt32]
        private let mask: Int

        init(hits: Int) {
            var capacity = 16
            while capacity < hits * 2 { capacity <<= 1 }
            keys = [Int32](repeating: -1, count: capacity)
            epochs = [UInt32](repeating: 0, count: capacity)
            mask = capacity - 1
        }

        /// Marks feature `index` as added in `epoch` (epochs start at 1); false when it already was.
        @inline(__always)
        mutating func stamp(_ index: Int32, epoch: UInt32) -> Bool {
            var slot = Int(truncatingIfNeeded: UInt32(bitPattern: index) &* 0x9E37_79B1) & mask
            while keys[slot] >= 0 && keys[slot] != index { slot = (slot + 1) & mask }
            keys[slot] = index
            guard epochs[slot] != epoch else { return false }
            epochs[slot] = epoch
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
