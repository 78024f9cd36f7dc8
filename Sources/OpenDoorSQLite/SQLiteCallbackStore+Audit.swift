import Foundation
import GRDB
import OpenDoorKit

extension SQLiteCallbackStore: CallbackAuditStore {
    /// Adds the `callback_status_change` table: one row per status change made in the staff console, with the
    /// request's reference code, the staff account, the time and both statuses. No name, no phone number; rows
    /// stay when a purge deletes their request, so the audit outlives the data it speaks of.
    static func registerAudit(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("status_audit") { db in
            try db.execute(
                sql: """
                    CREATE TABLE callback_status_change (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        reference TEXT NOT NULL,
                        staff TEXT NOT NULL,
                        from_status TEXT NOT NULL,
                        to_status TEXT NOT NULL,
                        at_ms INTEGER NOT NULL
                    );
                    CREATE INDEX callback_status_change_on_reference ON callback_status_change(reference);
                    """
            )
        }
    }

    public func mark(reference: String, as status: CallbackStatus, by staff: String) async throws -> CallbackRequest? {
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        let milliseconds = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        do {
            // The staff console logs the change (reference, status, who); the store only keeps it.
            return try await pool.write { db -> CallbackRequest? in
                guard let before = try Self.fetch(reference: reference, in: db) else { return nil }
                guard before.status != status else { return before }
                try db.execute(
                    sql: "UPDATE callback_request SET status = ? WHERE reference = ?",
                    arguments: [status.rawValue, reference]
                )
                try db.execute(
                    sql: """
                        INSERT INTO callback_status_change (reference, staff, from_status, to_status, at_ms)
                        VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [reference, staff, before.status.rawValue, status.rawValue, milliseconds]
                )
                return try Self.fetch(reference: reference, in: db)
            }
        } catch {
            throw Self.storeError(error, during: .save, path: path, directory: directory, busyTimeout: .seconds(5))
        }
    }

    public func statusChanges(limit: Int) async throws -> [CallbackStatusChange] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT reference, staff, from_status, to_status, at_ms FROM callback_status_change
                        ORDER BY at_ms DESC, id DESC LIMIT ?
                        """,
                    arguments: [limit]
                ).compactMap(Self.statusChange)
            }
        } catch {
            throw Self.storeError(error, during: .read, path: path, directory: directory, busyTimeout: .seconds(5))
        }
    }

    public func statusChanges(after cursor: StatusChangeCursor?, limit: Int) async throws -> StatusChangePage {
        let limit = max(1, limit)
        let after = cursor?.id ?? Int64.min
        do {
            return try await pool.read { db in
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, reference, staff, from_status, to_status, at_ms FROM callback_status_change
                        WHERE id > ? ORDER BY id LIMIT ?
                        """,
                    arguments: [after, limit])
                let changes = rows.compactMap(Self.statusChange)
                let next = rows.last.map { StatusChangeCursor(id: $0["id"]) }
                return StatusChangePage(changes: changes, next: rows.count < limit ? nil : next)
            }
        } catch {
            throw Self.storeError(error, during: .read, path: path, directory: directory, busyTimeout: .seconds(5))
        }
    }

    /// An audit row as a change; nil when a status in it is not one this version knows.
    private static func statusChange(_ row: Row) -> CallbackStatusChange? {
        guard let from = CallbackStatus(rawValue: row["from_status"]), let to = CallbackStatus(rawValue: row["to_status"])
        else { return nil }
        return CallbackStatusChange(
            reference: row["reference"], from: from, to: to, staff: row["staff"], at: date(milliseconds: row["at_ms"]))
    }
}
