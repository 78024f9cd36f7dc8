extension SafetyModel {
    // The features, exactly as Scripts/train-safety-model computes them:
    // - text: A–Z lowered; a–z and 0–9 kept; apostrophes (' ‘ ’ `) dropped; anything else separates words,
    //   and . ! ? ; and newline also end a sentence;
    // - per word: `w:word`, `w:previous word` (bigram), and `c:` + every 3-, 4- and 5-letter slice of
    //   " word " (the word cut at 24 letters);
    // - presence only (a feature counts once per segment); a segment is the whole message, and each sentence
    //   when there are two or more. The score is the highest segment's.

    static let maxWordForSlices = 24

    /// The logit of the highest-scoring segment.
    func logit(of message: String) -> Double {
        var hits: [(index: Int32, sentence: Int32)] = []
        var word: [UInt8] = []
        word.reserveCapacity(32)
        var previousWord: UInt64? = nil  // hash of `w:previous`, for the bigram
        var previousSentence: Int32 = 0
        var sentence: Int32 = 0
        var sentencesWithWords: Int32 = 0
        var lastSentenceWithWords: Int32 = -1

        func endWord() {
            guard !word.isEmpty else { return }
            if lastSentenceWithWords != sentence {
                lastSentenceWithWords = sentence
                sentencesWithWords += 1
            }
            let unigram = Self.fnv(word, from: Self.wordPrefix)
            record(unigram, sentence)
            if let previousWord {
                let bigram = Self.fnv(word, from: Self.fnv(Self.space, from: previousWord))
                record(bigram, previousSentence == sentence ? sentence : -1)
            }
            previousWord = unigram
            previousSentence = sentence
            slices(sentence)
            word.removeAll(keepingCapacity: true)
        }

        func record(_ hash: UInt64, _ sentence: Int32) {
            let index = table.index(of: hash)
            if index >= 0 { hits.append((index, sentence)) }
        }

        func slices(_ sentence: Int32) {
            let length = min(word.count, Self.maxWordForSlices)
            // The padded word " w " without building it: position 0 and length + 1 are the spaces.
            func byte(_ position: Int) -> UInt8 { position == 0 || position == length + 1 ? 32 : word[position - 1] }
            let padded = length + 2
            for start in 0..<(padded - 2) {
                var hash = Self.slicePrefix
                for offset in 0..<5 {
                    guard start + offset < padded else { break }
                    hash = (hash ^ UInt64(byte(start + offset))) &* Self.fnvPrime
                    if offset >= 2 { record(hash, sentence) }
                }
            }
        }

        for scalar in message.unicodeScalars {
            let value = scalar.value
            switch value {
            case 65...90: word.append(UInt8(value + 32))
            case 97...122, 48...57: word.append(UInt8(value))
            case 39, 0x2018, 0x2019, 96: continue
            case 46, 33, 63, 59, 10:
                endWord()
                sentence += 1
            default: endWord()
            }
        }
        endWord()

        var best = bias + Self.sum(weights, hits.map(\.index))
        if sentencesWithWords > 1 {
            hits.sort { ($0.sentence, $0.index) < ($1.sentence, $1.index) }
            var scored: Int32 = 0
            var start = hits.startIndex
            while start < hits.endIndex {
                let current = hits[start].sentence
                var end = start
                while end < hits.endIndex && hits[end].sentence == current { end += 1 }
                if current >= 0 {
                    best = max(best, bias + Self.sum(weights, hits[start..<end].map(\.index)))
                    scored += 1
                }
                start = end
            }
            // A sentence none of whose features the model knows scores the bias alone.
            if scored < sentencesWithWords { best = max(best, bias) }
        }
        return best
    }

    /// The sum of the weights of the distinct indices: a linear scan for the few hits of an ordinary
    /// message (cheaper than sorting), a sort for the thousands of a long one.
    private static func sum(_ weights: [Double], _ indices: [Int32]) -> Double {
        var total = 0.0
        if indices.count <= 64 {
            for (position, index) in indices.enumerated() where !indices[..<position].contains(index) {
                total += weights[Int(index)]
            }
            return total
        }
        var previous: Int32 = -1
        for index in indices.sorted() where index != previous {
            total += weights[Int(index)]
            previous = index
        }
        return total
    }

    // FNV-1a, 64 bits, over the feature's UTF-8 bytes (`w:…` or `c:…`).
    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3
    static let wordPrefix = fnv(Array("w:".utf8), from: fnvOffset)
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
