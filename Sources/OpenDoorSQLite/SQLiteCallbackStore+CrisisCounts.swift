import Foundation
import GRDB
import OpenDoorKit

extension SQLiteCallbackStore: CrisisCountStore {
    /// Adds the `crisis_count` table: one row per day, category and level, with how many replies were given.
    /// Counts only, never a message; the primary key keeps it to a few rows a day.
    static func registerCrisisCounts(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("crisis_counts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE crisis_count (
                        day TEXT NOT NULL,
                        category TEXT NOT NULL,
                        level TEXT NOT NULL CHECK (level IN ('crisis', 'check')),
                        count INTEGER NOT NULL,
                        PRIMARY KEY (day, category, level)
                    ) WITHOUT ROWID;
                    """
            )
        }
    }

    public func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) async throws {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO crisis_count (day, category, level, count) VALUES (?, ?, ?, 1)
                        ON CONFLICT (day, category, level) DO UPDATE SET count = count + 1
                        """,
                    arguments: [day, category.rawValue, level.rawValue])
            }
        } catch {
            throw Self.storeError(error, during: .save, path: path, directory: directory, busyTimeout: .seconds(5))
        }
    }

    /// Adds `counts` in one transaction (one disk sync, however many): what a ``ReopeningCallbackStore``
    /// counted in memory.
    public func addCrisisCounts(_ counts: [CrisisCount]) async throws {
        try await addCounts(
            counts.map { [$0.day, $0.category.rawValue, $0.level.rawValue, $0.count] },
            sql: """
                INSERT INTO crisis_count (day, category, level, count) VALUES (?, ?, ?, ?)
                ON CONFLICT (day, category, level) DO UPDATE SET count = count + excluded.count
                """)
    }

    /// Runs the upsert `sql` once per row of `rows`, all in one transaction (one disk sync): the crisis and reply
    /// counts a ``ReopeningCallbackStore`` kept in memory.
    func addCounts(_ rows: [StatementArguments], sql: String) async throws {
        guard !rows.isEmpty else { return }
        do {
            try await pool.write { db in
                for arguments in rows { try db.execute(sql: sql, arguments: arguments) }
            }
        } catch {
            throw Self.storeError(error, during: .save, path: path, directory: directory, busyTimeout: .seconds(5))
        }
    }

    public func crisisCounts(since day: String) async throws -> [CrisisCount] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT day, category, level, count FROM crisis_count WHERE day >= ? ORDER BY day, category, level",
                    arguments: [day]
                ).compactMap { row in
                    guard let category = CrisisCategory(rawValue: row["category"]),
                        let level = SafetyLevel(rawValue: row["level"])
                    else { return nil }
                    return CrisisCount(day: row["day"], category: category, level: level, count: row["count"])
                }
            }
        } catch {
            throw Self.storeError(error, during: .read, path: path, directory: directory, busyTimeout: .seconds(5))
        }
    }
}
