import Foundation
import Logging
import OpenDoorKit
import PostgresNIO

/// Replies per day by intent and fallback topic, crisis replies and check-ins per day by category and level:
/// counts only, never a message, shared by every server on the database (the staff console's counts page,
/// `opendoor crisis-counts`).
///
/// Counting a reply or a crisis never waits on the database: it is kept in memory and written within
/// ``Configuration/countWriteInterval``, with everything else counted meanwhile, in one statement; before a
/// read through this store; and on ``close()``. Servers add to the same rows (`ON CONFLICT … DO UPDATE SET
/// count = count + EXCLUDED.count`), so two servers counting the same day add up. While the database can't be
/// reached the counts wait in memory (a few rows a day, however busy) and go with the first write once it
/// can; only counts still unwritten when the store closes are lost, and that is logged with how many.
extension PostgresCallbackStore: ReplyCounting, ReplyCountStore, CrisisCountStore, CrisisCounting {
    /// The count tables; appended to ``migrations``.
    ///
    /// `source` is empty for what servers counted, and names the store a copy came from for what
    /// ``copy(_:counts:)`` brought: copying again replaces that source's rows instead of adding them twice.
    /// `opendoor_count_batch` holds the key of each recent write, so a write retried after its commit was
    /// acknowledged on a connection that then died adds nothing twice; keys older than a day are deleted.
    static let countMigrations: [Migration] = [
        Migration(
            identifier: "counts",
            statements: [
                """
                CREATE TABLE reply_count (
                    day TEXT NOT NULL,
                    intent TEXT NOT NULL,
                    topic TEXT NOT NULL DEFAULT '',
                    source TEXT NOT NULL DEFAULT '',
                    count BIGINT NOT NULL,
                    PRIMARY KEY (day, intent, topic, source)
                )
                """,
                """
                CREATE TABLE crisis_count (
                    day TEXT NOT NULL,
                    category TEXT NOT NULL,
                    level TEXT NOT NULL CHECK (level IN ('crisis', 'check')),
                    source TEXT NOT NULL DEFAULT '',
                    count BIGINT NOT NULL,
                    PRIMARY KEY (day, category, level, source)
                )
                """,
                """
                CREATE TABLE opendoor_count_batch (
                    batch_key UUID PRIMARY KEY,
                    written_ms BIGINT NOT NULL
                )
                """,
                "CREATE INDEX opendoor_count_batch_on_written ON opendoor_count_batch (written_ms)",
            ]
        )
    ]

    /// Counts one reply, in memory; see the extension's summary for when it is written.
    public nonisolated func countReply(intent: IntentID, topic: IntentID?) {
        pending.replies.note(intent: intent, topic: topic)
        scheduleCountWrite()
    }

