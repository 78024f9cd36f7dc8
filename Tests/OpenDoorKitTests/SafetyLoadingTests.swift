import Foundation
import Testing
import Yams

@testable import OpenDoorKit

@Suite("Loading the safety rules")
struct SafetyLoadingTests {
    /// The categories the test files below write the same way, at their end.
    static let otherCategories = """
          - id: self_harm
            reply: "Call or text 988. Call 911 in an emergency."
            patterns: [cut myself]
          - id: withdrawal
            reply: "Call or text 988. Call 911 in an emergency."
            patterns: [seizure]
          - id: danger
            reply: "Call or text 988. Call 911 in an emergency."
            patterns: [he hit me]

        """

    /// A file with a bad pattern in many sections.
    static let yaml = """
        check_in: "Are you having thoughts of ending your life? Call or text 988."
        lists:
          drugs: [pills, xanax]
        exclusions:
          - suicide prevention
          - ok $ then
        denials:
          - "@nolist here"
          - im fine
        history:
          - years *12 ago
          - back then
        clauses:
          - "* but"
        categories:
          - id: suicide
            reply: "Call or text 988. Call 911 in an emergency."
            patterns:
              - kill myself
              - took @nosuchlist
            check:
              - match: no point
                unless: [in *0 arguing]
          - id: overdose
            reply: "Call 911 now. Call or text 988."
            patterns:
              - took 5+ @drugs
              - "@missing pills"
        \(otherCategories)
        """

    @Test("Every bad pattern is reported at its line, in the order a sequential check meets them")
    func diagnosticsInOrder() throws {
        do {
            _ = try SafetyRules.parse(yaml: Self.yaml, file: "safety.yaml")
            Issue.record("the file has errors and must not load")
        } catch let error as KnowledgeError {
            let lines = error.diagnostics.map(\.line)
            // exclusions, denials, then each category's patterns and check-ins, then history, then clauses.
            #expect(lines == [6, 8, 20, 23, 28, 11, 14])
            #expect(error.diagnostics.allSatisfy { $0.severity == .error && $0.file == "safety.yaml" })
        }
    }

    @Test("Without its bad patterns the file loads, and finds crises")
    func shippedRules() throws {
        let rules = try SafetyRules.parse(yaml: Self.yaml.replacingBadPatterns(), file: "safety.yaml")
        let detector = CrisisDetector(rules: rules)
        #expect(detector.assess("i want to kill myself")?.category == .suicide)
        #expect(detector.assess("i took 30 pills")?.category == .overdose)
        #expect(detector.assess("i took 3 pills") == nil)
        #expect(detector.assess("suicide prevention month") == nil)
    }

    @Test("The shipped file read from libyaml's events gives the rules its node tree gives, every line included")
    func eventsReadAsTree() throws {
        let shipped = try String(contentsOf: SafetyFixtures.rulesURL, encoding: .utf8)
        let events = try #require(SafetyFile.readEvents(shipped))
        let root = try #require(try Yams.compose(yaml: shipped, .basic, .default, .utf8))
        #expect(events.file == SafetyFile(node: root))
        let fromEvents = try SafetyRules.parse(yaml: shipped, file: "safety.yaml")
        let fromTree = try SafetyRules.parseComposing(yaml: shipped, file: "safety.yaml")
        #expect(fromEvents == fromTree)
        let lines = { (rules: SafetyRules) in rules.categories.flatMap { $0.patterns + $0.checkPatterns }.map(\.line) }
        #expect(lines(fromEvents) == lines(fromTree))
        #expect(lines(fromEvents).allSatisfy { $0 != nil })
        // This file too, with its inline lists, quoted patterns and exceptions.
        let repeated = Self.repeated.replacingOccurrences(of: "@nosuchlist", with: "pills")
            .replacingOccurrences(of: "\"@nolist\"", with: "nolist")
        #expect(SafetyFile.readEvents(repeated) != nil)
        #expect(try SafetyRules.parse(yaml: repeated, file: "t.yaml") == SafetyRules.parseComposing(yaml: repeated, file: "t.yaml"))
    }

