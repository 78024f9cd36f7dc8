extension SafetyModel {
    /// One known feature found in a message, with the sentence and clause it belongs to (-1: to none).
    struct Hit {
        var index: Int32
        var sentence: Int32
        var clause: Int32
    }

    /// A clause with words, and its sentence.
    struct Clause {
        var clause: Int32
        var sentence: Int32
    }

    /// Reads one message's features, as its bytes come, into a buffer of hits: the state of the reading in one value,
    /// with mutating methods, where it was local variables shared by nested functions (round 29: those variables,
    /// captured and written by the functions, were checked for exclusive access at run time on every write, and the
    /// hits' array looked up its generic type's metadata on every message: together a third of the model's time,
    /// `perf record` of `bench --safety-only`).
    ///
    /// A word's features are hashed as its letters are read (the word, the bigram with the word before and the
    /// negated word, each FNV-1a from its own prefix), with only its first 24 letters kept, for the slices: no array
    /// grows or empties per word, and the words of the visitor's own, of the past and of negation are told apart by
    /// one probe of a small table (`WordMarks`) rather than three `Set` lookups with SipHash.
    struct FeatureReader {
        let table: FeatureTable
        let knownWords: KnownWords
        let marks: WordMarks
        /// Room for the hits: at most 3 slices per letter, 5 more features per word, one marker per "?": 8 per byte.
        let hits: UnsafeMutablePointer<Hit>
        private(set) var count = 0
        /// The sentences with words, in order, and for each clause with words its sentence.
        private(set) var sentences: [Int32] = []
        private(set) var clauses: [Clause] = []
        private(set) var sentence: Int32 = 0
        private(set) var clause: Int32 = 0
        /// The padded word " w " for its slices: a space, the first `maxWordForSlices` letters, a space.
        private let padded: UnsafeMutablePointer<UInt8>
        private var length = 0  // the whole word's letters, however many were kept for the slices
        private var last: UInt8 = 0  // the word's last two letters, for "a letter typed three times or more is kept twice"
        private var beforeLast: UInt8 = 0
        private var unigram = SafetyModel.wordPrefix  // the running hashes of `w:word`, `w:previous word`, `n:word`
        private var bigram: UInt64 = 0
        private var negated = SafetyModel.negationPrefix
        private var previousWord: UInt64? = nil  // hash of `w:previous`, for the bigram
        private var previousSentence: Int32 = -1
        private var previousClause: Int32 = -1
        private var scope = 0

        /// A reader for a message of `bytes` bytes; ``deallocate()`` frees its buffers.
        init(model: SafetyModel, bytes: Int) {
            table = model.table
            knownWords = model.knownWords
            marks = SafetyModel.wordMarks
            hits = .allocate(capacity: bytes * 8 + 16)
            padded = .allocate(capacity: SafetyModel.maxWordForSlices + 2)
            padded.initialize(repeating: 32, count: SafetyModel.maxWordForSlices + 2)
        }

        func deallocate() {
            hits.deallocate()
            padded.deallocate()
        }

        /// Reads every byte of a message (a valid UTF-8 encoding), then ends its last word.
        mutating func read(_ bytes: UnsafeBufferPointer<UInt8>) {
            var position = 0
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case 65...90: add(byte + 32)
                case 97...122, 48...57: add(byte)
                case 39, 96: continue
                case 46, 33, 63, 59, 10:
                    endWord()
                    if byte == 63 { record(SafetyModel.questionMarker, sentence, clause) }
                    sentence += 1
                    clause += 1
                case 44, 58, 40, 41, 34:
                    endWord()
                    clause += 1
                case 0x80...0xBF: continue  // the rest of a scalar read at its first byte
                case 0xE2 where position + 1 < bytes.count && bytes[position] == 0x80:
                    // U+2018 and U+2019 (quotes) are apostrophes, U+2013 and U+2014 (dashes) end a clause.
                    switch bytes[position + 1] {
                    case 0x98, 0x99: continue
                    case 0x93, 0x94:
                        endWord()
                        clause += 1
                    default: endWord()
                    }
                default: endWord()
                }
            }
            endWord()
        }

        /// Every probe writes its hit and counts it only when the feature is the model's: no branch on a probe's
        /// outcome, so the probes of a word (most of them for no feature) overlap.
        @inline(__always)
        private mutating func record(_ hash: UInt64, _ sentence: Int32, _ clause: Int32) {
            let index = table.index(of: hash)
            hits[count] = Hit(index: index, sentence: sentence, clause: clause)
            count += index >= 0 ? 1 : 0
        }

        /// A letter typed three times or more is kept twice.
        @inline(__always)
        private mutating func add(_ letter: UInt8) {
            if length >= 2 && last == letter && beforeLast == letter { return }
            if length == 0, let previousWord { bigram = (previousWord ^ 32) &* SafetyModel.fnvPrime }
            if length < SafetyModel.maxWordForSlices { padded[length + 1] = letter }
            length += 1
            beforeLast = last
            last = letter
            let byte = UInt64(letter)
            unigram = (unigram ^ byte) &* SafetyModel.fnvPrime
            bigram = (bigram ^ byte) &* SafetyModel.fnvPrime
            negated = (negated ^ byte) &* SafetyModel.fnvPrime
        }

        private mutating func endWord() {
            guard length > 0 else { return }
            if sentences.last != sentence { sentences.append(sentence) }
            if clauses.last?.clause != clause { clauses.append(Clause(clause: clause, sentence: sentence)) }
            let known = knownWords.word(unigram)
            if let known {
                hits[count] = Hit(index: known.index, sentence: sentence, clause: clause)
                count += 1
            } else {
                record(unigram, sentence, clause)
            }
            let mark = marks.mark(of: unigram)
            if mark & WordMarks.firstPerson != 0 { record(SafetyModel.firstPersonMarker, sentence, clause) }
            if mark & WordMarks.past != 0 { record(SafetyModel.pastMarker, sentence, clause) }
            if previousWord != nil {
                record(bigram, previousSentence == sentence ? sentence : -1, previousClause == clause ? clause : -1)
            }
            if clause != previousClause { scope = 0 }
            if scope > 0 {
                record(negated, sentence, clause)
                scope -= 1
            }
            if mark & WordMarks.negation != 0 { scope = SafetyModel.negationScope }
            previousWord = unigram
            previousSentence = sentence
            previousClause = clause
            if let known {
                for position in Int(known.first)..<Int(known.end) {
                    hits[count] = Hit(index: knownWords.slices[position], sentence: sentence, clause: clause)
                    count += 1
                }
            } else {
                // The `c:` slices of " word ", as ``SafetyModel/forEachSlice(of:length:_:)`` gives them.
                let kept = min(length, SafetyModel.maxWordForSlices)
                padded[kept + 1] = 32
                let end = kept + 2
                for start in 0..<kept {
                    var hash = SafetyModel.slicePrefix
                    for position in start..<min(start + 5, end) {
                        hash = (hash ^ UInt64(padded[position])) &* SafetyModel.fnvPrime
                        if position - start >= 2 { record(hash, sentence, clause) }
                    }
                }
            }
            length = 0
            unigram = SafetyModel.wordPrefix
            negated = SafetyModel.negationPrefix
        }
    }
}
