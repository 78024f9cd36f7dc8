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
        var epochs = 5
        var learningRate: Float = 2
        /// The step shrinks as 1 / (1 + decay × epoch).
        var decay: Float = 0.2
        /// L2 regularization, applied to the weights an example touches.
        var l2: Float = 1e-4
        var maximumIntents = 256
        var seed: UInt64 = 7
    }

    /// One weight per intent posting of the index, in the same order.
    private(set) var weights: [Float]

    /// The weight of the intent posting at `position` in the index's flat intent postings.
    @inline(__always)
    func weight(at position: Int) -> Float { weights[position] }

    /// Trains on the index's unit-length example vectors.
    ///
    /// - Parameters:
    ///   - exampleTerms, exampleValues, exampleEnds: every example's terms and weights, example after
    ///     example; example `e`'s end at `exampleEnds[e]`.
    ///   - exampleIntent: the intent of each example; there are `intentCount` intents.
    ///   - postingIntents, postingOffsets: the intent of each intent posting, term after term; term `t`'s
    ///     postings are `postingOffsets[t]..<postingOffsets[t + 1]`.
    init(
        exampleTerms: [Int32], exampleValues: [Float], exampleEnds: [Int32], exampleIntent: [Int32],
        intentCount: Int, postingIntents: [Int32], postingOffsets: [Int32], training: Training = Training()
    ) {
        var weights = [Float](repeating: 0, count: postingIntents.count)
        let exampleCount = exampleEnds.count
        guard intentCount > 1, exampleCount > 0 else {
            self.weights = weights
            return
        }
        // Each term's range of postings that learn: empty when too many intents share the term.
        let learningEnd = (0..<(postingOffsets.count - 1)).map { term in
            postingOffsets[term + 1] - postingOffsets[term] <= Int32(training.maximumIntents)
                ? Int32(postingOffsets[term + 1]) : Int32(postingOffsets[term])
        }
        // Which intents each example's forward pass touches, in the order it first meets them, worked out once
        // rather than in every epoch: example `e`'s are `touched[touchedEnds[e - 1]..<touchedEnds[e]]`.
        let (touched, touchedEnds) = Self.touchedIntents(
            exampleTerms: exampleTerms, exampleEnds: exampleEnds, intentCount: intentCount,
            postingIntents: postingIntents, postingOffsets: postingOffsets, learningEnd: learningEnd)
        var probabilities = [Float](repeating: 0, count: intentCount)
        var order = Array(0..<exampleCount)
        var generator = SplitMix64(seed: training.seed)

        weights.withUnsafeMutableBufferPointer { weights in
            probabilities.withUnsafeMutableBufferPointer { probabilities in
                postingIntents.withUnsafeBufferPointer { targets in
                    postingOffsets.withUnsafeBufferPointer { offsets in
                        learningEnd.withUnsafeBufferPointer { learningEnd in
                            exampleTerms.withUnsafeBufferPointer { exampleTerms in
                                exampleValues.withUnsafeBufferPointer { exampleValues in
                                    exampleEnds.withUnsafeBufferPointer { exampleEnds in
                                        touched.withUnsafeBufferPointer { touched in
                                            for epoch in 0..<training.epochs {
                                                order.shuffle(using: &generator)
                                                let step = training.learningRate / (1 + training.decay * Float(epoch))
                                                let shrink = 1 - step * training.l2
                                                for example in order {
                                                    let entries =
                                                        (example == 0 ? 0 : Int(exampleEnds[example - 1]))
                                                        ..< Int(exampleEnds[example])
                                                    let reached = UnsafeBufferPointer(
                                                        rebasing: touched[
                                                            (example == 0 ? 0 : Int(touchedEnds[example - 1]))
                                                                ..< Int(touchedEnds[example])])
                                                    // Forward: the logits of every intent sharing a term with the
                                                    // example, each summed in term order.
                                                    for entry in entries {
                                                        let term = Int(exampleTerms[entry])
                                                        let value = exampleValues[entry]
                                                        for slot in Int(offsets[term])..<Int(learningEnd[term]) {
                                                            probabilities[Int(targets[slot])] += value * weights[slot]
                                                        }
                                                    }
                                                    Self.softmax(probabilities, touched: reached, intentCount: intentCount)
                                                    // Backward: the cross-entropy gradient on the weights it touched.
                                                    probabilities[Int(exampleIntent[example])] -= 1
                                                    for entry in entries {
                                                        let term = Int(exampleTerms[entry])
                                                        let value = step * exampleValues[entry]
                                                        for slot in Int(offsets[term])..<Int(learningEnd[term]) {
                                                            weights[slot] =
                                                                weights[slot] * shrink - value
                                                                * probabilities[Int(targets[slot])]
                                                        }
                                                    }
                                                    for intent in reached { probabilities[Int(intent)] = 0 }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        self.weights = weights
    }

    /// Per example, the intents its terms' learning postings name, in the order the forward pass first meets
    /// them; `ends[e]` is where example `e`'s end in the flat list.
    private static func touchedIntents(
        exampleTerms: [Int32], exampleEnds: [Int32], intentCount: Int, postingIntents: [Int32],
        postingOffsets: [Int32], learningEnd: [Int32]
    ) -> (touched: [Int32], ends: [Int32]) {
        var touched: [Int32] = []
        touched.reserveCapacity(exampleEnds.count * 8)
        var ends: [Int32] = []
        ends.reserveCapacity(exampleEnds.count)
        var seen = [Bool](repeating: false, count: intentCount)
        var start = 0
        for end in exampleEnds {
            let first = touched.count
            for entry in start..<Int(end) {
                let term = Int(exampleTerms[entry])
                for slot in Int(postingOffsets[term])..<Int(learningEnd[term]) {
                    let intent = postingIntents[slot]
                    if !seen[Int(intent)] {
                        seen[Int(intent)] = true
                        touched.append(intent)
                    }
                }
            }
            for intent in touched[first...] { seen[Int(intent)] = false }
            ends.append(Int32(touched.count))
            start = Int(end)
        }
        return (touched, ends)
    }

    /// Turns the touched intents' logits into probabilities in place; every untouched intent has logit 0
    /// and shares the rest of the probability.
    @inline(__always)
    static func softmax(_ logits: inout [Float], touched: [Int32], intentCount: Int) {
        logits.withUnsafeMutableBufferPointer { softmax($0, touched: touched, intentCount: intentCount) }
    }

    @inline(__always)
    static func softmax(_ logits: UnsafeMutableBufferPointer<Float>, touched: [Int32], intentCount: Int) {
        touched.withUnsafeBufferPointer { softmax(logits, touched: $0, intentCount: intentCount) }
    }

    @inline(__always)
    static func softmax(
        _ logits: UnsafeMutableBufferPointer<Float>, touched: UnsafeBufferPointer<Int32>, intentCount: Int
    ) {
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
