import Dispatch
import Synchronization

/// Finds the intent a message means, or decides honestly that nothing fits.
///
/// Scores combine the closest single example (a nearest neighbour, which catches paraphrases) and the
/// intent's centroid (which catches its topic words), both cosine similarities of TF-IDF vectors over
/// stems, synonym groups and word pairs. Only the index entries of the message's own terms are visited.
public struct Matcher: Sendable {
    /// The knowledge the matcher answers from.
    public let knowledge: Knowledge
    /// Thresholds and weights.
    public let configuration: MatcherConfiguration
    private let analyzer: Analyzer
    /// Each intent's training texts as tokens, kept so leave-one-out can rebuild only the index.
    private let tokenLists: [[[String]]]
    private let index: MatchIndex
    private let intentIDs: [IntentID]
    private let isFallbackTopic: [Bool]
    private let scratch: ScratchPool

    /// Builds the matcher's index from the knowledge.
    public init(knowledge: Knowledge, configuration: MatcherConfiguration = MatcherConfiguration()) {
        let texts = knowledge.intents.map { Self.trainingTexts(for: $0, in: knowledge) }
        let analyzer = Analyzer(vocabulary: knowledge.vocabulary, corpus: texts.flatMap { $0 })
        let tokenLists = texts.map { examples in examples.map { analyzer.analyze($0, correcting: false).tokens } }
        self.init(knowledge: knowledge, configuration: configuration, analyzer: analyzer, tokenLists: tokenLists)
    }

    private init(knowledge: Knowledge, configuration: MatcherConfiguration, analyzer: Analyzer, tokenLists: [[[String]]]) {
        self.knowledge = knowledge
        self.configuration = configuration
        self.analyzer = analyzer
        self.tokenLists = tokenLists
        index = MatchIndex(
            intentExamples: tokenLists, bigramWeight: Float(configuration.bigramWeight),
            unknownWeight: Float(configuration.unknownWeight), training: configuration.training)
        intentIDs = knowledge.intents.map(\.id)
        isFallbackTopic = knowledge.intents.map { $0.action == .fallback }
        scratch = ScratchPool(examples: index.exampleCount, intents: index.intentCount)
    }

    /// The same matcher without one example (for leave-one-out), reusing the analyzer and token lists:
    /// only the index is rebuilt.
    func leavingOut(intent position: Int, example: Int) -> Matcher {
        var reduced = knowledge
        reduced.intents[position].examples.remove(at: example)
        reduced.intents[position].exampleLocations.remove(at: example)
        var lists = tokenLists
        lists[position].remove(at: example)
        return Matcher(knowledge: reduced, configuration: configuration, analyzer: analyzer, tokenLists: lists)
    }

    /// Every example matched by a matcher built without it, in knowledge order, on every core.
    func leaveOneOut() -> [(intent: Int, example: Int, result: MatchResult)] {
        let cases = knowledge.intents.indices.flatMap { intent in
            knowledge.intents[intent].examples.indices.map { (intent, $0) }
        }
        let results = Mutex<[Int: MatchResult]>([:])
        DispatchQueue.concurrentPerform(iterations: cases.count) { number in
            let (intent, example) = cases[number]
            let result = leavingOut(intent: intent, example: example).match(knowledge.intents[intent].examples[example])
            results.withLock { $0[number] = result }
        }
        let all = results.withLock { $0 }
        return cases.enumerated().map { ($0.element.0, $0.element.1, all[$0.offset]!) }
    }

    /// The texts an intent is matched against: its examples, plus its label and heading when they are its own.
    static func trainingTexts(for intent: Intent, in knowledge: Knowledge) -> [String] {
        var texts = intent.examples
        let sharedHeading = knowledge.intents.contains { $0.id != intent.id && $0.heading == intent.heading }
        if !sharedHeading && intent.action != .fallback { texts.append(intent.heading) }
        if intent.label != intent.heading { texts.append(intent.label) }
        return texts
    }

