import Foundation
import Testing
import Yams

@testable import OpenDoorKit

/// The knowledge files are read from libyaml's events; whatever that reader leaves to Yams must read, and fail, as
/// before.
@Suite("Knowledge files read from parser events")
struct YAMLNodeTests {
    /// Every YAML file of the shipped knowledge.
    static let knowledgeFiles: [String] = {
        let folder = Fixtures.knowledgeDirectory
        let intents = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("intents").path)) ?? []
        return ["center.yaml", "vocabulary.yaml", "dialogue.yaml"] + intents.sorted().map { "intents/\($0)" }
    }()

    @Test("the events give the tree Yams composes: texts, lines and block styles", arguments: knowledgeFiles)
    func sameTreeAsYams(_ file: String) throws {
        let text = try String(contentsOf: Fixtures.knowledgeDirectory.appendingPathComponent(file), encoding: .utf8)
        let fromEvents = try #require(YAMLNode.read(text), "the events reader left \(file) to Yams")
        let composed = try #require(try Yams.compose(yaml: text, .basic, .default, .utf8))
        #expect(fromEvents == YAMLNode(composed))
    }

    @Test("quoting, block and flow styles, and odd texts read as Yams reads them")
    func stylesReadAsYams() throws {
        let text = """
            plain: some text
            quoted: "a \\"quoted\\" text: with a colon\\n"
            single: 'it''s'
            empty:
            tilde: ~
            literal: |
              first line {center.name}
              second line
            folded: >-
              one
              two
            flow: [a, "b c", {d: e}]
            nested:
              - - x
                - y
              - key: value
            """
        let fromEvents = try #require(YAMLNode.read(text))
        let composed = try #require(try Yams.compose(yaml: text, .basic, .default, .utf8))
        #expect(fromEvents == YAMLNode(composed))
        let literal = fromEvents.mapping?.first { $0.key.string == "literal" }?.value
        #expect(literal?.isBlockScalar == true)
        #expect(KnowledgeLoader.line(of: "{center.name}", in: literal) == 7)
    }

    @Test(
        "what the events reader leaves to Yams",
        arguments: [
            "", "# only a comment\n", "a: 1\n---\nb: 2\n", "a: &x 1\nb: *x\n", "a: !!str 1\n", "a: 1\na: 2\n",
            "? [a, b]\n: c\n", "a: [b\n",
        ])
    func leftToYams(_ text: String) {
        #expect(YAMLNode.read(text) == nil)
    }

    @Test("anchors and aliases still load: Yams composes the file")
    func aliasesLoad() throws {
        var reader = YAMLReader(file: "x.yaml")
        let read = reader.read("a: &word hello\nb: *word\n")
        let node = try #require(read)
        #expect(node.mapping?.map { $0.value.string } == ["hello", "hello"])
        // An alias is the anchored node itself, with the anchor's line, as Yams composes it.
        #expect(node.mapping?.map { $0.value.line } == [1, 1])
        #expect(reader.diagnostics.isEmpty)
    }

    static func loadError(editing file: String, _ edit: @escaping (String) -> String) throws -> (String, KnowledgeError) {
        let folder = try Fixtures.knowledgeCopy(editing: file, edit)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
        do {
            _ = try Knowledge.load(from: folder)
        } catch {
            return (text, error)
        }
        throw KnowledgeError(diagnostics: [KnowledgeDiagnostic(.error, file: file, "loaded")])
    }

    @Test("a key said twice in an intent is an error at the key's first line")
    func duplicateKey() throws {
        let (text, error) = try Self.loadError(editing: "intents/faq.yaml") {
            $0.replacingOccurrences(
                of: "  - id: faq_rejoin\n", with: "  - id: faq_rejoin\n    label: One\n    label: Two\n")
        }
        let found = try #require(error.diagnostics.first { $0.message.contains("appears twice") })
        #expect(found.severity == .error)
        #expect(found.file.hasSuffix("intents/faq.yaml"))
        #expect(found.message.contains("`label`"))
        #expect(found.line == Fixtures.line(of: "    label: One", in: text))
    }

    @Test("an empty intents file says so")
    func emptyFile() throws {
        let (_, error) = try Self.loadError(editing: "intents/faq.yaml") { _ in "# nothing yet\n" }
        let found = try #require(error.diagnostics.first { $0.message.contains("The file is empty") })
        #expect(found.file.hasSuffix("intents/faq.yaml"))
        #expect(found.line == 1)
    }

    @Test("a second document in a file is an error at its line")
    func secondDocument() throws {
        let (text, error) = try Self.loadError(editing: "dialogue.yaml") { $0 + "---\nmore: text\n" }
        let found = try #require(error.diagnostics.first { $0.message.contains("not valid YAML") })
        #expect(found.file.hasSuffix("dialogue.yaml"))
        #expect(found.message.contains("another document"))
        #expect(found.line == Fixtures.line(of: "more: text", in: text).map { $0 - 1 })
    }

    @Test("an intents file that uses an alias loads as if written out")
    func aliasInKnowledge() throws {
        let folder = try Fixtures.knowledgeCopy(editing: "intents/faq.yaml") {
            $0.replacingOccurrences(
                of: "    heading: Can I rejoin IOP after ghosting or dropping out?\n",
                with: "    heading: &title Can I rejoin IOP after ghosting or dropping out?\n    note: *title\n")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let knowledge = try Knowledge.load(from: folder)
        let intent = try #require(knowledge.intents.first { $0.id.rawValue == "faq_rejoin" })
        #expect(intent.note == "Can I rejoin IOP after ghosting or dropping out?")
        #expect(intent.heading == intent.note)
        #expect(intent.examples == Fixtures.knowledge.intents.first { $0.id.rawValue == "faq_rejoin" }?.examples)
    }
}
