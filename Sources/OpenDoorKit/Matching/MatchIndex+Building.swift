#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MatchIndex {
    /// Builds the index from each intent's examples as analyzer tokens, named by `tokenNames`.
    ///
    /// Terms are numbered in order of first appearance; every sum is taken in example or term order, so
    /// the same knowledge always gives the same weights, bit for bit.
    init(
        intentExamples: [[[Int32]]], tokenNames: [String], bigramWeight: Float, unknownWeight: Float,
        training: IntentLogits.Training = IntentLogits.Training(), storedWeights: StoredIntentWeights? = nil
    ) {
        var vocabulary = TermVocabulary(tokenNames: tokenNames, examples: intentExamples.reduce(0) { $0 + $1.count })
        var firstExample: [Int32] = [0]
        firstExample.reserveCapacity(intentExamples.count + 1)
        var terms = ExampleTerms()
        for examples in intentExamples {
            for tokens in examples { terms.add(tokens, to: &vocabulary) }
            firstExample.append(Int32(terms.ends.count))
        }

        let exampleCount = Float(terms.ends.count)
        let idf = vocabulary.frequency.map { log((exampleCount + 1) / (Float($0) + 1)) + 1 }
        let scale = idf.indices.map { idf[$0] * (vocabulary.isBigram[$0] ? bigramWeight : 1) }
        let (examplePostings, exampleOffsets, exampleValues) = Self.examplePostings(
            terms, frequency: vocabulary.frequency, scale: scale)
        var exampleIntent = [Int32](repeating: 0, count: terms.ends.count)
        for intent in 0..<intentExamples.count {
            for example in Int(firstExample[intent])..<Int(firstExample[intent + 1]) {
                exampleIntent[example] = Int32(intent)
            }
        }
        let (intentPostings, intentOffsets) = Self.intentPostings(
            examplePostings, offsets: exampleOffsets, exampleIntent: exampleIntent, intentCount: intentExamples.count)

        self.unigrams = vocabulary.unigrams()
        self.bigrams = vocabulary.bigrams
        self.termNames = vocabulary.names
        self.idf = idf
        self.scale = scale
        // A word the knowledge has never seen counts like a typical word: it makes a match less certain
        // without drowning a long message whose question is buried among other words.
        self.unknownIDF = idf.isEmpty ? 1 : idf.reduce(0, +) / Float(idf.count) * unknownWeight
        self.rarestIDF = idf.max() ?? 1
        self.examplePostings = examplePostings
        self.exampleOffsets = exampleOffsets
        self.intentPostings = intentPostings
        self.intentOffsets = intentOffsets
        self.firstExample = firstExample
        self.intentCount = intentExamples.count
        self.logits = IntentLogits(
            exampleTerms: terms.terms, exampleValues: exampleValues, exampleEnds: terms.ends,
            exampleIntent: exampleIntent, intentCount: intentExamples.count,
            postingIntents: intentPostings.map(\.intent), postingOffsets: intentOffsets, training: training,
            stored: storedWeights)
    }

    /// Lays out each example's unit-length TF-IDF vector as postings, term after term, in example order.
    /// Also returns each example term's weight in its unit-length vector, aligned with `terms.terms`.
    private static func examplePostings(_ terms: ExampleTerms, frequency: [Int32], scale: [Float])
        -> ([Posting], [Int32], [Float])
    {
        var values = [Float](repeating: 0, count: terms.terms.count)
        var offsets = [Int32](repeating: 0, count: frequency.count + 1)
        for term in frequency.indices { offsets[term + 1] = offsets[term] + frequency[term] }
        var cursor = offsets
        var postings = [Posting](repeating: Posting(example: 0, weight: 0), count: terms.terms.count)
        var weights: [Float] = []
        var start = 0
        for (example, end) in terms.ends.enumerated() {
            weights.removeAll(keepingCapacity: true)
            var squares: Float = 0
            for i in start..<Int(end) {
                let weight = (1 + log(terms.counts[i])) * scale[Int(terms.terms[i])]
                weights.append(weight)
                squares += weight * weight
            }
            let norm = squares.squareRoot()
            for i in start..<Int(end) where norm > 0 {
                let term = Int(terms.terms[i])
                values[i] = weights[i - start] / norm
                postings[Int(cursor[term])] = Posting(example: Int32(example), weight: values[i])
                cursor[term] += 1
            }
            start = Int(end)
        }
        return (postings, offsets, values)
    }

    /// Sums each intent's example vectors into its unit-length centroid, term by term, noting where each
    /// intent's block of example postings starts and its largest weight.
    private static func intentPostings(
        _ examplePostings: [Posting], offsets: [Int32], exampleIntent: [Int32], intentCount: Int
    ) -> ([IntentPosting], [Int32]) {
        var intentOffsets: [Int32] = [0]
        intentOffsets.reserveCapacity(offsets.count)
        var postings: [IntentPosting] = []
        postings.reserveCapacity(examplePostings.count / 2)
        var squares = [Float](repeating: 0, count: intentCount)
        for term in 0..<(offsets.count - 1) {
            var position = Int(offsets[term])
            let end = Int(offsets[term + 1])
            while position < end {
                let intent = exampleIntent[Int(examplePostings[position].example)]
                var posting = IntentPosting(
                    intent: intent, weight: 0, maxExampleWeight: 0, firstPosting: Int32(position))
                while position < end, exampleIntent[Int(examplePostings[position].example)] == intent {
                    let weight = examplePostings[position].weight
                    posting.weight += weight
                    posting.maxExampleWeight = max(posting.maxExampleWeight, weight)
                    position += 1
                }
                squares[Int(intent)] += posting.weight * posting.weight
                postings.append(posting)
            }
            intentOffsets.append(Int32(postings.count))
        }
        let norms = squares.map { $0.squareRoot() }
        for i in postings.indices {
            postings[i].weight /= norms[Int(postings[i].intent)]
        }
        return (postings, intentOffsets)
    }
}

