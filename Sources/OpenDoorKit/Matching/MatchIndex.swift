/// An inverted index of the knowledge's examples, weighted by TF-IDF.
///
/// Each term (a token, or two neighbouring tokens) lists the examples and intents that contain it, so
/// matching a message touches only the entries of the message's own terms, never every example.
struct MatchIndex: Sendable {
    struct Posting: Sendable {
        var target: Int32
        var weight: Float
    }

    /// A message's terms with their weights, and how much of it the index didn't know.
    struct Query {
        var terms: [(term: Int32, weight: Float)]
        /// The weight of words the index has never seen; they count against every match.
        var unknownWeight: Float
        var norm: Float
    }

    private(set) var unigrams: [String: Int32] = [:]
    private(set) var bigrams: [UInt64: Int32] = [:]
    private(set) var idf: [Float] = []
    /// IDF times the bigram factor: the weight of one occurrence of each term.
    private(set) var scale: [Float] = []
    private(set) var termNames: [String] = []
    /// Term → examples containing it (weights of unit-length example vectors).
    private(set) var examplePostings: [[Posting]] = []
    /// Term → intents containing it (weights of unit-length intent centroids).
    private(set) var intentPostings: [[Posting]] = []
    /// The intent of each example.
    private(set) var exampleIntent: [Int32] = []
    private(set) var intentCount = 0
    /// The weight given to a word the index has never seen: as rare as the rarest term.
    private(set) var unknownIDF: Float = 1
    /// Learned weights on the centroid postings that tell neighbouring intents apart.
    private(set) var logits = IntentLogits(
        examples: [], exampleIntent: [], intentPostings: [], intentCount: 0)

    /// Builds the index from each intent's token lists.
    init(
        intentExamples: [[[String]]], bigramWeight: Float, unknownWeight: Float,
        training: IntentLogits.Training = IntentLogits.Training()
    ) {
        intentCount = intentExamples.count
        var exampleTerms: [[Int32: Float]] = []
        for (intent, examples) in intentExamples.enumerated() {
            for tokens in examples {
                exampleTerms.append(termCounts(tokens, adding: true))
                exampleIntent.append(Int32(intent))
            }
        }
        let exampleCount = Float(exampleTerms.count)
        var documentFrequency = [Float](repeating: 0, count: termNames.count)
        for terms in exampleTerms { for term in terms.keys { documentFrequency[Int(term)] += 1 } }
        idf = documentFrequency.map { log((exampleCount + 1) / ($0 + 1)) + 1 }
        // A word the knowledge has never seen counts like a typical word: it makes a match less certain
        // without drowning a long message whose question is buried among other words.
        unknownIDF = idf.isEmpty ? 1 : idf.reduce(0, +) / Float(idf.count) * unknownWeight
        scale = idf.indices.map { idf[$0] * (termNames[$0].contains(" ") ? bigramWeight : 1) }

        examplePostings = Array(repeating: [], count: termNames.count)
        var centroids = [[Int32: Float]](repeating: [:], count: intentCount)
        var exampleVectors: [[(Int32, Float)]] = []
        exampleVectors.reserveCapacity(exampleTerms.count)
        for (example, counts) in exampleTerms.enumerated() {
            let vector = weigh(counts)
            exampleVectors.append(vector)
            for (term, weight) in vector {
                examplePostings[Int(term)].append(Posting(target: Int32(example), weight: weight))
                centroids[Int(exampleIntent[example])][term, default: 0] += weight
            }
        }
        intentPostings = Array(repeating: [], count: termNames.count)
        for (intent, centroid) in centroids.enumerated() {
            // In term order: a dictionary's order differs between instances, and float sums with it.
            let entries = centroid.sorted { $0.key < $1.key }
            let norm = entries.reduce(0) { $0 + $1.value * $1.value }.squareRoot()
            guard norm > 0 else { continue }
            for (term, weight) in entries {
                intentPostings[Int(term)].append(Posting(target: Int32(intent), weight: weight / norm))
            }
        }
        logits = IntentLogits(
            examples: exampleVectors, exampleIntent: exampleIntent, intentPostings: intentPostings,
            intentCount: intentCount, training: training)
    }

    var exampleCount: Int { exampleIntent.count }

    /// The weighted terms of a message's tokens.
    func query(_ tokens: [String]) -> Query {
        var weights: [Int32: Float] = [:]
        var unknown: Float = 0
        var previous: Int32?
        for token in tokens {
            guard let id = unigrams[token] else {
                unknown += unknownIDF * unknownIDF
                previous = nil
                continue
            }
            weights[id, default: 0] += 1
            if let previous, let pair = bigrams[Self.pairKey(previous, id)] {
                weights[pair, default: 0] += 1
            }
            previous = id
        }
        var terms: [(Int32, Float)] = []
        terms.reserveCapacity(weights.count)
        var squares = unknown
        // In term order, so that the same message always sums to the same score.
        for (term, count) in weights.sorted(by: { $0.key < $1.key }) {
            let weight = (count == 1 ? 1 : 1 + log(count)) * scale[Int(term)]
            terms.append((term, weight))
            squares += weight * weight
        }
        return Query(terms: terms, unknownWeight: unknown.squareRoot(), norm: squares.squareRoot())
    }

    /// The terms two intents share with a message, for explanations.
    func intentHasTerm(_ intent: Int, _ term: Int32) -> Bool {
        intentPostings[Int(term)].contains { $0.target == Int32(intent) }
    }

    func name(of term: Int32) -> String { termNames[Int(term)] }

    // MARK: - Building

    private static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }

    private mutating func termCounts(_ tokens: [String], adding: Bool) -> [Int32: Float] {
        var counts: [Int32: Float] = [:]
        var previous: Int32?
        for token in tokens {
            let id = unigramID(token)
            counts[id, default: 0] += 1
            if let previous {
                counts[bigramID(previous, id), default: 0] += 1
            }
            previous = id
        }
        return counts
    }

    private mutating func unigramID(_ token: String) -> Int32 {
        if let id = unigrams[token] { return id }
        let id = Int32(termNames.count)
        unigrams[token] = id
        termNames.append(token)
        return id
    }

    private mutating func bigramID(_ a: Int32, _ b: Int32) -> Int32 {
        let key = Self.pairKey(a, b)
        if let id = bigrams[key] { return id }
        let id = Int32(termNames.count)
        bigrams[key] = id
        termNames.append(termNames[Int(a)] + " " + termNames[Int(b)])
        return id
    }

    /// A unit-length TF-IDF vector from term counts.
    private func weigh(_ counts: [Int32: Float]) -> [(Int32, Float)] {
        // In term order: a dictionary's order differs between instances, and float sums (the norm, and
        // training over the vector) with it.
        let vector = counts.sorted { $0.key < $1.key }.map { ($0.key, (1 + log($0.value)) * scale[Int($0.key)]) }
        let norm = vector.reduce(0) { $0 + $1.1 * $1.1 }.squareRoot()
        return norm > 0 ? vector.map { ($0.0, $0.1 / norm) } : []
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
