extension Matcher {
    /// The best intents for an analysed message, best first.
    ///
    /// An intent's similarity is `exampleWeight × (its closest examples' cosines) + (1 − exampleWeight) ×
    /// (its centroid's cosine)`, and its score `learnedWeight × its learned probability + (1 −
    /// learnedWeight) × its similarity`. The probability is a softmax over the learned logits, which live on
    /// the intent postings, so it is exact for every intent after step 1 below. Centroid cosines are cheap: a term has at most one posting per intent. Example
    /// cosines are not: a common word ("i", "to") has postings in a large share of all examples. So the
    /// ranking is exact but lazy, in the manner of block-max dynamic pruning:
    ///
    /// 1. Every intent posting of the message's terms is visited once. It gives the centroid cosine, and
    ///    — from each posting's largest example weight — a bound on every example cosine of the intent:
    ///    `Σ w(term) × max weight(term, intent) ≥ Σ w(term) × weight(term, example)`.
    /// 2. The intents with the highest bounds are scored exactly first; after that an intent is scored
    ///    only when its bound could still rank it among the best `limit`. Scoring an intent reads only its
    ///    own block of each term's example postings.
    ///
    /// The bound holds in floating point too, not just on paper: rounding is monotonic, so a product with
    /// a larger weight never rounds below the product it bounds, and the sums add their terms in the same
    /// order; the bound never falls below the score it stands for, and an intent is skipped only when even
    /// its bound ranks after the last of the best `limit` scored so far. Results are therefore identical
    /// to scoring every intent, which `pruning: false` does (for tests).
    func rank(_ analysis: Analysis, limit: Int, pruning: Bool = true) -> [MatchCandidate] {
        let query = index.query(analysis.tokens, tokenWeights: analysis.weights)
        guard query.norm > 0, !query.terms.isEmpty else { return [] }
        var buffers = scratch.borrow()
        let ranked = rank(query, limit: limit, pruning: pruning && canPrune, buffers: &buffers)
        scratch.giveBack(buffers)
        return ranked.map { entry in
            MatchCandidate(
                intent: intentIDs[entry.intent], confidence: min(1, max(0, Double(entry.score))),
                similarity: min(1, max(0, Double(entry.similarity))),
                matchedWords: matchedWords(query, intent: entry.intent))
        }
    }

    /// Higher score first; ties go to the intent written first, so results never depend on hash order.
    @inline(__always)
    static func ranksBefore(_ a: (Int, Float), _ b: (Int, Float)) -> Bool {
        a.1 > b.1 || (a.1 == b.1 && a.0 < b.0)
    }

    /// Pruning needs a score that grows with the example cosines, which weights between 0 and 1 give.
    private var canPrune: Bool {
        (0...1).contains(configuration.exampleWeight) && (0...1).contains(configuration.secondExampleWeight)
            && (0...1).contains(configuration.learnedWeight)
    }

    private func rank(_ query: MatchIndex.Query, limit: Int, pruning: Bool, buffers: inout ScratchPool.Buffers)
        -> [(intent: Int, score: Float, similarity: Float)]
    {
        for (_, weight) in query.terms { buffers.weights.append(weight / query.norm) }
        for (k, (term, _)) in query.terms.enumerated() {
            let w = buffers.weights[k]
            for position in index.intents(of: term) {
                let posting = index.intentPostings[position]
                buffers.addIntent(
                    Int(posting.intent), centroid: w * posting.weight, bound: w * posting.maxExampleWeight,
                    logit: w * index.logits.weight(at: position))
            }
        }
        buffers.probabilities(intentCount: index.intentCount)
        var top = TopIntents(limit: limit)
        var seeds = TopIntents(limit: pruning ? limit : 0)
        for intent in buffers.touchedIntents where pruning {
            seeds.insert(Int(intent), bound(of: Int(intent), buffers), 0)
        }
        for (intent, _, _) in seeds.entries {
            let (score, similarity) = score(of: intent, query, &buffers)
            top.insert(intent, score, similarity)
        }
        for i in buffers.touchedIntents.indices {
            let intent = Int(buffers.touchedIntents[i])
            if seeds.contains(intent) || (pruning && !top.admits(intent, bound(of: intent, buffers))) { continue }
            let (score, similarity) = score(of: intent, query, &buffers)
            top.insert(intent, score, similarity)
        }
        buffers.reset()
        return top.entries.map { (intent: $0.0, score: $0.1, similarity: $0.2) }
    }

    /// The score an intent would have if its closest examples were as close as the bound allows.
    @inline(__always)
    private func bound(of intent: Int, _ buffers: ScratchPool.Buffers) -> Float {
        let similarity = combine(
            best: buffers.exampleBounds[intent], second: buffers.exampleBounds[intent],
            centroid: buffers.centroidScores[intent])
        return blend(buffers.probabilities[intent], similarity)
    }

    /// The confidence: the learned probability blended with the similarity. It grows with the similarity
    /// (in floating point too), so a bound on the similarity bounds it.
    @inline(__always)
    private func blend(_ probability: Float, _ similarity: Float) -> Float {
        let learnedWeight = Float(configuration.learnedWeight)
        return learnedWeight * probability + (1 - learnedWeight) * similarity
    }

    /// An intent's exact score and similarity, reading only its own examples' postings, summed in query order.
    private func score(of intent: Int, _ query: MatchIndex.Query, _ buffers: inout ScratchPool.Buffers)
        -> (score: Float, similarity: Float)
    {
        let base = Int(index.firstExample[intent])
        index.examplePostings.withUnsafeBufferPointer { postings in
            for (k, (term, _)) in query.terms.enumerated() {
                guard let position = index.position(of: Int32(intent), in: term) else { continue }
                buffers.addExamples(
                    UnsafeBufferPointer(rebasing: postings[index.block(at: position, of: term)]), base: base,
                    weight: buffers.weights[k])
            }
        }
        let (best, second) = buffers.takeBestExamples()
        let similarity = combine(best: best, second: second, centroid: buffers.centroidScores[intent])
        return (blend(buffers.probabilities[intent], similarity), similarity)
    }

    @inline(__always)
    private func combine(best: Float, second: Float, centroid: Float) -> Float {
        let exampleWeight = Float(configuration.exampleWeight)
        let secondWeight = Float(configuration.secondExampleWeight)
        return exampleWeight * ((1 - secondWeight) * best + secondWeight * second) + (1 - exampleWeight) * centroid
    }
}

/// The best few intents seen so far, best first.
private struct TopIntents {
    let limit: Int
    /// Intent, score and similarity, best first.
    private(set) var entries: [(Int, Float, Float)] = []

    init(limit: Int) {
        self.limit = limit
        entries.reserveCapacity(limit + 1)
    }

    /// Whether an intent with this score would be kept.
    @inline(__always)
    func admits(_ intent: Int, _ score: Float) -> Bool {
        guard entries.count == limit else { return limit > 0 }
        guard let last = entries.last else { return false }
        return Matcher.ranksBefore((intent, score), (last.0, last.1))
    }

    mutating func insert(_ intent: Int, _ score: Float, _ similarity: Float) {
        guard admits(intent, score) else { return }
        let entry = (intent, score, similarity)
        var position = entries.count
        while position > 0 && Matcher.ranksBefore((intent, score), (entries[position - 1].0, entries[position - 1].1)) {
            position -= 1
        }
        entries.insert(entry, at: position)
        if entries.count > limit { entries.removeLast() }
    }

    func contains(_ intent: Int) -> Bool {
        entries.contains { $0.0 == intent }
    }
}
