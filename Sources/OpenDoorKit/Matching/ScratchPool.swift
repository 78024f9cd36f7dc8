import Synchronization

/// Reusable score buffers, so matching allocates nothing in proportion to the knowledge's size.
final class ScratchPool: Sendable {
    /// One match's working memory; every buffer is zeroed between matches.
    struct Buffers {
        /// The message's term weights, divided by the message's norm, in query order.
        var weights: [Float] = []
        /// Per intent: the cosine with its centroid.
        var centroidScores: [Float]
        /// Per intent: an upper bound of the cosine with its closest example.
        var exampleBounds: [Float]
        /// Per intent: the learned logit, then (after `probabilities(intentCount:)`) its probability.
        var probabilities: [Float]
        var intentSeen: [Bool]
        var touchedIntents: [Int32] = []
        /// Cosines of one intent's examples, by position within the intent.
        var exampleScores: [Float]
        var touchedExamples: [Int32] = []

        init(largestIntent: Int, intents: Int) {
            centroidScores = Array(repeating: 0, count: intents)
            exampleBounds = Array(repeating: 0, count: intents)
            probabilities = Array(repeating: 0, count: intents)
            intentSeen = Array(repeating: false, count: intents)
            exampleScores = Array(repeating: 0, count: largestIntent)
        }

        @inline(__always)
        mutating func addIntent(_ intent: Int, centroid: Float, bound: Float, logit: Float) {
            if !intentSeen[intent] {
                intentSeen[intent] = true
                touchedIntents.append(Int32(intent))
            }
            centroidScores[intent] += centroid
            exampleBounds[intent] += bound
            probabilities[intent] += logit
        }

        /// Turns the touched intents' logits into probabilities; untouched intents have logit 0.
        mutating func probabilities(intentCount: Int) {
            IntentLogits.softmax(&probabilities, touched: touchedIntents, intentCount: intentCount)
        }

        /// Adds `weight ×` each posting's weight to its example's cosine; examples are numbered from `base`.
        @inline(__always)
        mutating func addExamples(_ postings: UnsafeBufferPointer<MatchIndex.Posting>, base: Int, weight: Float) {
            var touched: [Int32] = []
            swap(&touched, &touchedExamples)
            exampleScores.withUnsafeMutableBufferPointer { scores in
                for posting in postings {
                    let example = Int(posting.example) - base
                    if scores[example] == 0 { touched.append(Int32(example)) }
                    scores[example] += weight * posting.weight
                }
            }
            swap(&touched, &touchedExamples)
        }

        /// The closest and second-closest example cosines added since the last call; clears them.
        mutating func takeBestExamples() -> (best: Float, second: Float) {
            var best: Float = 0
            var second: Float = 0
            for example in touchedExamples {
                let score = exampleScores[Int(example)]
                if score > best {
                    second = best
                    best = score
                } else if score > second {
                    second = score
                }
                exampleScores[Int(example)] = 0
            }
            touchedExamples.removeAll(keepingCapacity: true)
            return (best, second)
        }

        mutating func reset() {
            for intent in touchedIntents {
                centroidScores[Int(intent)] = 0
                exampleBounds[Int(intent)] = 0
                probabilities[Int(intent)] = 0
                intentSeen[Int(intent)] = false
            }
            touchedIntents.removeAll(keepingCapacity: true)
            weights.removeAll(keepingCapacity: true)
        }
    }

    private let largestIntent: Int
    private let intents: Int
    private let free: Mutex<[Buffers]>

    init(largestIntent: Int, intents: Int) {
        self.largestIntent = largestIntent
        self.intents = intents
        self.free = Mutex([])
    }

    /// Lends a set of zeroed buffers; give them back zeroed (`reset()`) with `giveBack(_:)`.
    func borrow() -> Buffers {
        free.withLock { $0.popLast() } ?? Buffers(largestIntent: largestIntent, intents: intents)
    }

    /// Takes back borrowed buffers for the next match.
    func giveBack(_ buffers: Buffers) {
        free.withLock { $0.append(buffers) }
    }
}
