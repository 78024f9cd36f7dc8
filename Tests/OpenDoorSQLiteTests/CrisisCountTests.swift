import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import OpenDoorSQLite
import Testing

@Suite("Crisis counts in the SQLite store")
struct CrisisCountTests {
    @Test("Counts add up per day, category and level, and survive reopening the store")
    func countsPersist() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            try await store.recordCrisis(.suicide, level: .check, day: "2026-12-04")
            try await store.recordCrisis(.suicide, level: .check, day: "2026-12-05")
            try await store.recordCrisis(.suicide, level: .check, day: "2026-12-05")
            try await store.recordCrisis(.overdose, level: .crisis, day: "2026-12-05")
            try await store.close()

            let reopened = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            let counts = try await reopened.crisisCounts(since: "2026-12-05")
            #expect(
                counts == [
                    CrisisCount(day: "2026-12-05", category: .overdose, level: .crisis, count: 1),
                    CrisisCount(day: "2026-12-05", category: .suicide, level: .check, count: 2),
                ])
            #expect(try await reopened.crisisCounts(since: "2026-12-01").count == 3)
            try await reopened.close()
        }
    }

    @Test("A conversation counts its crisis replies in the store it saves callbacks to")
    func conversationCounts() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            let knowledge = try Knowledge.load(from: knowledgeDirectory)
            let rules = try SafetyRules.load(from: knowledgeDirectory.appendingPathComponent("safety.yaml"))
            let assistant = Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
            var conversation = assistant.makeConversation(channel: .web)
            _ = conversation.start()
            let reply = await conversation.respond(to: "i want to kill myself", store: store)
            #expect(reply.crisis)
            let counts = try await store.crisisCounts(since: CrisisCount.day(of: Date()))
            #expect(counts.map(\.category) == [.suicide] && counts.map(\.count) == [1])
            try await store.close()
        }
    }

    private var knowledgeDirectory: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Knowledge", isDirectory: true)
    }
}
