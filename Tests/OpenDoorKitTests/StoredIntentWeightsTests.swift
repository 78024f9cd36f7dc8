import Foundation
import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

@Suite("Saved learned weights")
struct StoredIntentWeightsTests {
    @Test("Weights read back from their file are the trained ones, bit for bit, and are used")
    func roundTrip() throws {
        let trained = Matcher(knowledge: Fixtures.knowledge.withoutStoredWeights())
        #expect(trained.usesStoredWeights == false)
        let text = trained.storedWeights.text
        let read = try StoredIntentWeights.parse(text).get()
        #expect(read == trained.storedWeights)
        var knowledge = Fixtures.knowledge.withoutStoredWeights()
        knowledge.storedWeights = read
        let saved = Matcher(knowledge: knowledge)
        #expect(saved.usesStoredWeights == true)
        #expect(saved.index.logits.weights.map(\.bitPattern) == trained.index.logits.weights.map(\.bitPattern))
        #expect(saved.match("i ghosted my group") == trained.match("i ghosted my group"))
    }

    @Test("Weights saved for other examples are not used: the matcher trains its own")
    func staleWeights() throws {
        var knowledge = Fixtures.knowledge
        knowledge.storedWeights = Matcher(knowledge: Fixtures.knowledge).storedWeights
        knowledge.intents[0].examples[0] += " again"
        let matcher = Matcher(knowledge: knowledge)
        #expect(matcher.usesStoredWeights == false)
        let fresh = Matcher(knowledge: knowledge.withoutStoredWeights())
        #expect(matcher.index.logits.weights.map(\.bitPattern) == fresh.index.logits.weights.map(\.bitPattern))
    }

    @Test("Other training settings don't use the saved weights either")
    func otherTraining() {
        var knowledge = Fixtures.knowledge
        knowledge.storedWeights = Matcher(knowledge: Fixtures.knowledge).storedWeights
        var configuration = MatcherConfiguration()
        configuration.training.epochs += 1
        #expect(Matcher(knowledge: knowledge, configuration: configuration).usesStoredWeights == false)
    }

    @Test("The shipped file is up to date, and loading uses it")
    func shipped() {
        #expect(ShippedKnowledge.knowledge.storedWeights != nil)
        let matcher = Matcher(knowledge: ShippedKnowledge.knowledge)
        #expect(matcher.usesStoredWeights == true, "run Scripts/train-matcher-weights")
        let fresh = Matcher(knowledge: ShippedKnowledge.knowledge.withoutStoredWeights())
        #expect(matcher.storedWeights == fresh.storedWeights)
    }

    @Test("A damaged file is a warning at its line; the knowledge loads and trains its weights")
    func damaged() throws {
        let folder = try RepositoryFiles.knowledgeCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(StoredIntentWeights.fileName)
        var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        let first = try #require(lines.firstIndex(of: "weights"))
        lines[first + 2] = "not hex"
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        let knowledge = try Knowledge.load(from: folder)
        let warning = try #require(knowledge.warnings.first { $0.message.contains("saved weights") })
        #expect(warning.severity == .warning && warning.line == first + 3)
        #expect(knowledge.storedWeights == nil)
        #expect(Matcher(knowledge: knowledge).usesStoredWeights == false)
    }

    @Test("A missing file is no problem at all")
    func missing() throws {
        let folder = try RepositoryFiles.knowledgeCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent(StoredIntentWeights.fileName))
        let knowledge = try Knowledge.load(from: folder)
        #expect(knowledge.storedWeights == nil)
        #expect(!knowledge.warnings.contains { $0.message.contains("saved weights") })
    }
}
