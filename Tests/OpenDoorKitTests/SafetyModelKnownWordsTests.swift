import Foundation
import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// The learned model reads the slices of a word it knows from `KnownWords`, found when it loads: the same features in
/// the same order as reading them anew, so the same scores to the bit.
@Suite("Safety model known words")
struct SafetyModelKnownWordsTests {
    @Test("Every eval message scores the same, to the bit, with the known words as without")
    func sameScores() throws {
        let model = try #require(SafetyModelTests.rules.model)
        var anew = model
        anew.knownWords = KnownWords([], table: model.table)
        #expect(model.knownWords.slices.count > 1000)
        var messages = [
            "i want to kill myself", "I WANT TO DIEEEE", "dont want to be here anymore, not really",
            "i cant do this anymore… i’m done — goodbye", "nobody would miss me\nim done",
            "pneumonoultramicroscopicsilicovolcanoconiosis and i'm tired", "sooo tired of everything",
            "its my fault she od'd", "¿puedo volver?", "😀 i took all my pills 😀", "",
        ]
        for name in ["safety.tsv", "safety-train.tsv"] {
            let text = try String(
                contentsOf: RepositoryFiles.knowledgeDirectory.appendingPathComponent("eval/\(name)"), encoding: .utf8)
            messages += text.split(separator: "\n").map { String($0.split(separator: "\t").last ?? "") }
        }
        var differing = 0
        for message in messages where model.logits(of: message) != anew.logits(of: message) { differing += 1 }
        #expect(differing == 0)
        #expect(messages.count > 20000)
    }
}
