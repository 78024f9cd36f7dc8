#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An inverted index of the knowledge's examples, weighted by TF-IDF.
///
/// Each term (a token, or two neighbouring tokens) lists the examples and intents that contain it, so
/// matching a message touches only the entries of the message's own terms, never every example.
///
/// Examples are numbered intent by intent, so a term's example postings are grouped by intent. Each intent
/// posting knows where its intent's group starts and the largest weight in it (a block maximum): the
/// matcher bounds an intent's closest example from the intent postings alone, and reads the example
/// postings only of intents that can still reach the top.
struct MatchIndex: Sendable {
    /// One example containing a term.
    struct Posting: Sendable {
        var example: Int32
        /// The term's weight in the example's unit-length vector.
        var weight: Float
    }

    /// One intent containing a term.
    struct IntentPosting: Sendable {
        var intent: Int32
        /// The term's weight in the intent's unit-length centroid.
        var weight: Float
        /// The largest weight of the term in any of the intent's examples.
        var maxExampleWeight: Float
        /// Where the intent's examples start in the term's example postings.
        var firstPosting: Int32
    }

    /// A message's terms with their weights, and how much of it the index didn't know.
    struct Query {
        /// Known terms in ascending term order, so every score is summed in the same order.
        var terms: [(term: Int32, weight: Float)]
        /// The weight of words the index has never seen; they count against every match.
        var unknownWeight: Float
        var norm: Float
    }

    let unigrams: [String: Int32]
    let bigrams: [UInt64: Int32]
    let idf: [Float]
    /// IDF times the bigram factor: the weight of one occurrence of each term.
    let scale: [Float]
    let termNames: [String]
    /// Example postings of all terms, term after term; term `t`'s are
    /// `examplePostings[exampleOffsets[t]..<exampleOffsets[t + 1]]`, in example order.
    let examplePostings: [Posting]
    let exampleOffsets: [Int32]
    /// Intent postings of all terms, laid out like the example postings, in intent order.
    let intentPostings: [IntentPosting]
    let intentOffsets: [Int32]
    /// Where each intent's examples start; the last entry is the example count.
    let firstExample: [Int32]
    let intentCount: Int
    /// The weight given to a word the index has never seen: as rare as the rarest term.
    let unknownIDF: Float
    /// The largest IDF of any term (1 for an empty index): the answerability check weighs a word the knowledge has
    /// never seen as this rare. Kept here so a check reads it, not every term's IDF.
    let rarestIDF: Float
    /// Learned weights on the intent postings that tell neighbouring intents apart.
    let logits: IntentLogits

    var exampleCount: Int { Int(firstExample[intentCount]) }

    /// The example postings of a term.
    @inline(__always)
    func examples(of term: Int32) -> Range<Int> {
        Int(exampleOffsets[Int(term)])..<Int(exampleOffsets[Int(term) + 1])
    }

    /// The intent postings of a term.
    @inline(__always)
    func intents(of term: Int32) -> Range<Int> {
        Int(intentOffsets[Int(term)])..<Int(intentOffsets[Int(term) + 1])
    }

    /// The example postings of one intent for a term: the block an intent posting points at.
    @inline(__always)
    func block(at position: Int, of term: Int32) -> Range<Int> {
        let end = position + 1 < Int(intentOffsets[Int(term) + 1])
            ? Int(intentPostings[position + 1].firstPosting) : Int(exampleOffsets[Int(term) + 1])
        return Int(intentPostings[position].firstPosting)..<end
    }

    /// The position of an intent among a term's intent postings, if the intent has the term.
    @inline(__always)
    func position(of intent: Int32, in term: Int32) -> Int? {
        var low = Int(intentOffsets[Int(term)])
        var high = Int(intentOffsets[Int(term) + 1])
        while low < high {
            let middle = (low + high) >> 1
            if intentPostings[middle].intent < intent { low = middle + 1 } else { high = middle }
        }
        return low < Int(intentOffsets[Int(term) + 1]) && intentPostings[low].intent == intent ? low : nil
    }

    /// The weighted terms of a message's tokens; `tokenWeights` (parallel to `tokens`, or empty for all 1)
    /// scales each token's count, and a word pair counts as much as the lighter of its two words.
    func query(_ tokens: [String], tokenWeights: [Float] = []) -> Query {
        var ids: [(id: Int32, count: Float)] = []
        ids.reserveCapacity(tokens.count * 2)
        var unknown: Float = 0
        var previous: (id: Int32, count: Float)?
        for (k, token) in tokens.enumerated() {
            let count = tokenWeights.isEmpty ? 1 : tokenWeights[k]
            guard let id = unigrams[token] else {
                unknown += count * count * unknownIDF * unknownIDF
                previous = nil
                continue
            }
            ids.append((id, count))
            if let previous, let pair = bigrams[Self.pairKey(previous.id, id)] {
                ids.append((pair, min(previous.count, count)))
            }
            previous = (id, count)
        }
        ids.sort { $0.id < $1.id }
        var terms: [(Int32, Float)] = []
        terms.reserveCapacity(ids.count)
        var squares = unknown
        var start = 0
        while start < ids.count {
            var end = start + 1
            var count = ids[start].count
            while end < ids.count && ids[end].id == ids[start].id {
                count += ids[end].count
                end += 1
            }
            let weight = (count <= 1 ? count : 1 + log(count)) * scale[Int(ids[start].id)]
            terms.append((ids[start].id, weight))
            squares += weight * weight
            start = end
        }
        return Query(terms: terms, unknownWeight: unknown.squareRoot(), norm: squares.squareRoot())
    }

    /// Whether an intent's examples contain a term, for explanations.
    func intentHasTerm(_ intent: Int, _ term: Int32) -> Bool {
        position(of: Int32(intent), in: term) != nil
    }

    func name(of term: Int32) -> String { termNames[Int(term)] }

    static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
    }
}
