import Foundation
import Testing

@testable import OpenDoorKit

@Suite("Ranking skips intents safely")
struct RankingTests {
    /// The held-out messages (short and long: a long one is weighted by its parts), then every example and heading of the knowledge.
    static let messages: [String] = {
        let labels = Set(Fixtures.knowledge.intents.map(\.id) + [.fallback])
        let set = ["eval/visitors.tsv", "eval/visitors-long.tsv"].flatMap { file in
            let url = Fixtures.knowledgeDirectory.appendingPathComponent(file)
            return (try? EvaluationSet.load(from: url, knownLabels: labels))?.items.map(\.text) ?? []
        }
        return set + Fixtures.knowledge.intents.flatMap { $0.examples + [$0.heading] }
    }()

    /// Every candidate and confidence of the pruned ranking equals scoring every intent the message touches.
    static func expectExact(_ matcher: Matcher, messages: [String]) {
        var differences = 0
        for message in messages {
            let analysis = matcher.analyze(message)
            let pruned = matcher.rank(analysis, limit: 5)
            let full = matcher.rank(analysis, limit: 5, pruning: false)
            if pruned != full {
                differences += 1
                if differences <= 3 { Issue.record("“\(message)”: \(pruned) ≠ \(full)") }
            }
        }
        #expect(differences == 0)
    }

    @Test("On the shipped knowledge")
    func shipped() {
        #expect(Self.messages.count > 1000)
        Self.expectExact(Fixtures.matcher, messages: Self.messages)
    }

    @Test("When the second-closest example counts too")
    func secondExample() {
        var configuration = MatcherConfiguration()
        configuration.secondExampleWeight = 0.4
        configuration.exampleWeight = 0.8
        Self.expectExact(Matcher(knowledge: Fixtures.knowledge, configuration: configuration), messages: Self.messages)
    }

    @Test("On a knowledge ten times larger, where common words have long postings lists")
    func synthetic() {
        let matcher = Matcher(knowledge: SyntheticKnowledge.scaled(Fixtures.knowledge, factor: 10))
        Self.expectExact(matcher, messages: Array(Self.messages.prefix(600)))
    }
}