    @Test(
        "Anything the events reader doesn't read as the tree would is left to the tree",
        arguments: [
            "categories: &a []\n", "categories: *a\n", "categories: !!seq []\n", "check_in: x\ncheck_in: y\ncategories: []\n",
            "categories: []\n---\ncategories: []\n", "check_in:\ncategories: []\n", "check_in: ~\ncategories: []\n",
            "categories: []\nextra: 1\n", "lists: {a: [x], a: [y]}\ncategories: []\n", "categories: [\n", "",
            "categories:\n  - id: x\n    reply: y\n    patterns: [a]\n    patterns: [b]\n",
            "categories:\n  - id: x\n    reply: y\n    patterns:\n      - match: a\n        unles: [b]\n",
            "exclusions:\n  - match: a\n    match: b\ncategories: []\n",
        ])
    func eventsLeaveTheUnusual(_ yaml: String) throws {
        #expect(SafetyFile.readEvents(yaml) == nil)
    }

    /// A file whose patterns and exceptions are said more than once: each text is parsed once and compiled once.
    static let repeated = """
        categories:
          - id: suicide
            reply: "Call or text 988. Call 911 in an emergency."
            patterns:
              - match: kill myself
                unless: [video game, lol]
              - match: want to die
                unless: [lol, of embarrassment]
              - took @nosuchlist
              - match: end it all
                unless: [lol, "@nolist"]
              - took @nosuchlist
              - match: cant go on
                unless: ["@nolist", lol]
          - id: overdose
            reply: "Call 911 now. Call or text 988."
            patterns:
              - match: took 5+ pills
                unless: [lol, vitamins]
        \(otherCategories)
        """

    @Test("A bad pattern or exception said twice is reported at each place it is said, not only the first")
    func repeatedProblems() throws {
        do {
            _ = try SafetyRules.parse(yaml: Self.repeated, file: "safety.yaml")
            Issue.record("the file has errors and must not load")
        } catch let error as KnowledgeError {
            #expect(error.diagnostics.map(\.line) == [9, 11, 12, 14])
            #expect(error.diagnostics.filter { $0.message.contains("nosuchlist") }.count == 2)
            #expect(error.diagnostics.filter { $0.message.contains("“nolist”") }.count == 2)
        }
    }

    @Test("An exception under several patterns cancels each of them, and no pattern without it")
    func sharedExceptions() throws {
        let yaml = Self.repeated.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("@nosuchlist") }
            .map { $0.replacingOccurrences(of: "\"@nolist\", ", with: "").replacingOccurrences(of: ", \"@nolist\"", with: "") }
            .joined(separator: "\n")
        let detector = CrisisDetector(rules: try SafetyRules.parse(yaml: yaml, file: "safety.yaml"))
        for message in ["i want to kill myself", "i want to die", "i want to end it all", "i cant go on"] {
            #expect(detector.assess(message)?.category == .suicide, "\(message)")
            #expect(detector.assess("\(message) lol") == nil, "\(message) lol")
        }
        #expect(detector.assess("i took 30 pills")?.category == .overdose)
        #expect(detector.assess("i took 30 pills lol") == nil)
        #expect(detector.assess("i took 30 pills, only vitamins") == nil)
        // Each pattern keeps its own exceptions too.
        #expect(detector.assess("i want to kill myself in the video game") == nil)
        #expect(detector.assess("i want to die in the video game")?.category == .suicide)
        #expect(detector.assess("i cut myself lol")?.category == .selfHarm)
    }
}

extension String {
    /// The test file with its bad patterns left out.
    fileprivate func replacingBadPatterns() -> String {
        split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in
                line.trimmingCharacters(in: .whitespaces) != "clauses:"
                    && !["ok $ then", "@nolist", "*12", "\"* but\"", "@nosuchlist", "@missing", "in *0"].contains {
                    line.contains($0)
                }
            }
            .map { $0.replacingOccurrences(of: "- match: no point", with: "- no point") }
            .joined(separator: "\n")
    }
}
