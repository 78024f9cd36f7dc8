import Foundation
import Testing

@testable import OpenDoorKit

/// What a center's editor reads when the knowledge is wrong: the real path, the root cause only, and
/// the same verdict from loading as from lint.
@Suite("Knowledge diagnostics")
struct KnowledgeDiagnosticsTests {
    static func load(editing file: String, _ edit: @escaping (String) -> String) throws -> (URL, KnowledgeError?) {
        let folder = try Fixtures.knowledgeCopy(editing: file, edit)
        do {
            _ = try Knowledge.load(from: folder)
            return (folder, nil)
        } catch {
            return (folder, error)
        }
    }

    @Test("a broken center.yaml is one error, not one per answer that names a center fact")
    func brokenCenterIsOneError() throws {
        let (folder, error) = try Self.load(editing: "center.yaml") { $0 + "bad: [unclosed\n" }
        defer { try? FileManager.default.removeItem(at: folder) }
        let errors = try #require(error).diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.file == folder.appendingPathComponent("center.yaml").standardizedFileURL.path)
        #expect(errors.first?.message.contains("not valid YAML") == true)
    }

    @Test("a broken intents file is its own error only, not “not an intent” wherever its intents are named")
    func brokenIntentsFileIsOneError() throws {
        let (folder, error) = try Self.load(editing: "intents/faq.yaml") { $0 + "  - [broken\n" }
        defer { try? FileManager.default.removeItem(at: folder) }
        let errors = try #require(error).diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.file.hasSuffix("intents/faq.yaml") == true)
    }

    @Test("a center fact missing from a good center.yaml is still reported where it is used")
    func missingFactStillReported() throws {
        let (folder, error) = try Self.load(editing: "intents/faq.yaml") {
            $0.replacingOccurrences(of: "{center.name}", with: "{center.nickname}")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try #require(error).diagnostics.contains { $0.message.contains("{center.nickname}") })
    }

    @Test("an intent with too few examples (or none) is refused at load, with its file and line, as lint refuses it")
    func tooFewExamplesRefusedAtLoad() throws {
        let (folder, error) = try Self.load(editing: "intents/assistant.yaml") { text in
            // The first intent's examples become an empty list.
            guard let start = text.range(of: "    examples:") else { return text }
            let rest = text[start.upperBound...]
            let end = rest.range(of: "\n  - id:")?.lowerBound ?? text.endIndex
            return String(text[..<start.lowerBound]) + "    examples: []" + String(text[end...])
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let found = try #require(error).diagnostics.first { $0.message.contains("has 0 examples") }
        #expect(found?.severity == .error)
        #expect(found?.line != nil)
        #expect(found?.file.hasSuffix("intents/assistant.yaml") == true)
    }

    @Test("the server's sentences are the knowledge's: each is required, and `{limit}` is checked")
    func serverSentences() throws {
        let (missing, missingError) = try Self.load(editing: "dialogue.yaml") { text in
            text.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("  chat_full:") }.joined(separator: "\n")
        }
        defer { try? FileManager.default.removeItem(at: missing) }
        #expect(try #require(missingError).diagnostics.contains { $0.message.contains("chat_full") })

        let (misplaced, misplacedError) = try Self.load(editing: "dialogue.yaml") {
            $0.replacingOccurrences(of: "  too_fast: You’re sending", with: "  too_fast: You’re sending {limit}")
        }
        defer { try? FileManager.default.removeItem(at: misplaced) }
        let error = try #require(misplacedError).diagnostics.first { $0.message.contains("`{limit}`") }
        #expect(error?.severity == .error)
        #expect(error?.line != nil)

        let shipped = try Fixtures.knowledgeCopy(editing: "center.yaml") { $0 }
        defer { try? FileManager.default.removeItem(at: shipped) }
        let knowledge = try Knowledge.load(from: shipped)
        #expect(knowledge.dialogue[.chatFull].contains(knowledge.center.phone))
        #expect(knowledge.dialogue[.lineTooLong].contains("{limit}"))
    }

    @Test("a file inside the current folder is shown relative to it")
    func pathRelativeToCurrentFolder() throws {
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL
        let knowledge = Fixtures.knowledgeDirectory.standardizedFileURL
        guard knowledge.path.hasPrefix(current.path + "/") else { return }  // run from elsewhere
        let knowledgeFile = try Knowledge.load(from: knowledge).intents[0].location.file
        #expect(!knowledgeFile.hasPrefix("/"), "\(knowledgeFile)")
        #expect(knowledgeFile.hasPrefix(String(knowledge.path.dropFirst(current.path.count + 1))))
    }
}
