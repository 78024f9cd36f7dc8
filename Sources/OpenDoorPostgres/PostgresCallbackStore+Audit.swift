import Foundation
import Logging
import OpenDoorKit
import PostgresNIO

extension PostgresCallbackStore: CallbackAuditStore {
    /// The staff console's audit: one row per status change, with the request's reference code, the staff
    /// account, the time and both statuses; no name, no phone number. Rows stay when a purge deletes their
    /// request. Appended to ``migrations``.
    static let auditMigrations: [Migration] = [
        Migration(
            identifier: "status_audit",
            statements: [
                """
                CREATE TABLE callback_status_change (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    reference TEXT NOT NULL,
                    staff TEXT NOT NULL,
                    from_status TEXT NOT NULL,
                    to_status TEXT NOT NULL,
                    at_ms BIGINT NOT NULL
                )
                """,
                "CREATE INDEX callback_status_change_on_reference ON callback_status_change (reference)",
            ]
        )
    ]

    public func mark(reference: String, as status: CallbackStatus, by staff: String) async throws -> CallbackRequest? {
        try checkOpen()
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        let client = client
        let quiet = Self.silent
        let milliseconds = Self.milliseconds(Date())
        // One transaction, the row locked while it is read: two staff marking at once are recorded in turn,
        // each with the status the other left. A retry after a lost connection finds the status already
        // set and records nothing twice.
        return try await perform(.save, event: "Could not mark a callback request") {
            try await Self.withOpenTransaction(client) { connection in
                let before = try await Self.requests(
                    from: connection.query(
                        "SELECT \(unescaped: Self.columns) FROM callback_request WHERE reference = \(reference) FOR UPDATE",
                        logger: quiet
                    )
                ).first
                guard let before, before.status != status else { return before }
                let after = try await Self.requests(
                    from: connection.query(
                        """
                        UPDATE callback_request SET status = \(status.rawValue) WHERE reference = \(reference)
                        RETURNING \(unescaped: Self.columns)
                        """,
                        logger: quiet
                    )
                ).first
                try await connection.query(
                    """
                    INSERT INTO callback_status_change (reference, staff, from_status, to_status, at_ms)
                    VALUES (\(reference), \(staff), \(before.status.rawValue), \(status.rawValue), \(milliseconds))
                    """,
                    logger: quiet
                )
                return after
            }
        }
    }

    public func statusChanges(limit: Int) async throws -> [CallbackStatusChange] {
        try checkOpen()
        let client = client
        return try await perform(.read, event: "Could not read the status changes") {
            var changes: [CallbackStatusChange] = []
            let rows = try await client.query(
                """
                SELECT reference, staff, from_status, to_status, at_ms FROM callback_status_change
                ORDER BY at_ms DESC, id DESC LIMIT \(limit)
                """
            )
            for try await (reference, staff, from, to, milliseconds) in rows.decode(
                (String, String, String, String, Int64).self)
            {
                guard let from = CallbackStatus(rawValue: from), let to = CallbackStatus(rawValue: to) else { continue }
                changes.append(
                    CallbackStatusChange(
                        reference: reference, from: from, to: to, staff: staff, at: Self.date(milliseconds: milliseconds)))
            }
            return changes
        }
    }

    public func statusChanges(after cursor: StatusChangeCursor?, limit: Int) async throws -> StatusChangePage {
        try checkOpen()
        let client = client
        let limit = max(1, limit)
        let after = cursor?.id ?? Int64.min
        return try await perform(.read, event: "Could not read the status changes") {
            var changes: [CallbackStatusChange] = []
            var last: StatusChangeCursor?
            var count = 0
            let rows = try await client.query(
                """
                SELECT id, reference, staff, from_status, to_status, at_ms FROM callback_status_change
                WHERE id > \(after) ORDER BY id LIMIT \(limit)
                """
            )
            for try await (rowID, reference, staff, from, to, milliseconds) in rows.decode(
                (Int64, String, String, String, String, Int64).self)
            {
                count += 1
                last = StatusChangeCursor(id: rowID)
                guard let from = CallbackStatus(rawValue: from), let to = CallbackStatus(rawValue: to) else { continue }
                changes.append(
                    CallbackStatusChange(
                        reference: reference, from: from, to: to, staff: staff, at: Self.date(milliseconds: milliseconds)))
            }
            return StatusChangePage(changes: changes, next: count < limit ? nil : last)
        }
    }
}
