import Foundation
import Testing

@testable import OpenDoorKit

@Suite("Learned intent weights")
struct IntentLogitsTests {
    /// Two intents share the word "group"; only the learned weights can say which other words decide.
    static let knowledge = Knowledge(
        center: CenterFacts(values: ["name": "X", "phone": "1"]),
        intents: [
            Intent(
                id: "times", heading: "Group times", answer: "A",
                examples: ["when does group meet", "what time is group", "group meets when", "group schedule"]),
            Intent(
                id: "size", heading: "Group size", answer: "B",
                examples: ["how big is group", "how many people in group", "group size", "is group crowded"]),
        ], vocabulary: Vocabulary(), dialogue: Fixtures.knowledge.dialogue)

    @Test("Training learns that a shared word decides nothing and the other words do")
    func sharedWord() throws {
        let matcher = Matcher(knowledge: Self.knowledge)
        let result = matcher.match("what time does group meet")
        #expect(result.decision == .answer("times"), "\(result.candidates)")
        let first = try #require(result.candidates.first)
        #expect(first.confidence > first.similarity, "the probability should be sure: \(result.candidates)")
        #expect(matcher.match("how many people").decision == .answer("size"))
    }

    @Test("The same knowledge trains the same weights on every load")
    func deterministic() {
        let a = Matcher(knowledge: Fixtures.knowledge).match("i ghosted my group and feel like they hate me")
        let b = Matcher(knowledge: Fixtures.knowledge).match("i ghosted my group and feel like they hate me")
        #expect(a == b)
    }

    @Test("Dense rows train the same weights, bit for bit, as visiting the postings one by one")
    func denseRowsAreExact() {
        var sparse = MatcherConfiguration()
        sparse.training.denseRows = false
        for knowledge in [Fixtures.knowledge, Self.knowledge] {
            let dense = Matcher(knowledge: knowledge).index.logits.weights
            let oneByOne = Matcher(knowledge: knowledge, configuration: sparse).index.logits.weights
            #expect(dense.map(\.bitPattern) == oneByOne.map(\.bitPattern))
            #expect(dense.contains { $0 != 0 })
        }
    }

    @Test("Weights trained in several orders are the average of one training per order, the same on every load")
    func ordersAverage() {
        var one = MatcherConfiguration()
        one.training.orders = 1
        var three = MatcherConfiguration()
        three.training.orders = 3
        let knowledge = Fixtures.knowledge
        let averaged = Matcher(knowledge: knowledge, configuration: three).index.logits.weights
        #expect(averaged.map(\.bitPattern) == Matcher(knowledge: knowledge, configuration: three).index.logits.weights.map(\.bitPattern))
        var sum = [Float](repeating: 0, count: averaged.count)
        for order in 0..<3 {
            var seeded = one
            seeded.training.seed = one.training.seed + UInt64(order)
            let weights = Matcher(knowledge: knowledge, configuration: seeded).index.logits.weights
            for i in sum.indices { sum[i] += weights[i] }
        }
        #expect(averaged.map(\.bitPattern) == sum.map { $0 * (1 / Float(3)) }.map(\.bitPattern))
        #expect(averaged != Matcher(knowledge: knowledge, configuration: one).index.logits.weights)
    }

    @Test("Probabilities over touched intents and the untouched rest sum to one")
    func softmax() {
        var logits: [Float] = [2, 0, -1, 0, 0]
        IntentLogits.softmax(&logits, touched: [0, 2], intentCount: 5)
        let rest = Float(3) * 1 / (exp(2) + exp(-1) + 3)
        #expect(abs(logits[0] + logits[2] + rest - 1) < 1e-5)
        #expect(logits[0] > logits[2])
    }

    @Test("A term shared by more intents than the limit learns nothing")
    func commonTermsDoNotLearn() {
        // Term 0 is in both intents' examples, term 1 only in intent 0's.
        var training = IntentLogits.Training()
        training.maximumIntents = 1
        let logits = IntentLogits(
            exampleTerms: [0, 1, 0], exampleValues: [0.7, 0.7, 1], exampleEnds: [2, 3], exampleIntent: [0, 1], intentCount: 2,
            postingIntents: [0, 1, 0], postingOffsets: [0, 2, 3], training: training)
        #expect(logits.weight(at: 0) == 0)
        #expect(logits.weight(at: 1) == 0)
        #expect(logits.weight(at: 2) > 0)
    }
}
