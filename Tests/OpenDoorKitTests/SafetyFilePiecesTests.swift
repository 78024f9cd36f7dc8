import Foundation
import OpenDoorTestSupport
import Testing
import Yams

@testable import OpenDoorKit

@Suite("Composing safety.yaml in pieces")
struct SafetyFilePiecesTests {
    /// Whether two trees are the same: kinds, texts, styles and every mark.
    static func same(_ a: Node, _ b: Node) -> Bool {
        guard a.mark?.line == b.mark?.line, a.mark?.column == b.mark?.column else { return false }
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)):
            return x.string == y.string && x.style == y.style
        case (.sequence(let x), .sequence(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        case (.mapping(let x), .mapping(let y)):
            return x.count == y.count
                && zip(x, y).allSatisfy { same($0.key, $1.key) && same($0.value, $1.value) }
        default:
            return false
        }
    }

    @Test("The shipped file gives the same tree, marks included, as composing it whole")
    func shippedFile() throws {
        let yaml = try String(
            contentsOf: RepositoryFiles.knowledgeDirectory.appendingPathComponent("safety.yaml"), encoding: .utf8)
        let pieces = try #require(SafetyFile.composeInPieces(yaml))
        let whole = try #require(try Yams.compose(yaml: yaml, .basic, .default, .utf8))
        #expect(Self.same(pieces, whole))
        #expect(SafetyFile(node: pieces) == SafetyFile(node: whole))
    }

    @Test("Keys after the categories, and comments between items, stay where they are")
    func keysAfterCategories() throws {
        let yaml = """
            lists:
              drugs: [pills]
            categories:
            # the first
              - id: suicide
                reply: |
                  Call or text 988.
                  - not an item
                patterns: [kill myself]
            # between
              - id: overdose
                patterns:
                  - took @drugs
            denials:
              - im fine

            """
        let pieces = try #require(SafetyFile.composeInPieces(yaml))
        let whole = try #require(try Yams.compose(yaml: yaml, .basic, .default, .utf8))
        #expect(Self.same(pieces, whole))
    }

    @Test(
        "A file whose pieces don't stand alone is left to be composed whole",
        arguments: [
            // an alias to an anchor in another piece
            "lists:\n  a: &x [one]\ncategories:\n  - id: suicide\n    patterns: *x\n",
            // items at column 0
            "categories:\n- id: suicide\n",
            // a line left of the items
            "categories:\n    - id: suicide\n  - id: overdose\n",
            // a quote left open across items
            "categories:\n  - id: \"suicide\n  - id: overdose\"\n",
            // a key written twice in one item
            "categories:\n  - id: suicide\n    id: overdose\n",
            // no categories
            "lists:\n  a: [one]\n",
        ])
    func fallsBack(yaml: String) {
        #expect(SafetyFile.composeInPieces(yaml) == nil)
    }

    @Test("A broken item is reported at its line, as composing whole reports it")
    func errorsAsBefore() throws {
        let yaml = try String(
            contentsOf: RepositoryFiles.knowledgeDirectory.appendingPathComponent("safety.yaml"), encoding: .utf8)
        // A bad indentation inside the last category.
        var lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let last = try #require(lines.lastIndex { $0.hasPrefix("    patterns:") })
        lines.insert("   broken: [", at: last + 1)
        do {
            _ = try SafetyRules.parse(yaml: lines.joined(separator: "\n"), file: "safety.yaml")
            Issue.record("a broken file must not load")
        } catch let error as KnowledgeError {
            #expect(error.diagnostics.count == 1)
            #expect(error.diagnostics.first?.line != nil)
        }
    }
}
