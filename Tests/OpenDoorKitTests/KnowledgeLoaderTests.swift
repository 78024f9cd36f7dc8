import Foundation
import Testing

@testable import OpenDoorKit

@Suite("Knowledge loader")
struct KnowledgeLoaderTests {
    @Test("The shipped knowledge loads without errors and every answer names its heading")
    func shippedKnowledgeLoads() throws {
        let knowledge = try Knowledge.load(from: Fixtures.knowledgeDirectory)
        #expect(knowledge.intents.count >= 20)
        #expect(knowledge.center.phone == "(470) 284-1834")
        for intent in knowledge.intents {
            #expect(!intent.heading.isEmpty)
            #expect(!intent.answer.contains("{center."), "unfilled fact in \(intent.id)")
            #expect(intent.examples.count >= 12, "\(intent.id) has \(intent.examples.count) examples")
        }
    }

    @Test("The article's headings and answers are the center's words, word for word")
    func articleIsVerbatim() throws {
        let seed = Fixtures.root.deletingLastPathComponent()
            .appendingPathComponent("shared/seeds/000_3ca1e004a1405e5d.txt")
        guard let text = try? String(contentsOf: seed, encoding: .utf8) else { return }  // the seed lives beside the repo
        let knowledge = Fixtures.knowledge
        let approved = knowledge.intents.filter { $0.location.file.hasSuffix("article.yaml") || $0.location.file.hasSuffix("faq.yaml") }
        #expect(approved.count == 15)
        for intent in approved {
            #expect(text.contains(intent.heading), "heading of \(intent.id) is not in the seed")
            for line in intent.answer.split(separator: "\n") {
                #expect(text.contains(line), "\(intent.id): “\(line)” is not in the seed")
            }
        }
        // Every FAQ question and section heading of the seed is in the knowledge.
        for heading in [
            "You’re Not the First Person to Drop Out", "What If They Judge Me for Leaving?",
            "Will I have to start over completely?", "What if I don’t trust that IOP will work for me?",
            "The Door Is Still Open. And So Are We.", "Quick Tips for Re-Entering IOP After Dropping Out",
        ] {
            #expect(approved.contains { $0.heading == heading }, "missing \(heading)")
        }
    }

    struct BadFile: Sendable, CustomStringConvertible {
        var name: String
        var file: String
        var edit: @Sendable (String) -> String
        /// Text on the line the diagnostic must point at.
        var lineText: String
        var message: String
        var description: String { name }
    }