    /// How a message is read (normalized, corrected, stemmed), without scoring it.
    public func analyze(_ message: String) -> Analysis {
        analyzer.analyze(message, correcting: configuration.correctsTypos)
    }

    /// Ranks the intents for a message and decides what to do.
    public func match(_ message: String, limit: Int = 3) -> MatchResult {
        let analysis = analyze(message)
        let candidates = rank(analysis, limit: max(limit, 2))
        return MatchResult(
            analysis: analysis, candidates: Array(candidates.prefix(limit)), decision: decide(candidates))
    }

    /// The best intents for an analysed message, best first.
    func rank(_ analysis: Analysis, limit: Int) -> [MatchCandidate] {
        let query = index.query(analysis.tokens)
        guard query.norm > 0, !query.terms.isEmpty else { return [] }
        let exampleWeight = Float(configuration.exampleWeight)
        let secondWeight = Float(configuration.secondExampleWeight)
        let learnedWeight = Float(configuration.learnedWeight)
        let ranked: [(intent: Int, score: Float, similarity: Float)] = scratch.withScratch { buffers in
            // Cosine with each example and each centroid, visiting only the message's terms.
            for (term, weight) in query.terms {
                let w = weight / query.norm
                for posting in index.examplePostings[Int(term)] {
                    buffers.addExample(Int(posting.target), w * posting.weight)
                }
                for (position, posting) in index.intentPostings[Int(term)].enumerated() {
                    buffers.addIntent(
                        Int(posting.target), w * posting.weight,
                        logit: w * index.logits.weight(term: Int(term), position: position))
                }
            }
            for example in buffers.touchedExamples {
                let intent = Int(index.exampleIntent[Int(example)])
                buffers.noteBest(intent: intent, score: buffers.exampleScores[Int(example)])
            }
            buffers.probabilities(intentCount: index.intentCount)
            // Keep only the best `limit`: a full sort of every touched intent costs more than matching.
            var top: [(Int, Float, Float)] = []
            top.reserveCapacity(limit + 1)
            for intent in buffers.touchedIntents {
                let similarity =
                    exampleWeight
                    * ((1 - secondWeight) * buffers.bestExample[Int(intent)]
                        + secondWeight * buffers.secondExample[Int(intent)]) + (1 - exampleWeight)
                    * buffers.intentScores[Int(intent)]
                let score = learnedWeight * buffers.logits[Int(intent)] + (1 - learnedWeight) * similarity
                let entry = (Int(intent), score, similarity)
                if top.count == limit, let last = top.last, !Self.ranksBefore(entry, last) { continue }
                var position = top.count
                while position > 0 && Self.ranksBefore(entry, top[position - 1]) { position -= 1 }
                top.insert(entry, at: position)
                if top.count > limit { top.removeLast() }
            }
            buffers.reset()
            return top.map { ($0.0, $0.1, $0.2) }
        }
        return ranked.map { entry in
            MatchCandidate(
                intent: intentIDs[entry.intent], confidence: min(1, max(0, Double(entry.score))),
                similarity: min(1, max(0, Double(entry.similarity))),
                matchedWords: matchedWords(query, intent: entry.intent))
        }
    }

    /// Higher score first; ties go to the intent written first, so results never depend on hash order.
    @inline(__always)
    static func ranksBefore(_ a: (Int, Float, Float), _ b: (Int, Float, Float)) -> Bool {
        a.1 > b.1 || (a.1 == b.1 && a.0 < b.0)
    }

    private func matchedWords(_ query: MatchIndex.Query, intent: Int) -> [String] {
        query.terms.filter { index.intentHasTerm(intent, $0.term) }
            .sorted { $0.weight > $1.weight }
            .map { index.name(of: $0.term) }
    }

