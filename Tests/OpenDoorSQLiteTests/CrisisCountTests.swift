import Foundation
import GRDB
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

    @Test("A conversation counts its crisis replies in the store it saves callbacks to, without waiting for the write")
    func conversationCounts() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = ReopeningCallbackStore.Configuration()
            // Never written by the timer during the test: only by the flush, the read and the close.
            configuration.crisisCountInterval = .seconds(3600)
            let store = ReopeningCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
            var conversation = try assistant().makeConversation(channel: .web)
            _ = conversation.start()
            guard case .replied(let reply)? = conversation.respondAtOnce(to: "i want to kill myself", store: store)
            else {
                Issue.record("a crisis reply waited for something")
                return
            }
            #expect(reply.crisis)
            let today = CrisisCount.day(of: Date())
            // Read through another connection: nothing is written until the flush.
            let reader = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            #expect(try await reader.crisisCounts(since: today).isEmpty)
            #expect(await store.flushCounts())
            #expect(
                try await reader.crisisCounts(since: today) == [
                    CrisisCount(day: today, category: .suicide, level: .crisis, count: 1)
                ])
            // Counted in memory, then written when the store closes.
            var other = try assistant().makeConversation(channel: .web)
            _ = await other.respond(to: "i took all my pills", store: store)
            try await store.close()
            #expect(try await reader.crisisCounts(since: today).map(\.count).reduce(0, +) == 2)
            try await reader.close()
        }
    }

    @Test("Crisis counts wait in memory while the store can't be written, and are written once it can")
    func countsWaitForTheStore() async throws {
        try await withTemporaryDirectory { directory in
            let logs = CapturedLogs()
            var configuration = ReopeningCallbackStore.Configuration()
            configuration.crisisCountInterval = .seconds(3600)
            configuration.store.busyTimeout = .milliseconds(50)
            let store = ReopeningCallbackStore(directory: directory, configuration: configuration, logger: logs.logger)
            let today = CrisisCount.day(of: Date())
            // Another connection holds the write lock, so the store's writes fail (locked) until it lets go.
            var rawConfiguration = GRDB.Configuration()
            rawConfiguration.allowsUnsafeTransactions = true
            let path = directory.appendingPathComponent("callbacks.sqlite").path
            let other = try DatabaseQueue(path: path, configuration: rawConfiguration)
            try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE TRANSACTION") }
            store.countCrisis(.overdose, level: .check, day: today)
            #expect(!(await store.flushCounts()))
            #expect(logs.all.joined().contains("kept in memory until they can"))
            try await other.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
            try other.close()
            #expect(await store.flushCounts())
            #expect(
                try await store.crisisCounts(since: today) == [
                    CrisisCount(day: today, category: .overdose, level: .check, count: 1)
                ])
            try await store.close()
            #expect(!logs.all.joined().contains("overdose"), "counts only, never what was counted")
        }
    }

    private func assistant() throws -> Assistant {
        let knowledge = try Knowledge.load(from: knowledgeDirectory)
        let rules = try SafetyRules.load(from: knowledgeDirectory.appendingPathComponent("safety.yaml"))
        return Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
    }

    private var knowledgeDirectory: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Knowledge", isDirectory: true)
    }
}
