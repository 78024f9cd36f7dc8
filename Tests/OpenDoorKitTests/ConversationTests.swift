import Foundation
import Logging
import Synchronization
import Testing

@testable import OpenDoorKit
import OpenDoorTestSupport

/// A log handler that keeps every line in memory, to check what logs hold.
final class MemoryLogHandler: LogHandler, @unchecked Sendable {
    static let lines = Mutex<[String]>([])
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let line = "\(event.level) \(event.message) \(merged)"
        Self.lines.withLock { $0.append(line) }
    }
}

@Suite("Conversation")
struct ConversationTests {
    static let assistant: Assistant = {
        do {
            let rules = try SafetyRules.load(from: Fixtures.knowledgeDirectory.appendingPathComponent("safety.yaml"))
            return Assistant(knowledge: Fixtures.knowledge, safety: CrisisDetector(rules: rules))
        } catch {
            fatalError("\(error)")
        }
    }()

    @Test("The shipped conversation tests pass")
    func shippedScripts() async throws {
        let folder = Fixtures.knowledgeDirectory.appendingPathComponent("conversations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        #expect(!files.isEmpty)
        let runner = ConversationTestRunner(assistant: Self.assistant)
        var total = 0
        for file in files {
            let script = try ConversationScript.load(from: folder.appendingPathComponent(file))
            for outcome in await runner.run(script) {
                total += 1
                #expect(outcome.passed, "\(outcome.name): \(outcome.failures)")
            }
        }
        #expect(total >= 8)
    }

    @Test("A failing expectation is reported with its turn")
    func scriptsCanFail() async throws {
        let script = try ConversationScript.parse(
            """
            conversations:
              - name: wrong on purpose
                turns:
                  - say: what if i relapsed
                    expect: {intent: privacy, state: callback_phone, text_contains: [bananas]}
            """, file: "x.yaml")
        let outcome = try #require(await ConversationTestRunner(assistant: Self.assistant).run(script).first)
        #expect(!outcome.passed)
        #expect(outcome.failures.count == 3)
        #expect(outcome.failures[0].contains("turn 1"))
    }

    @Test("The welcome says it is automated and offers starting questions")
    func welcome() {
        var conversation = Self.assistant.makeConversation(channel: .terminal)
        let reply = conversation.start()
        #expect(reply.intent == .welcome)
        #expect(reply.text.contains("automated"))
        #expect(reply.options.count >= 3)
        #expect(!reply.text.lowercased().contains("why did you"))
    }

    @Test("Nothing is stored before the visitor confirms, and the save comes before the reply")
    func saveOnlyOnConfirm() async {
        var conversation = Self.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        for message in ["i want to come back", "yes", "Ana", "470-555-0123", "morning"] {
            guard case .reply = conversation.receive(message) else {
                Issue.record("asked to save before confirmation at “\(message)”")
                return
            }
        }
        guard case .reply(let summary) = conversation.receive("yes") else {
            Issue.record("no summary")
            return
        }
        #expect(summary.state == .callbackConfirm)
        guard case .save(let draft) = conversation.receive("yes") else {
            Issue.record("confirmation did not ask to save")
            return
        }
        #expect(draft.phone.e164 == "+14705550123")
        #expect(draft.name == "Ana")
        #expect(draft.bestTime == .morning)
        #expect(draft.voicemailOK)
    }

    @Test("After a few answers a callback is offered once, never again")
    func offeredOnce() async {
        var conversation = Self.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        let store = InMemoryCallbackStore()
        var offers = 0
        for message in ["what if i relapsed", "will they be mad at me", "will i have to start over", "same group?",
            "do i need to apologize"]
        {
            let reply = await conversation.respond(to: message, store: store)
            if reply.text.contains("Only if you want to") { offers += 1 }
        }
        #expect(offers == 1)
    }

    @Test("Logs hold no message text and no phone numbers")
    func logsArePrivate() async {
        var conversation = Self.assistant.makeConversation(
            channel: .terminal, logger: Logger(label: "privacy-test", factory: { _ in MemoryLogHandler() }))
        _ = conversation.start()
        let store = InMemoryCallbackStore()
        let messages = ["i want to come back", "yes", "Zebulon", "470 555 0177", "evening", "yes",
            // After a crisis reply mid-form a bare "yes" is not taken as safe: the safety question comes first; the
            // second "yes" answers it and goes back to the summary, the third sends the request.
            "i want to kill myself", "yes", "yes", "yes"]
        for message in messages { _ = await conversation.respond(to: message, store: store) }
        let lines = MemoryLogHandler.lines.withLock { $0 }
        #expect(lines.contains { $0.contains("crisis") }, "the crisis event is logged")
        #expect(lines.contains { $0.contains("callback saved") })
        for line in lines {
            #expect(!line.mentionsPhone("4705550177"), "phone in log: \(line)")
            #expect(!line.contains("Zebulon"), "name in log: \(line)")
            #expect(!line.contains("kill myself") && !line.contains("come back"), "message in log: \(line)")
        }
    }
}