    /// Counts one crisis reply or check-in, in memory, and returns at once: the reply it counts never waits on
    /// the database. Written as ``countReply(intent:topic:)``'s counts are.
    public nonisolated func countCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) {
        pending.crises.note(category, level: level, day: day)
        scheduleCountWrite()
    }

    /// As ``countCrisis(_:level:day:)``: returns at once, and the count is written with the others.
    public func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) async throws {
        countCrisis(category, level: level, day: day)
    }

    /// Writes every count taken so far (replies and crises), after any write already under way; see
    /// ``CrisisCounting/flushCounts()``.
    @discardableResult
    public func flushCounts() async -> Bool {
        await writeCounts()
    }

    /// Adds `counts` at once, in one statement (same day, intent and topic add up).
    public func addReplyCounts(_ counts: [ReplyCount]) async throws {
        try checkOpen()
        try await write(PendingCounts.Counts(replies: counts), batch: UUID(), quietly: false)
    }

    /// Every count on or after `day`, every server's and every copy's added up, this store's own unwritten
    /// counts written first.
    ///
    /// Reads and writes of counts take their connection through ``withOpenConnection(_:_:)``, as saves do: handed a
    /// connection PostgreSQL has just ended, a query was written to it and never answered, and the try waited out
    /// the retry's attempt bound (or, with none, the whole window) before another connection was tried.
    public func replyCounts(since first: String) async throws -> [ReplyCount] {
        try checkOpen()
        await writeCounts(evenIfAway: true)
        let client = client
        return try await perform(.read, event: "Could not read reply counts") {
            var counts: [ReplyCount] = []
            let rows = try await Self.rows(
                """
                SELECT day, intent, topic, SUM(count)::BIGINT FROM reply_count WHERE day >= \(first)
                GROUP BY day, intent, topic ORDER BY day, intent, topic
                """, client: client)
            for (day, intent, topic, count) in try rows.map({ try $0.decode((String, String, String, Int64).self) }) {
                counts.append(ReplyCount(day: day, intent: intent, topic: topic, count: Int(count)))
            }
            return counts
        }
    }

    /// Every count on or after `day`, as ``replyCounts(since:)``; rows of a category or level this version
    /// doesn't know are left out.
    public func crisisCounts(since first: String) async throws -> [CrisisCount] {
        try checkOpen()
        await writeCounts(evenIfAway: true)
        let client = client
        return try await perform(.read, event: "Could not read crisis counts") {
            var counts: [CrisisCount] = []
            let rows = try await Self.rows(
                """
                SELECT day, category, level, SUM(count)::BIGINT FROM crisis_count WHERE day >= \(first)
                GROUP BY day, category, level ORDER BY day, category, level
                """, client: client)
            for (day, category, level, count) in try rows.map({ try $0.decode((String, String, String, Int64).self) }) {
                guard let category = CrisisCategory(rawValue: category), let level = SafetyLevel(rawValue: level)
                else { continue }
                counts.append(CrisisCount(day: day, category: category, level: level, count: Int(count)))
            }
            return counts
        }
    }

    /// The rows `query` reads, on an open connection of the pool (see ``withOpenConnection(_:_:)``).
    private static func rows(_ query: PostgresQuery, client: PostgresClient) async throws -> [PostgresRow] {
        try await withOpenConnection(client) { try await $0.query(query, logger: silent).collect() }
    }

    /// Writes every count taken so far, after any write already under way. False when they could not be written
    /// (they wait for the next write). While the database is known to be away, the store's own probe asks
    /// whether it is back and only a read (`evenIfAway`), which waits out the retry window anyway, tries.
    @discardableResult
    func writeCounts(evenIfAway: Bool = false) async -> Bool {
        let previous = countWrite
        let current = Task {
            _ = await previous?.value
            return await self.writePending(evenIfAway: evenIfAway)
        }
        countWrite = current
        return await current.value
    }

    /// Makes sure a write of the counts taken is coming, within ``Configuration/countWriteInterval``.
    nonisolated func scheduleCountWrite() {
        guard !countWriteScheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let pause = configuration.countWriteInterval
        Task {
            try? await Task.sleep(for: pause)
            await self.scheduledCountWrite()
        }
    }

    private func scheduledCountWrite() async {
        countWriteScheduled.store(false, ordering: .releasing)
        guard !isClosed else { return }
        // Not written: try again after the next pause, even if nothing more is counted meanwhile.
        let written = await writeCounts()
        if !written && !isClosed { scheduleCountWrite() }
    }

    /// Writes what is pending; on failure puts it back and says so once, until a write succeeds again.
    private func writePending(evenIfAway: Bool) async -> Bool {
        let counts = pending.drain()
        pending.crises.logDropped(logger)
        guard !counts.isEmpty else { return true }
        do {
            guard evenIfAway || acceptsRequests else { throw CallbackStoreError.closed() }
            try checkOpen()
            try await write(counts, batch: UUID(), quietly: true)
            if countsWaiting {
                countsWaiting = false
                logger.notice("Wrote the counts kept while the callback store could not be reached")
            }
            return true
        } catch {
            pending.restore(counts)
            if !countsWaiting {
                countsWaiting = true
                logger.warning(
                    "Reply and crisis counts can't be written for now; they are kept in memory until they can",
                    metadata: ["counts": "\(counts.summary)"])
            }
            return false
        }
    }

    /// Writes the counts taken and not yet written before the store closes; logs how many are lost when they
    /// can't be.
    func writeCountsBeforeClosing() async {
        guard !(await writeCounts()) else { return }
        let lost = pending.drain()
        pending.crises.logDropped(logger)
        guard !lost.isEmpty else { return }
        logger.error(
            "Closed with counts that could not be written; they are lost (never a reply or a request)",
            metadata: ["counts": "\(lost.summary)"])
    }

    /// Adds counts at once under the batch key `batch`, as a write of counted replies and crises does (tests
    /// write the same batch twice to see it counted once).
    package func addCounts(replies: [ReplyCount], crises: [CrisisCount], batch: UUID) async throws {
        try checkOpen()
        try await write(PendingCounts.Counts(replies: replies, crises: crises), batch: batch, quietly: false)
    }

    /// Adds `counts` in one statement under one batch key, drawn once per write and kept across its retries: a
    /// retry after a lost connection finds its key and adds nothing twice.
    private func write(_ counts: PendingCounts.Counts, batch: UUID, quietly: Bool) async throws {
        let counts = counts.merged
        guard !counts.isEmpty else { return }
        let milliseconds = Self.milliseconds(configuration.now())
        let expired = milliseconds - 86_400_000
        let replies = counts.replies
        let crises = counts.crises
        let client = client
        try await perform(.save, event: "Could not write reply and crisis counts", quietly: quietly) {
            _ = try await Self.withOpenConnection(client) { try await $0.query(
                """
                WITH batch AS (
                    INSERT INTO opendoor_count_batch (batch_key, written_ms) VALUES (\(batch), \(milliseconds))
                    ON CONFLICT (batch_key) DO NOTHING RETURNING batch_key
                ), expired AS (
                    DELETE FROM opendoor_count_batch WHERE written_ms < \(expired)
                ), replies AS (
                    INSERT INTO reply_count AS kept (day, intent, topic, count)
                    SELECT day, intent, topic, count
                    FROM unnest(\(replies.map(\.day))::TEXT[], \(replies.map(\.intent))::TEXT[],
                        \(replies.map(\.topic))::TEXT[], \(replies.map { Int64($0.count) })::BIGINT[])
                        AS added (day, intent, topic, count)
                    WHERE EXISTS (SELECT 1 FROM batch)
                    ON CONFLICT (day, intent, topic, source) DO UPDATE SET count = kept.count + EXCLUDED.count
                )
                INSERT INTO crisis_count AS kept (day, category, level, count)
                SELECT day, category, level, count
                FROM unnest(\(crises.map(\.day))::TEXT[], \(crises.map(\.category.rawValue))::TEXT[],
                    \(crises.map(\.level.rawValue))::TEXT[], \(crises.map { Int64($0.count) })::BIGINT[])
                    AS added (day, category, level, count)
                WHERE EXISTS (SELECT 1 FROM batch)
                ON CONFLICT (day, category, level, source) DO UPDATE SET count = kept.count + EXCLUDED.count
                """,
                logger: Self.silent
            ).collect() }
        }
    }

    /// Replaces the counts an earlier copy from `source` brought with `counts` (see ``copy(_:counts:)``), on
    /// `connection`, inside the copy's transaction.
    static func replaceCopiedCounts(
        _ counts: PendingCounts.Counts, from source: String, on connection: PostgresConnection
    ) async throws {
        let counts = counts.merged
        let replies = counts.replies
        let crises = counts.crises
        let quiet = silent
        // Separate statements: in one, the deletes and the inserts would see the same snapshot, in no set order.
        try await connection.query("DELETE FROM reply_count WHERE source = \(source)", logger: quiet)
        try await connection.query("DELETE FROM crisis_count WHERE source = \(source)", logger: quiet)
        try await connection.query(
            """
            INSERT INTO reply_count (day, intent, topic, source, count)
            SELECT day, intent, topic, \(source), count
            FROM unnest(\(replies.map(\.day))::TEXT[], \(replies.map(\.intent))::TEXT[],
                \(replies.map(\.topic))::TEXT[], \(replies.map { Int64($0.count) })::BIGINT[])
                AS added (day, intent, topic, count)
            """,
            logger: quiet
        )
        try await connection.query(
            """
            INSERT INTO crisis_count (day, category, level, source, count)
            SELECT day, category, level, \(source), count
            FROM unnest(\(crises.map(\.day))::TEXT[], \(crises.map(\.category.rawValue))::TEXT[],
                \(crises.map(\.level.rawValue))::TEXT[], \(crises.map { Int64($0.count) })::BIGINT[])
                AS added (day, category, level, count)
            """,
            logger: quiet
        )
    }
}
