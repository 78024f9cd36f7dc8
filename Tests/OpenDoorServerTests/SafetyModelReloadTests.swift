import Foundation
import Logging
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import ServiceLifecycle
import Testing

/// The learned part of the crisis check is never dropped without a word (QA21 O3): a reload whose knowledge folder
/// lost `safety-model.tsv` is refused (the old knowledge, model included, stays, and the log says what to do), and a
/// server started without a model says at start that the crisis check runs on the rules alone.
@Suite("Safety model on reload and start")
struct SafetyModelReloadTests {
    @Test("a reload after safety-model.tsv went missing is refused; once it is back the reload works")
    func missingModelRefused() async throws {
        let folder = try RepositoryFiles.knowledgeCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("safety-model.tsv")
        let saved = folder.appendingPathComponent("safety-model.tsv.saved")
        try FileManager.default.moveItem(at: model, to: saved)
        #expect(ShippedKnowledge.assistant.safety.usesModel, "the server starts with the shipped model")

        let reload: @Sendable () throws -> Assistant = { try ShippedKnowledge.loadAssistant(from: folder) }
        try await withServer(reloadAssistant: reload) { server in
            await #expect(throws: ChatServerError.safetyModelMissing) { try await server.server.reloadKnowledge() }
            let refused = await server.logs.line(containing: "knowledge reload refused")
            #expect(refused.contains("safety-model.tsv") && refused.contains("rules alone"), "\(refused)")
            #expect(!server.logs.all.contains { $0.contains("knowledge reloaded") })

            // New chats still get the model's crisis check: the refused reload changed nothing.
            let client = try await server.greetedJSONClient()
            #expect(try await client.ask("im going to kill myself tonight").crisis == true)
            await client.close()

            try FileManager.default.moveItem(at: saved, to: model)
            try await server.server.reloadKnowledge()
            _ = await server.logs.line(containing: "knowledge reloaded")
        }
    }

    @Test("a reload of a model cut at a line boundary is refused and the whole model stays (QA22 O3)")
    func truncatedModelRefused() async throws {
        let folder = try RepositoryFiles.knowledgeCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = folder.appendingPathComponent("safety-model.tsv")
        let whole = try Data(contentsOf: model)
        // `head -3000`: whole lines, the end line lost.
        let lines = String(decoding: whole, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        try Data((lines.prefix(3000).joined(separator: "\n") + "\n").utf8).write(to: model)

        let reload: @Sendable () throws -> Assistant = { try ShippedKnowledge.loadAssistant(from: folder) }
        try await withServer(reloadAssistant: reload) { server in
            await #expect(throws: KnowledgeError.self) { try await server.server.reloadKnowledge() }
            let refused = await server.logs.line(containing: "knowledge reload refused")
            #expect(refused.contains("safety-model.tsv") && refused.contains("cut short"), "\(refused)")
            #expect(!server.logs.all.contains { $0.contains("knowledge reloaded") })

            try whole.write(to: model)
            try await server.server.reloadKnowledge()
            let reloaded = await server.logs.line(containing: "knowledge reloaded")
            let count = try #require(ShippedKnowledge.assistant.safety.rules.model?.featureCount)
            #expect(reloaded.contains("safety_features=\(count)"), "\(reloaded)")
        }
    }

    @Test("a server started without a model warns that the crisis check runs on the rules alone; one with it doesn't")
    func startWithoutModelWarns() async throws {
        let folder = try RepositoryFiles.knowledgeCopy()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("safety-model.tsv"))
        let rulesOnly = try ShippedKnowledge.loadAssistant(from: folder)
        #expect(!rulesOnly.safety.usesModel)

        let logs = LogRecorder()
        let server = ChatServer(
            configuration: .forTests, assistant: rulesOnly, store: InMemoryCallbackStore(), logger: logs.logger())
        let group = ServiceGroup(services: [server], logger: logs.logger())
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let warning = await logs.line(containing: "safety model: none")
            #expect(warning.contains("warning") && warning.contains("rules alone"), "\(warning)")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }

        // The shipped knowledge has its model: no such warning.
        try await withServer { server in
            _ = try await server.greetedJSONClient()
            _ = await server.logs.line(containing: "listening")
            #expect(!server.logs.all.contains { $0.contains("safety model: none") })
        }
    }
}