/// The terms met while building, numbered in order of first appearance.
private struct TermVocabulary {
    let tokenNames: [String]
    /// Per analyzer token, its term, or -1.
    var termOfToken: [Int32]
    var bigrams: [UInt64: Int32] = [:]
    var names: [String] = []
    var isBigram: [Bool] = []
    /// How many examples contain each term.
    var frequency: [Int32] = []

    init(tokenNames: [String], examples: Int) {
        self.tokenNames = tokenNames
        termOfToken = Array(repeating: -1, count: tokenNames.count)
        bigrams.reserveCapacity(examples * 2)
        names.reserveCapacity(examples * 3)
        isBigram.reserveCapacity(examples * 3)
        frequency.reserveCapacity(examples * 3)
    }

    mutating func id(of token: Int32) -> Int32 {
        let known = termOfToken[Int(token)]
        if known >= 0 { return known }
        let id = Int32(names.count)
        termOfToken[Int(token)] = id
        append(tokenNames[Int(token)], isBigram: false)
        return id
    }

    mutating func id(of a: Int32, _ b: Int32) -> Int32 {
        let key = MatchIndex.pairKey(a, b)
        if let id = bigrams[key] { return id }
        let id = Int32(names.count)
        bigrams[key] = id
        append(names[Int(a)] + " " + names[Int(b)], isBigram: true)
        return id
    }

    /// The term of each single token, by name.
    func unigrams() -> [String: Int32] {
        var unigrams: [String: Int32] = [:]
        unigrams.reserveCapacity(names.count - bigrams.count)
        for (token, term) in termOfToken.enumerated() where term >= 0 { unigrams[tokenNames[token]] = term }
        return unigrams
    }

    private mutating func append(_ name: String, isBigram bigram: Bool) {
        names.append(name)
        isBigram.append(bigram)
        frequency.append(0)
    }
}

/// Every example's distinct terms with their counts, in one flat list.
private struct ExampleTerms {
    var terms: [Int32] = []
    var counts: [Float] = []
    /// Where each example's terms end.
    var ends: [Int32] = []
    private var ids: [Int32] = []

    /// Adds an example's unigrams and bigrams, counting each distinct term once towards its frequency.
    mutating func add(_ tokens: [Int32], to vocabulary: inout TermVocabulary) {
        ids.removeAll(keepingCapacity: true)
        var previous: Int32?
        for token in tokens {
            let id = vocabulary.id(of: token)
            ids.append(id)
            if let previous { ids.append(vocabulary.id(of: previous, id)) }
            previous = id
        }
        ids.sort()
        var start = 0
        while start < ids.count {
            var end = start + 1
            while end < ids.count && ids[end] == ids[start] { end += 1 }
            terms.append(ids[start])
            counts.append(Float(end - start))
            vocabulary.frequency[Int(ids[start])] += 1
            start = end
        }
        ends.append(Int32(terms.count))
    }
}
