import Foundation
@testable import OpenDoorKit
import Testing

/// Round 18: the yes/no-opening words are the knowledge's data. (The round's topic-evidence rule for long messages was
/// measured in round 19 and left out: it changed nothing on the held-out sets and lost more answers than guesses it
/// saved on the development sets.)
@Suite("Matcher round 18")
struct MatcherRoundEighteenTests {
    @Test("The shipped vocabulary holds the polar-opening words, and the reply follows them")
    func shippedPolarWords() {
        let polar = Fixtures.knowledge.vocabulary.polarOpening
        #expect(polar.bareWords == ["Yes.", "No."])
        #expect(polar.tooWords.contains("late") && polar.invertingWords.contains("banned"))
        #expect(polar.turningWords.contains("turn") && polar.conditionWords.contains("without"))
        let (reply, match) = Responder(matcher: Fixtures.matcher).respond(to: "is it too late to come back")
        #expect(match.decision == .answer("faq_rejoin"))
        #expect(!reply.text.hasPrefix("Yes."), "\(reply.text)")
    }

    @Test("Another center's words come from its vocabulary.yaml: without the section, answers stay as written")
    func polarWordsAreData() throws {
        let without = try Fixtures.knowledgeCopy(editing: "vocabulary.yaml") { text in
            // Drop the whole polar_openings section (up to the next top-level comment).
            guard let start = text.range(of: "polar_openings:"),
                let end = text.range(of: "\n# Shorthand", range: start.upperBound..<text.endIndex)
            else { return text }
            return String(text[..<start.lowerBound]) + String(text[end.lowerBound...])
        }
        defer { try? FileManager.default.removeItem(at: without) }
        let plain = try Knowledge.load(from: without)
        #expect(plain.vocabulary.polarOpening == PolarOpening())
        let (reply, _) = Responder(matcher: Matcher(knowledge: plain)).respond(to: "is it too late to come back")
        #expect(reply.text.hasPrefix("Yes. "), "\(reply.text)")

        // Words of its own: "ever" after "too" doesn't turn a question round in the shipped list; here it does.
        let own = try Fixtures.knowledgeCopy(editing: "vocabulary.yaml") { text in
            text.replacingOccurrences(of: "  too: [late,", with: "  too: [ever, late,")
        }
        defer { try? FileManager.default.removeItem(at: own) }
        let polar = try Knowledge.load(from: own).vocabulary.polarOpening
        // Turned round by a question that opens with "is" (round 21, QA23 W21): the other bare word answers it; the
        // same word in a story is only left out.
        #expect(polar.fitted("Yes. Come back.", to: ["is", "it", "too", "ever"]) == "No. Come back.")
        #expect(polar.fitted("Yes. Come back.", to: ["i", "waited", "so", "long", "too", "ever"]) == "Come back.")
        #expect(Fixtures.knowledge.vocabulary.polarOpening.fitted("Yes. Come back.", to: ["is", "it", "too", "ever"])
            == "Yes. Come back.")
    }

    @Test("A misspelt polar_openings key is an error that names it")
    func unknownPolarKey() throws {
        let folder = try Fixtures.knowledgeCopy(editing: "vocabulary.yaml") { text in
            text.replacingOccurrences(of: "  turning: [", with: "  turnin: [")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try Knowledge.load(from: folder)
            Issue.record("a vocabulary with an unknown polar_openings key loaded")
        } catch {
            #expect(error.diagnostics.contains { $0.severity == .error && $0.message.contains("turnin") })
        }
    }
}
