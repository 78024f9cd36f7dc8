#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Learned weights that tell neighbouring intents apart: a softmax (multinomial logistic) regression
/// over the index's TF-IDF terms, trained when the knowledge loads, unless the knowledge folder holds weights
/// trained on the very same inputs (``StoredIntentWeights``).
///
/// Cosine similarity says how much a message looks like an intent's examples; it can't learn that a word
/// shared by two intents points to one of them, or that one intent's word is evidence *against* the other.
/// These weights do. They exist only for the (term, intent) pairs whose examples contain the term — the
/// same pairs as the centroid postings — so scoring visits no entry it doesn't already visit, and the model
/// grows with the index rather than with terms × intents. An intent that shares no term with a message
/// has logit 0. A term found in more than ``Training/maximumIntents`` intents (a near stop word in a large
/// knowledge) learns nothing, which keeps training linear in the knowledge's size.
struct IntentLogits: Sendable {
    /// How the weights are trained: plain stochastic gradient descent, in fixed shuffled orders (averaged over
    /// ``Training/orders``) so that every load of the same knowledge gives the same weights.
    struct Training: Sendable, Hashable {
        var epochs = 5
        var learningRate: Float = 2
        /// The step shrinks as 1 / (1 + decay × epoch).
        var decay: Float = 0.2
        /// L2 regularization, applied to the weights an example touches.
        var l2: Float = 1e-4
        var maximumIntents = 256
        var seed: UInt64 = 7
        /// How many trainings, each in its own shuffled order (seeds `seed`, `seed + 1`, …), the weights are the
        /// average of; summed in order, so the average is the same bit for bit on every load. One order's draw
        /// alone moves the held-out accuracy by up to 0.008 and which conversation tests pass; the average of 8
        /// moves it by 0.003 at most.
        var orders = 8
        /// Whether terms shared by many intents train as dense rows, four intents at a time. The weights are
        /// the same bit for bit either way (every sum keeps its order); off only to test that.
        var denseRows = true
    }

    /// One weight per intent posting of the index, in the same order.
    private(set) var weights: [Float]
    /// The fingerprint of the inputs the weights come from (see `StoredIntentWeights`).
    let inputs: Fingerprint
    /// Whether the weights were read from saved ones rather than trained.
    let isStored: Bool

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
    ///   - stored: weights saved from an earlier training, used instead of training when they were trained on
    ///     these very inputs (the same fingerprint).
    init(
        exampleTerms: [Int32], exampleValues: [Float], exampleEnds: [Int32], exampleIntent: [Int32],
        intentCount: Int, postingIntents: [Int32], postingOffsets: [Int32], training: Training = Training(),
        stored: StoredIntentWeights? = nil
    ) {
        inputs = Self.fingerprint(
            exampleTerms: exampleTerms, exampleValues: exampleValues, exampleEnds: exampleEnds,
            exampleIntent: exampleIntent, intentCount: intentCount, postingIntents: postingIntents,
            postingOffsets: postingOffsets, training: training)
        if let stored, stored.inputs == inputs, stored.weights.count == postingIntents.count {
            weights = stored.weights
            isStored = true
            return
        }
        isStored = false
        guard training.orders > 1 else {
            weights = Self.trained(
                exampleTerms: exampleTerms, exampleValues: exampleValues, exampleEnds: exampleEnds,
                exampleIntent: exampleIntent, intentCount: intentCount, postingIntents: postingIntents,
                postingOffsets: postingOffsets, training: training)
            return
        }
        var sum = [Float](repeating: 0, count: postingIntents.count)
        for order in 0..<training.orders {
            var one = training
            one.seed = training.seed &+ UInt64(order)
            let trained = Self.trained(
                exampleTerms: exampleTerms, exampleValues: exampleValues, exampleEnds: exampleEnds,
                exampleIntent: exampleIntent, intentCount: intentCount, postingIntents: postingIntents,
                postingOffsets: postingOffsets, training: one)
            for i in sum.indices { sum[i] += trained[i] }
        }
        let scale = 1 / Float(training.orders)
        weights = sum.map { $0 * scale }
    }