    /// Answer, clarify or fall back, from the ranked candidates.
    func decide(_ candidates: [MatchCandidate]) -> MatchDecision {
        // Evidence first: however the probabilities fall, a message that looks like no intent's
        // examples gets the honest fallback.
        guard let first = candidates.first, first.similarity >= configuration.answerThreshold,
            first.confidence >= configuration.confidenceFloor
        else {
            return .fallback(topic: nil)
        }
        let close = candidates.dropFirst().filter {
            first.confidence - $0.confidence < configuration.clarifyMargin
        }
        // Never guess near a topic the knowledge doesn't answer.
        if isFallback(first.intent) { return .fallback(topic: first.intent) }
        if let topic = close.first(where: { isFallback($0.intent) }) { return .fallback(topic: topic.intent) }
        if let second = close.first { return .clarify(first.intent, second.intent) }
        return .answer(first.intent)
    }

    private func isFallback(_ id: IntentID) -> Bool {
        knowledge.intent(id)?.action == .fallback
    }
}

/// Reusable score buffers, so matching allocates nothing in proportion to the knowledge's size.
final class ScratchPool: Sendable {
    struct Buffers {
        var exampleScores: [Float]
        var intentScores: [Float]
        var bestExample: [Float]
        var secondExample: [Float]
        /// Learned logits, then (after `probabilities`) the softmax probabilities of touched intents.
        var logits: [Float]
        var touchedExamples: [Int32] = []
        var touchedIntents: [Int32] = []
        var intentSeen: [Bool]

        init(examples: Int, intents: Int) {
            exampleScores = Array(repeating: 0, count: examples)
            intentScores = Array(repeating: 0, count: intents)
            bestExample = Array(repeating: 0, count: intents)
            secondExample = Array(repeating: 0, count: intents)
            logits = Array(repeating: 0, count: intents)
            intentSeen = Array(repeating: false, count: intents)
        }

        mutating func addExample(_ example: Int, _ value: Float) {
            if exampleScores[example] == 0 { touchedExamples.append(Int32(example)) }
            exampleScores[example] += value
        }

        mutating func addIntent(_ intent: Int, _ value: Float, logit: Float) {
            touch(intent)
            intentScores[intent] += value
            logits[intent] += logit
        }

        /// Turns the touched intents' logits into probabilities (untouched intents have logit 0).
        mutating func probabilities(intentCount: Int) {
            IntentLogits.softmax(&logits, touched: touchedIntents, intentCount: intentCount)
        }

        mutating func noteBest(intent: Int, score: Float) {
            touch(intent)
            if score > bestExample[intent] {
                secondExample[intent] = bestExample[intent]
                bestExample[intent] = score
            } else if score > secondExample[intent] {
                secondExample[intent] = score
            }
        }

        private mutating func touch(_ intent: Int) {
            if !intentSeen[intent] {
                intentSeen[intent] = true
                touchedIntents.append(Int32(intent))
            }
        }

        mutating func reset() {
            for example in touchedExamples { exampleScores[Int(example)] = 0 }
            for intent in touchedIntents {
                intentScores[Int(intent)] = 0
                bestExample[Int(intent)] = 0
                secondExample[Int(intent)] = 0
                logits[Int(intent)] = 0
                intentSeen[Int(intent)] = false
            }
            touchedExamples.removeAll(keepingCapacity: true)
            touchedIntents.removeAll(keepingCapacity: true)
        }
    }

    private let examples: Int
    private let intents: Int
    private let free: Mutex<[Buffers]>

    init(examples: Int, intents: Int) {
        self.examples = examples
        self.intents = intents
        self.free = Mutex([])
    }

    /// Lends a set of zeroed buffers; the body must leave them zeroed (`reset()`).
    func withScratch<T>(_ body: (inout Buffers) -> T) -> T {
        var buffers = free.withLock { $0.popLast() } ?? Buffers(examples: examples, intents: intents)
        let result = body(&buffers)
        free.withLock { $0.append(buffers) }
        return result
    }
}