    static let badFiles: [BadFile] = [
        BadFile(
            name: "unknown key", file: "intents/faq.yaml",
            edit: { $0.replacingOccurrences(of: "    heading: Will I have to start over completely?", with: "    heading: Will I have to start over completely?\n    answr: typo") },
            lineText: "answr: typo", message: "Unknown key `answr`"),
        BadFile(
            name: "empty answer", file: "intents/faq.yaml",
            edit: { $0.replacingOccurrences(of: "  - id: faq_start_over\n    heading: Will I have to start over completely?\n    answer: |\n", with: "  - id: faq_start_over\n    heading: Will I have to start over completely?\n    answer: \"\"\n    old: |\n").replacingOccurrences(of: "    old: |\n", with: "    examples_old: |\n") },
            lineText: "answer: \"\"", message: "`answer` is empty"),
        BadFile(
            name: "duplicate id", file: "intents/faq.yaml",
            edit: { $0.replacingOccurrences(of: "  - id: faq_start_over", with: "  - id: faq_rejoin") },
            lineText: "- id: faq_rejoin\n    heading: Will I", message: "is used twice"),
        BadFile(
            name: "the same example under two intents", file: "intents/faq.yaml",
            edit: { $0.replacingOccurrences(of: "      - do i lose my progress\n", with: "      - do i lose my progress\n      - can i rejoin iop\n") },
            lineText: "      - can i rejoin iop\n", message: "is under both"),
        BadFile(
            name: "an undefined center fact", file: "intents/faq.yaml",
            edit: { $0.replacingOccurrences(of: "including ours at {center.name}", with: "including ours at {center.nickname}") },
            lineText: "{center.nickname}", message: "`{center.nickname}` is not defined"),
        BadFile(
            name: "a misspelled placeholder in an answer", file: "intents/faq.yaml",
            edit: { $0.replacingOccurrences(of: "including ours at {center.name}", with: "including ours at {centre.name}") },
            lineText: "{centre.name}", message: "`{centre.name}` is not a placeholder OpenDoor fills"),
        BadFile(
            name: "a placeholder dialogue.yaml doesn't fill", file: "dialogue.yaml",
            edit: { $0.replacingOccurrences(of: "pick_option: Please pick {choices}", with: "pick_option: Please pick {choises}") },
            lineText: "{choises}", message: "`{choises}` is not a placeholder OpenDoor fills"),
        BadFile(
            name: "a YAML syntax error", file: "intents/faq.yaml",
            edit: { $0.replacingOccurrences(of: "      - do i lose my progress\n", with: "      - do i lose my progress\n    - [broken\n") },
            lineText: "[broken", message: "not valid YAML"),
        BadFile(
            name: "an unknown action", file: "intents/assistant.yaml",
            edit: { $0.replacingOccurrences(of: "    action: goodbye", with: "    action: wave") },
            lineText: "action: wave", message: "Unknown action `wave`"),
        BadFile(
            name: "a word in two synonym groups", file: "vocabulary.yaml",
            edit: { $0.replacingOccurrences(of: "  - [kid, kids,", with: "  - [kid, relapsed, kids,") },
            lineText: "[kid, relapsed", message: "already in another synonym group"),
    ]

    @Test("A bad file gets an error that names the file and the line", arguments: badFiles)
    func badFileIsReported(_ bad: BadFile) throws {
        let folder = try Fixtures.knowledgeCopy(editing: bad.file, bad.edit)
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try String(contentsOf: folder.appendingPathComponent(bad.file), encoding: .utf8)
        #expect(text != (try String(contentsOf: Fixtures.knowledgeDirectory.appendingPathComponent(bad.file), encoding: .utf8)), "the edit changed nothing")
        do {
            _ = try Knowledge.load(from: folder)
            Issue.record("a knowledge with \(bad.name) loaded")
        } catch {
            let match = error.diagnostics.first { $0.severity == .error && $0.message.contains(bad.message) }
            #expect(match != nil, "no error saying \(bad.message): \(error.diagnostics)")
            #expect(match?.file == folder.appendingPathComponent(bad.file).standardizedFileURL.path)
            let firstLine = bad.lineText.split(separator: "\n").first.map(String.init) ?? bad.lineText
            let expectedLine = Fixtures.line(of: bad.lineText.contains("\n") ? bad.lineText : firstLine, in: text)
            #expect(match?.line != nil)
            if let expectedLine, let line = match?.line, !bad.lineText.contains("\n") {
                #expect(line == expectedLine, "pointed at line \(line), expected \(expectedLine)")
            }
            #expect(error.description.contains("nothing was loaded"))
        }
    }

    @Test("A folder without center.yaml says what to do")
    func notAKnowledgeFolder() {
        #expect(throws: KnowledgeError.self) {
            _ = try Knowledge.load(from: FileManager.default.temporaryDirectory.appendingPathComponent("none-\(UUID())"))
        }
    }

    @Test("Center facts fill replies, and an unknown fact is named")
    func centerFacts() {
        let facts = CenterFacts(values: ["name": "Oak House", "phone": "(555) 010-0000"])
        #expect(facts.fill("Call {center.name} at {center.phone}.") == "Call Oak House at (555) 010-0000.")
        #expect(facts.render("{center.fax}") == .failure(UndefinedFacts(keys: ["fax"])))
    }
}
