#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Learned weights that tell neighbouring intents apart: a softmax (multinomial logistic) regression
/// over the index's TF-IDF terms, trained when the knowledge loads.
///
/// Cosine similarity says how much a message looks like an intent's examples; it can't learn that a word
/// shared by two intents points to one of them, or that one intent's word is evidence *against* the other.
/// These weights do. They exist only for the (term, intent) pairs whose examples contain the term — the
/// same pairs as the centroid postings — so scoring visits no entry it doesn't already visit, and the model
/// grows with the index rather than with terms × intents. An intent that shares no term with a message
/// has logit 0. A term found in more than ``Training/maximumIntents`` intents (a near stop word in a large
/// knowledge) learns nothing, which keeps training linear in the knowledge's size.
struct IntentLogits: Sendable {
    /// How the weights are trained: plain stochastic gradient descent, in a fixed shuffled order so that
    /// every load of the same knowledge gives the same weights.
    struct Training: Sendable, Hashable {
        var epochs = 8
        var learningRate: Float = 2
        /// The step shrinks as 1 / (1 + decay × epoch).
        var decay: Float = 0.5
        /// L2 regularization, applied to the weights an example touches.
        var l2: Float = 1e-4
        var maximumIntents = 256
        var seed: UInt64 = 7
    }

    /// Where each term's weights start in `weights`; term `t` owns `offsets[t]..<offsets[t + 1]`, one per
    /// entry of its centroid postings, in the same order.
    private(set) var offsets: [Int]
    private(set) var weights: [Float]

    /// The weight of the `position`-th centroid posting of `term`.
    @inline(__always)
    func weight(term: Int, position: Int) -> Float { weights[offsets[term] + position] }

    /// Trains on unit-length example vectors (term, weight) labelled with their intents.
    init(
        examples: [[(Int32, Float)]], exampleIntent: [Int32], intentPostings: [[MatchIndex.Posting]],
        intentCount: Int, training: Training = Training()
    ) {
        var offsets = [Int](repeating: 0, count: intentPostings.count + 1)
        for (term, postings) in intentPostings.enumerated() { offsets[term + 1] = offsets[term] + postings.count }
        self.offsets = offsets
        var weights = [Float](repeating: 0, count: offsets.last ?? 0)
        guard intentCount > 1, !examples.isEmpty else {
            self.weights = weights
            return
        }

        // The postings' intents laid out flat, in the same order as the weights.
        var targets = [Int32](repeating: 0, count: weights.count)
        for (term, postings) in intentPostings.enumerated() {
            for (position, posting) in postings.enumerated() { targets[offsets[term] + position] = posting.target }
        }
        // A term learns only when few enough intents share it; otherwise its range is empty here.
        // Each term's range of slots that learn: empty when too many intents share the term.
        let learningEnd = intentPostings.indices.map { term in
            intentPostings[term].count <= training.maximumIntents ? offsets[term + 1] : offsets[term]
        }
        // The examples laid out flat too: terms and values, example by example.
        var exampleStart = [Int](repeating: 0, count: examples.count + 1)
        var exampleTerms: [Int32] = []
        var exampleValues: [Float] = []
        for (number, vector) in examples.enumerated() {
            for (term, value) in vector {
                exampleTerms.append(term)
                exampleValues.append(value)
            }
            exampleStart[number + 1] = exampleTerms.count
        }
        var probabilities = [Float](repeating: 0, count: intentCount)
        var seen = [Bool](repeating: false, count: intentCount)
        var touched: [Int32] = []
        touched.reserveCapacity(intentCount)
        var order = Array(examples.indices)
        var generator = SplitMix64(seed: training.seed)
        var epochOrders: [[Int]] = []
        for _ in 0..<training.epochs {
            order.shuffle(using: &generator)
            epochOrders.append(order)
        }

        weights.withUnsafeMutableBufferPointer { weights in
            probabilities.withUnsafeMutableBufferPointer { probabilities in
                seen.withUnsafeMutableBufferPointer { seen in
                    let targets = UnsafeBufferPointer(start: targets, count: targets.count)
                    let offsets = UnsafeBufferPointer(start: offsets, count: offsets.count)
                    let learningEnd = UnsafeBufferPointer(start: learningEnd, count: learningEnd.count)
                    let exampleTerms = UnsafeBufferPointer(start: exampleTerms, count: exampleTerms.count)
                    let exampleValues = UnsafeBufferPointer(start: exampleValues, count: exampleValues.count)
                    for (epoch, order) in epochOrders.enumerated() {
                        let step = training.learningRate / (1 + training.decay * Float(epoch))
                        let shrink = 1 - step * training.l2
                        for example in order {
                            let entries = exampleStart[example]..<exampleStart[example + 1]
                            // Forward: the logits of every intent sharing a term with the example.
                            for entry in entries {
                                let term = Int(exampleTerms[entry])
                                let value = exampleValues[entry]
                                for slot in offsets[term]..<learningEnd[term] {
                                    let intent = Int(targets[slot])
                                    if !seen[intent] {
                                        seen[intent] = true
                                        touched.append(Int32(intent))
                                    }
                                    probabilities[intent] += value * weights[slot]
                                }
                            }
                            Self.softmax(probabilities, touched: touched, intentCount: intentCount)
                            // Backward: the cross-entropy gradient on the weights the example touched.
                            probabilities[Int(exampleIntent[example])] -= 1
                            for entry in entries {
                                let term = Int(exampleTerms[entry])
                                let value = step * exampleValues[entry]
                                for slot in offsets[term]..<learningEnd[term] {
                                    weights[slot] = weights[slot] * shrink - value * probabilities[Int(targets[slot])]
                                }
                            }
                            for intent in touched {
                                probabilities[Int(intent)] = 0
                                seen[Int(intent)] = false
                            }
                            touched.removeAll(keepingCapacity: true)
                        }
                    }
                }
            }
        }
        self.weights = weights
    }

    /// Turns the touched intents' logits into probabilities in place; every untouched intent has logit 0
    /// and shares the rest of the probability.
    @inline(__always)
    static func softmax(_ logits: inout [Float], touched: [Int32], intentCount: Int) {
        logits.withUnsafeMutableBufferPointer { softmax($0, touched: touched, intentCount: intentCount) }
    }

    @inline(__always)
    static func softmax(_ logits: UnsafeMutableBufferPointer<Float>, touched: [Int32], intentCount: Int) {
        let untouched = Float(intentCount - touched.count)
        var largest: Float = untouched > 0 ? 0 : -.infinity
        for intent in touched { largest = max(largest, logits[Int(intent)]) }
        var total = untouched * exp(-largest)
        for intent in touched {
            let value = exp(logits[Int(intent)] - largest)
            logits[Int(intent)] = value
            total += value
        }
        let scale = 1 / total
        for intent in touched { logits[Int(intent)] *= scale }
    }
}
