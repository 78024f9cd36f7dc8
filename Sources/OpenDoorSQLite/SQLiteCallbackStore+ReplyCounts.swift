import Foundation
import GRDB
import OpenDoorKit

extension SQLiteCallbackStore: ReplyCountStore {
    /// Adds the `reply_count` table: one row per day, intent and fallback topic, with how many replies were
    /// given. Counts only, never a message, like `crisis_count`.
    static func registerReplyCounts(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("reply_counts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reply_count (
                        day TEXT NOT NULL,
                        intent TEXT NOT NULL,
                        topic TEXT NOT NULL DEFAULT '',
                        count INTEGER NOT NULL,
                        PRIMARY KEY (day, intent, topic)
                    ) WITHOUT ROWID;
                    """
            )
        }
    }

    public func addReplyCounts(_ counts: [ReplyCount]) async throws {
        try await addCounts(
            counts.map { [$0.day, $0.intent, $0.topic, $0.count] },
            sql: """
                INSERT INTO reply_count (day, intent, topic, count) VALUES (?, ?, ?, ?)
                ON CONFLICT (day, intent, topic) DO UPDATE SET count = count + excluded.count
                """)
    }

    public func replyCounts(since day: String) async throws -> [ReplyCount] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT day, intent, topic, count FROM reply_count WHERE day >= ? ORDER BY day, intent, topic",
                    arguments: [day]
                ).map { row in
                    ReplyCount(day: row["day"], intent: row["intent"], topic: row["topic"], count: row["count"])
                }
            }
        } catch {
            throw Self.storeError(error, during: .read, path: path, directory: directory, busyTimeout: .seconds(5))
        }
    }
}
