import Foundation
import Logging
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorPostgres
import OpenDoorTestSupport
import PostgresNIO
import Testing

/// Reply and crisis counts in a PostgreSQL store several servers share: they add up, are written once, survive
/// an outage, and are read by the staff commands.
@Suite("PostgreSQL reply and crisis counts")
struct CountTests {
    static let day = "2026-12-05"

    static func open(_ url: String, logger: Logger = quietLogger) async throws -> PostgresCallbackStore {
        try await PostgresCallbackStore.open(url, configuration: .forTests, logger: logger)
    }

    /// A store that gives up on an unreachable database after `window`, logging into `logs`.
    static func openBriefly(_ url: String, window: Duration, logs: CapturedLogs) async throws -> PostgresCallbackStore {
        var configuration = PostgresCallbackStore.Configuration()
        configuration.retry = RetryPolicy(window: window)
        return try await PostgresCallbackStore.open(url, configuration: configuration.patientToOpen, logger: logs.logger)
    }

    @Test(
        "two servers counting the same day add up, without deadlocking: replies, fallback topics and crises",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func twoServersAddUp() async throws {
        try await withTestDatabase { url in
            let first = try await Self.open(url)
            let second = try await Self.open(url)
            let today = CrisisCount.day(of: Date())
            // Both at once, each with many writes of the same rows: the conflicts must add, not overwrite.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in [first, second] {
                    group.addTask {
                        for _ in 0..<25 {
                            try await store.addReplyCounts([
                                ReplyCount(day: Self.day, intent: "faq_relapse", count: 2),
                                ReplyCount(day: Self.day, intent: "fallback", topic: "insurance", count: 1),
                            ])
                        }
                    }
                    group.addTask {
                        for _ in 0..<10 {
                            store.countReply(intent: IntentID(rawValue: "hours"), topic: nil)
                            try await store.recordCrisis(.suicide, level: .check, day: Self.day)
                        }
                        try await store.recordCrisis(.overdose, level: .crisis, day: Self.day)
                    }
                }
                try await group.waitForAll()
            }
            try await first.close()
            try await second.close()

            let reader = try await Self.open(url)
            let replies = try await reader.replyCounts(since: Self.day)
            let crises = try await reader.crisisCounts(since: Self.day)
            try await reader.close()
            #expect(replies.contains(ReplyCount(day: Self.day, intent: "faq_relapse", count: 100)), "\(replies)")
            #expect(replies.contains(ReplyCount(day: Self.day, intent: "fallback", topic: "insurance", count: 50)))
            #expect(replies.contains(ReplyCount(day: today, intent: "hours", count: 20)), "\(replies)")
            #expect(
                crises == [
                    CrisisCount(day: Self.day, category: .overdose, level: .crisis, count: 2),
                    CrisisCount(day: Self.day, category: .suicide, level: .check, count: 20),
                ], "\(crises)")
            // Each write takes its rows in one order: in a dictionary's order, two writes of the same rows deadlocked
            // (one run in three) and PostgreSQL broke one after a second.
            #expect(try await Self.deadlocks(url) == 0)
        }
    }

    /// The deadlocks PostgreSQL broke in the database at `url`, read once every other connection to it has ended
    /// (a server process reports its deadlocks by the time it exits).
    static func deadlocks(_ url: String) async throws -> Int {
        try await withConnection(url) { connection in
            let others = """
                SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                """
            // A hang guard, not a wait: the closed stores' server processes end within milliseconds.
            let giveUp = ContinuousClock.now + .seconds(120)
            while try await Self.number(others, on: connection) > 0 {
                try #require(ContinuousClock.now < giveUp, "the closed stores' connections never ended")
                try await Task.sleep(for: .milliseconds(20))
            }
            return try await Self.number(
                "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()", on: connection)
        }
    }

    private static func number(_ sql: String, on connection: PostgresConnection) async throws -> Int {
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quietLogger)
            .decode(Int64.self)
        {
            return Int(value)
        }
        return 0
    }

    @Test(
        "a write retried after its commit adds nothing twice; counts are read back oldest day first",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func retriedWriteCountsOnce() async throws {
        try await withTestDatabase { url in
            let store = try await Self.open(url)
            let batch = UUID()
            let replies = [
                ReplyCount(day: "2026-12-04", intent: "hours", count: 3),
                ReplyCount(day: "2026-12-03", intent: "hours", count: 1),
                ReplyCount(day: "2026-12-04", intent: "hours", count: 2),
            ]
            let crises = [CrisisCount(day: "2026-12-04", category: .selfHarm, level: .crisis, count: 1)]
            try await store.addCounts(replies: replies, crises: crises, batch: batch)
            try await store.addCounts(replies: replies, crises: crises, batch: batch)
            #expect(
                try await store.replyCounts(since: "2026-12-01") == [
                    ReplyCount(day: "2026-12-03", intent: "hours", count: 1),
                    ReplyCount(day: "2026-12-04", intent: "hours", count: 5),
                ])
            #expect(try await store.replyCounts(since: "2026-12-04").map(\.count) == [5])
            #expect(try await store.crisisCounts(since: "2026-12-01") == crises)
            try await store.close()
        }
    }

    @Test(
        "counted while PostgreSQL is down: nothing waits or fails, and the counts are written once it is back",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func countsSurviveAnOutage() async throws {
        try await PrivatePostgres.with { server in
            let logs = CapturedLogs()
            // The window the read during the outage waits out (twice: the counts' write, then the read); the reads
            // after it must succeed within it on a starved machine too, where 3 s was not a margin.
            let store = try await Self.openBriefly(server.url, window: .seconds(10), logs: logs)
            try await server.run("pause")
            // The database is away and the store doesn't know yet: counting still returns at once.
            store.countReply(intent: .fallback, topic: IntentID(rawValue: "cost"))
            try await store.recordCrisis(.suicide, level: .crisis, day: Self.day)
            await #expect(throws: CallbackStoreError.self) { try await store.crisisCounts(since: Self.day) }
            #expect(!store.acceptsRequests)
            store.countReply(intent: .fallback, topic: IntentID(rawValue: "cost"))

            try await server.run("resume")
            try await store.waitUntilAccepting()
            let crises = try await store.crisisCounts(since: Self.day)
            #expect(crises == [CrisisCount(day: Self.day, category: .suicide, level: .crisis, count: 1)])
            let replies = try await store.replyCounts(since: Self.day)
            #expect(replies.map(\.count).reduce(0, +) == 2 && replies.allSatisfy { $0.topic == "cost" }, "\(replies)")
            try await store.close()
            let text = logs.all.joined(separator: "\n")
            #expect(text.contains("kept in memory until they can"), "\(text)")
            #expect(!text.contains("they are lost"), "\(text)")
        }
    }

    @Test(
        "a store closed while PostgreSQL is down says how many counts it could not write",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func countsLostOnCloseAreLogged() async throws {
        try await PrivatePostgres.with { server in
            let logs = CapturedLogs()
            let store = try await Self.openBriefly(server.url, window: .seconds(1), logs: logs)
            try await server.run("pause")
            try await store.recordCrisis(.overdose, level: .check, day: Self.day)
            try await store.close()
            let text = logs.all.joined(separator: "\n")
            #expect(text.contains("they are lost") && text.contains("1 crisis replies"), "\(text)")
        }
    }

    @Test(
        "a count read whose connection PostgreSQL ends mid-query answers on another, never hanging on a closed one",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func countReadSurvivesTerminatedConnections() async throws {
        try await withTestDatabase { url in
            let store = try await Self.open(url)
            try await store.addReplyCounts([ReplyCount(day: Self.day, intent: "hours", count: 4)])
            // The read waits behind a lock this connection holds; then every connection of the store is ended, the
            // waiting one and those idle in its pool (which the retry may be handed next), and the lock let go.
            let read = try await withConnection(url) { connection in
                _ = try await connection.query("BEGIN", logger: quietLogger)
                _ = try await connection.query("LOCK TABLE reply_count IN ACCESS EXCLUSIVE MODE", logger: quietLogger)
                let read = Task { try await store.replyCounts(since: Self.day) }
                try await waitForLockWait(on: connection, of: "the count read")
                _ = try await connection.query(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                    """, logger: quietLogger)
                _ = try await connection.query("ROLLBACK", logger: quietLogger)
                return read
            }
            // Under the store's attempt bound (20 s in tests): a try lost on a closed connection would wait it out.
            let counts = try await RetryPolicy.withTimeout(.seconds(15)) { try await read.value }
            #expect(counts == [ReplyCount(day: Self.day, intent: "hours", count: 4)], "\(counts)")
            try await store.close()
        }
    }

    @Test(
        "a conversation through the metrics wrapper counts its replies and crises in PostgreSQL",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func conversationCountsThroughTheWrapper() async throws {
        try await withTestDatabase { url in
            let postgres = try await Self.open(url)
            let store = ObservedCallbackStore(postgres)
            var conversation = ShippedKnowledge.assistant.makeConversation(channel: .socket)
            _ = await conversation.respond(to: "what are your hours", store: store)
            _ = await conversation.respond(to: "i want to kill myself", store: store)
            let today = CrisisCount.day(of: Date())
            let replies = try await store.replyCounts(since: today)
            #expect(replies.map(\.count).reduce(0, +) == 2, "\(replies)")
            #expect(try await store.crisisCounts(since: today).map(\.count) == [1])
            try await store.close()
        }
    }
}
