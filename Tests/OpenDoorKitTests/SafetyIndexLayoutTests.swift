import Foundation
import Testing

@testable import OpenDoorKit

/// The index compiles each choice the parser shares once; these check that sharing changes nothing it holds.
@Suite("Compiling the safety index")
struct SafetyIndexLayoutTests {
    @Test("The shipped rules compile to the same index with their choices shared (as loaded) or each copied")
    func sharedAndCopiedRulesCompileAlike() throws {
        let rules = try SafetyRules.load(from: SafetyFixtures.rulesURL)
        let copied = rules.copyingEveryArray()
        let shared = SafetyIndex(rules: rules).layoutLines()
        #expect(shared.count > 10_000)
        let unshared = SafetyIndex(rules: copied).layoutLines()
        #expect(shared.count == unshared.count)
        // The first line that differs, rather than two long lists.
        let difference = zip(shared, unshared).first { $0 != $1 }
        #expect(difference == nil, "\(String(describing: difference))")
        // Every message of the development set gets the same finding and the same denial reading from both.
        let loaded = CrisisDetector(rules: rules.withoutModel())
        let fromCopies = CrisisDetector(rules: copied.withoutModel())
        let messages = try SafetyFixtures.testSet.get().items.map(\.text)
        #expect(messages.count > 1_000)
        let differing = messages.filter {
            loaded.assess($0) != fromCopies.assess($0) || loaded.isDenial($0) != fromCopies.isDenial($0)
        }
        #expect(differing.isEmpty)
    }

    @Test("The index names what it was compiled from: patterns, exceptions, anchors, spellings")
    func layoutNamesTheRules() throws {
        let yaml = """
            spellings:
              - [do not, dont]
            lists:
              drugs: [pills, xanax]
            exclusions:
              - suicide prevention
            categories:
              - id: suicide
                reply: "Call or text 988. Call 911 in an emergency."
                patterns:
                  - match: kill myself
                    unless: [video game, lol]
                  - match: want to die
                    unless: [lol]
                  - dont want to live
              - id: overdose
                reply: "Call 911 now. Call or text 988."
                patterns:
                  - took 5+ @drugs
            \(SafetyLoadingTests.otherCategories)
            """
        let rules = try SafetyRules.parse(yaml: yaml, file: "t.yaml")
        let lines = SafetyIndex(rules: rules).layoutLines()
        let patterns = lines.filter { $0.hasPrefix("pattern ") }
        // The exclusion, 7 crisis patterns, then the two exceptions: "lol" compiled once for both its owners.
        #expect(patterns.count == 10)
        #expect(patterns[1].hasPrefix("pattern 1 crisis suicide crisis (suicide/kill myself) unless [8, 9] |"))
        #expect(patterns[2].contains(" unless [9] |"))
        #expect(patterns[3].contains(" unless [] |"))
        #expect(patterns[4].contains("[\"2:-:false:5\"]") && patterns[4].contains("0:word:xanax:true:0"))
        #expect(patterns[8].hasPrefix("pattern 8 condition - unless [] |"))
        // Each pattern under its rarest word: "kill" (in one pattern) rather than "myself" (in two).
        #expect(lines.contains("anchors word:kill [1]"))
        #expect(lines.contains("anchors word:cut [5]") && lines.contains("anchors word:myself []"))
        #expect(lines.contains { $0.hasPrefix("spelling 0 ") && $0.contains("word:do") && $0.contains("word:not") })
        #expect(lines == SafetyIndex(rules: rules.copyingEveryArray()).layoutLines())
    }
}

extension SafetyRules {
    /// The same rules with every pattern's arrays copied on their own, so that no two patterns share a choice.
    func copyingEveryArray() -> SafetyRules {
        func copy(_ pattern: SafetyPattern) -> SafetyPattern {
            var copied = pattern
            copied.slots = pattern.slots.map { slot in
                var slot = slot
                slot.alternatives = slot.alternatives.map { $0.map { $0 } }
                return slot
            }
            return copied
        }
        func copy(_ patterns: [Pattern]) -> [Pattern] {
            patterns.map {
                Pattern(
                    source: $0.source, unless: $0.unless, line: $0.line, parsed: copy($0.parsed),
                    parsedUnless: $0.parsedUnless.map(copy), checkIn: $0.checkIn)
            }
        }
        var copied = SafetyRules(
            file: file,
            categories: categories.map {
                Category(
                    id: $0.id, reply: $0.reply, patterns: copy($0.patterns), checkReply: $0.checkReply,
                    checkPatterns: copy($0.checkPatterns))
            },
            denials: copy(denials), exclusions: copy(exclusions), spellings: spellings, history: copy(history),
            current: copy(current), present: copy(present), story: copy(story), selfReference: copy(selfReference),
            clauses: copy(clauses), neverCorrect: neverCorrect)
        copied.model = model
        copied.doubts = copy(doubts)
        copied.emojiWords = emojiWords
        copied.splitWords = splitWords
        return copied
    }
}