    /// One training in one shuffled order.
    private static func trained(
        exampleTerms: [Int32], exampleValues: [Float], exampleEnds: [Int32], exampleIntent: [Int32],
        intentCount: Int, postingIntents: [Int32], postingOffsets: [Int32], training: Training
    ) -> [Float] {
        var weights = [Float](repeating: 0, count: postingIntents.count)
        let exampleCount = exampleEnds.count
        guard intentCount > 1, exampleCount > 0 else { return weights }
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
        var order = Array(0..<exampleCount)
        var generator = SplitMix64(seed: training.seed)
        var rows = DenseRows(
            intentCount: intentCount, postingIntents: postingIntents, postingOffsets: postingOffsets,
            learningEnd: learningEnd, enabled: training.denseRows)
        // The logits, then probabilities, of every intent (padded to whole vectors): read and written one by
        // one for sparse terms, four at a time for dense rows.
        let vectors = rows.vectors
        let probabilityBytes = UnsafeMutableRawPointer.allocate(byteCount: vectors * 16, alignment: 16)
        probabilityBytes.initializeMemory(as: Float.self, repeating: 0, count: vectors * 4)
        defer { probabilityBytes.deallocate() }
        let probabilities = UnsafeMutableBufferPointer(
            start: probabilityBytes.assumingMemoryBound(to: Float.self), count: intentCount)

        weights.withUnsafeMutableBufferPointer { weights in
            postingIntents.withUnsafeBufferPointer { targets in
                postingOffsets.withUnsafeBufferPointer { offsets in
                    learningEnd.withUnsafeBufferPointer { learningEnd in
                        exampleTerms.withUnsafeBufferPointer { exampleTerms in
                            exampleValues.withUnsafeBufferPointer { exampleValues in
                                exampleEnds.withUnsafeBufferPointer { exampleEnds in
                                    touched.withUnsafeBufferPointer { touched in
                                        rows.withUnsafeBuffers { rowOf, rowValues, rowMasks in
                                            for epoch in 0..<training.epochs {
                                                order.shuffle(using: &generator)
                                                let step = training.learningRate / (1 + training.decay * Float(epoch))
                                                let shrink = 1 - step * training.l2
                                                let shrinks = SIMD4<Float>(repeating: shrink)
                                                for example in order {
                                                    let entries =
                                                        (example == 0 ? 0 : Int(exampleEnds[example - 1]))
                                                        ..< Int(exampleEnds[example])
                                                    let reached = UnsafeBufferPointer(
                                                        rebasing: touched[
                                                            (example == 0 ? 0 : Int(touchedEnds[example - 1]))
                                                                ..< Int(touchedEnds[example])])
                                                    // Forward: the logits of every intent sharing a term with the
                                                    // example, each summed in term order. A dense row adds its
                                                    // zeros too, which leaves every sum as it is.
                                                    for entry in entries {
                                                        let term = Int(exampleTerms[entry])
                                                        let value = exampleValues[entry]
                                                        let row = Int(rowOf[term])
                                                        if row >= 0 {
                                                            let values = SIMD4<Float>(repeating: value)
                                                            let base = row &* vectors
                                                            for k in 0..<vectors {
                                                                let sum = probabilityBytes.load(
                                                                    fromByteOffset: k &* 16, as: SIMD4<Float>.self)
                                                                    + values * rowValues[base &+ k]
                                                                probabilityBytes.storeBytes(
                                                                    of: sum, toByteOffset: k &* 16, as: SIMD4<Float>.self)
                                                            }
                                                            continue
                                                        }
                                                        for slot in Int(offsets[term])..<Int(learningEnd[term]) {
                                                            probabilities[Int(targets[slot])] += value * weights[slot]
                                                        }
                                                    }
                                                    Self.softmax(probabilities, touched: reached, intentCount: intentCount)
                                                    // Backward: the cross-entropy gradient on the weights it touched.
                                                    // A dense row's mask keeps the intents without the term at 0.
                                                    probabilities[Int(exampleIntent[example])] -= 1
                                                    for entry in entries {
                                                        let term = Int(exampleTerms[entry])
                                                        let value = step * exampleValues[entry]
                                                        let row = Int(rowOf[term])
                                                        if row >= 0 {
                                                            let values = SIMD4<Float>(repeating: value)
                                                            let base = row &* vectors
                                                            for k in 0..<vectors {
                                                                let gradient = probabilityBytes.load(
                                                                    fromByteOffset: k &* 16, as: SIMD4<Float>.self)
                                                                    * rowMasks[base &+ k]
                                                                rowValues[base &+ k] =
                                                                    rowValues[base &+ k] * shrinks - values * gradient
                                                            }
                                                            continue
                                                        }
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
        rows.copy(into: &weights, postingIntents: postingIntents, postingOffsets: postingOffsets)
        return weights
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

/// The weights of the terms shared by many intents, as dense rows of every intent (four to a vector), so
/// training updates them four at a time; a row's mask is 1 for the intents that have the term and 0 for
/// the rest, whose weights stay 0. Only for knowledge of few intents: a row costs every intent.
private struct DenseRows {
    /// The most intents for which rows are used.
    static let maximumIntents = 64

    /// Vectors per row: the intents, padded to a multiple of four.
    let vectors: Int
    /// Per term, its row, or -1 when the term is trained sparse.
    private var rowOf: [Int32]
    private var values: [SIMD4<Float>] = []
    private var masks: [SIMD4<Float>] = []

    /// Rows for the terms whose learning postings cover at least a quarter of the (padded) intents: below
    /// that, visiting the postings one by one costs less than a whole row.
    init(intentCount: Int, postingIntents: [Int32], postingOffsets: [Int32], learningEnd: [Int32], enabled: Bool) {
        vectors = (intentCount + 3) / 4
        let termCount = postingOffsets.count - 1
        rowOf = [Int32](repeating: -1, count: termCount)
        guard enabled, intentCount <= Self.maximumIntents else { return }
        var rows = 0
        for term in 0..<termCount where Int(learningEnd[term] - postingOffsets[term]) >= vectors {
            rowOf[term] = Int32(rows)
            rows += 1
        }
        values = Array(repeating: .zero, count: rows * vectors)
        masks = Array(repeating: .zero, count: rows * vectors)
        for term in 0..<termCount where rowOf[term] >= 0 {
            let base = Int(rowOf[term]) * vectors
            for slot in Int(postingOffsets[term])..<Int(learningEnd[term]) {
                let intent = Int(postingIntents[slot])
                masks[base + intent >> 2][intent & 3] = 1
            }
        }
    }

    /// How many vectors the rows hold together.
    var valueCount: Int { values.count }

    mutating func withUnsafeBuffers(
        _ body: (UnsafeBufferPointer<Int32>, UnsafeMutableBufferPointer<SIMD4<Float>>, UnsafeBufferPointer<SIMD4<Float>>)
            -> Void
    ) {
        rowOf.withUnsafeBufferPointer { rowOf in
            masks.withUnsafeBufferPointer { masks in
                values.withUnsafeMutableBufferPointer { body(rowOf, $0, masks) }
            }
        }
    }

    /// Writes the rows' trained weights to their postings.
    func copy(into weights: inout [Float], postingIntents: [Int32], postingOffsets: [Int32]) {
        for term in rowOf.indices where rowOf[term] >= 0 {
            let base = Int(rowOf[term]) * vectors
            for slot in Int(postingOffsets[term])..<Int(postingOffsets[term + 1]) {
                let intent = Int(postingIntents[slot])
                weights[slot] = values[base + intent >> 2][intent & 3]
            }
        }
    }
}
