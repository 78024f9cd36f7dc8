import Foundation
import Logging
import OpenDoorKit
import PostgresNIO

extension PostgresCallbackStore {
    /// One step of the schema's history.
    struct Migration: Sendable {
        var identifier: String
        var statements: [PostgresQuery]
    }

    /// The schema's history, oldest first. Never edit a migration once released: add the next one.
    static let migrations: [Migration] = [
        Migration(
            identifier: "v1",
            statements: [
                // The same record as the SQLite store: `created_ms` is milliseconds since 1970 (UTC), so
                // a request reads back exactly as save returned it; ids are never reused. `save_key` is
                // drawn once per save and kept across its retries, so a save whose commit was
                // acknowledged on a connection that then died is found again, not made twice.
                // Only what a caller needs; never a transcript.
                """
                CREATE TABLE callback_request (
                    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    reference TEXT NOT NULL CONSTRAINT callback_request_reference_key UNIQUE,
                    created_ms BIGINT NOT NULL,
                    name TEXT,
                    phone_e164 TEXT NOT NULL,
                    phone_extension TEXT,
                    best_time TEXT NOT NULL,
                    voicemail_ok BOOLEAN NOT NULL,
                    channel TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'new',
                    save_key UUID CONSTRAINT callback_request_save_key_key UNIQUE
                )
                """,
                "CREATE INDEX callback_request_on_created ON callback_request (created_ms)",
            ]
        )
    ] + auditMigrations + [
        // The best time in the visitor's own words ("after 5 on weekdays"), beside `best_time`, its
        // normalized part for sorting; NULL when they picked an option. The same column as the SQLite store.
        Migration(
            identifier: "best_time_said",
            statements: ["ALTER TABLE callback_request ADD COLUMN best_time_said TEXT"]
        )
    ] + countMigrations + [
        // Three answers instead of yes/no: 'yes' (may name the center), 'discreet' (a message that doesn't
        // name it), 'none' (no voicemail at all). An old false meant a discreet message, so old rows keep their
        // meaning; voicemail_ok stays, true only for 'yes'. The same column as the SQLite store.
        Migration(
            identifier: "voicemail_choice",
            statements: [
                """
                ALTER TABLE callback_request ADD COLUMN voicemail TEXT
                    CONSTRAINT callback_request_voicemail_check CHECK (voicemail IN ('yes', 'discreet', 'none'))
                """,
                "UPDATE callback_request SET voicemail = CASE WHEN voicemail_ok THEN 'yes' ELSE 'discreet' END",
            ]
        ),
        // Whether the chat that asked for the call had a crisis reply in it: a marker for staff, never the words.
        // Older rows had none recorded: false. The same column as the SQLite store.
        Migration(
            identifier: "crisis_in_chat",
            statements: ["ALTER TABLE callback_request ADD COLUMN crisis_in_chat BOOLEAN NOT NULL DEFAULT false"]
        ),
        // Staff lists and exports read a page at a time, newest first, after the last row's (created_ms, id). With
        // only `created_ms` indexed, each page read every row of the last page's millisecond and sorted them by id:
        // rows that share a millisecond (a copy, a bulk load) made every page cost the whole table. Indexed on the
        // pair, a page reads its own rows and no more; `status` in front serves `list --status`, where the rows with
        // one status are few. The pair's index also serves what the one on `created_ms` did (purge's age test).
        Migration(
            identifier: "listing_keyset_indexes",
            statements: [
                "CREATE INDEX callback_request_on_created_id ON callback_request (created_ms, id)",
                "CREATE INDEX callback_request_on_status_created_id ON callback_request (status, created_ms, id)",
                "DROP INDEX callback_request_on_created",
            ]
        ),
        // A second number the visitor offered, to try when the first doesn't answer (E.164). Older rows: none. The
        // same column as the SQLite store.
        Migration(
            identifier: "backup_phone",
            statements: ["ALTER TABLE callback_request ADD COLUMN backup_phone_e164 TEXT"]
        ),
        // A save in one round trip: a procedure that inserts and commits, so PostgreSQL's answer to its CALL proves the
        // commit, where BEGIN, INSERT and COMMIT took three round trips, each waiting for a core on a busy server
        // (see `InsertRequestStatement`). Never edited: a later change of the columns replaces the procedure.
        Migration(
            identifier: "save_procedure",
            statements: [PostgresQuery(unsafeSQL: InsertRequestStatement.procedure)]
        ),
    ]

    /// The newest migration this version knows.
    static var currentSchema: String { migrations.last?.identifier ?? "none" }

    /// The key of the advisory lock migrations hold: "OpenDoor" in ASCII. Every OpenDoor that opens
    /// the database takes it before looking at the schema, so two servers starting at once migrate
    /// one after the other and the second finds the work done.
    static let migrationLock: Int64 = 0x4F70_656E_446F_6F72

    /// Brings the schema up to date inside one transaction under the advisory lock; a read-only
    /// store only checks it is. DDL is transactional in PostgreSQL: a migration that fails leaves
    /// nothing half-made.
    ///
    /// Without `createIfMissing` (staff commands), a database with no OpenDoor store is left untouched
    /// and opening fails: an empty list from the wrong database is never mistaken for "no requests".
    static func migrate(_ client: PostgresClient, readOnly: Bool, createIfMissing: Bool, logger: Logger) async throws {
        if readOnly {
            let applied = try await client.withConnection { try await appliedMigrations($0, logger: logger) }
            try check(applied, readOnly: true, createIfMissing: createIfMissing)
            return
        }
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
            if !createIfMissing {
                try check(try await appliedMigrations(connection, logger: logger), readOnly: false, createIfMissing: false)
            }
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS opendoor_schema_migrations (
                    identifier TEXT PRIMARY KEY,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            let applied = try await appliedMigrations(connection, logger: logger)
            try check(applied, readOnly: false, createIfMissing: createIfMissing)
            for migration in migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements {
                    try await connection.query(statement, logger: logger)
                }
                try await connection.query(
                    "INSERT INTO opendoor_schema_migrations (identifier) VALUES (\(migration.identifier))",
                    logger: logger
                )
                logger.notice("Migrated the callback store", metadata: ["schema": "\(migration.identifier)"])
            }
        }
    }

    private static func appliedMigrations(_ connection: PostgresConnection, logger: Logger) async throws -> Set<String> {
        let exists = try await connection.query(
            "SELECT to_regclass('opendoor_schema_migrations') IS NOT NULL",
            logger: logger
        ).collect().first?.decode(Bool.self) ?? false
        guard exists else { return [] }
        var applied = Set<String>()
        for try await identifier in try await connection.query(
            "SELECT identifier FROM opendoor_schema_migrations",
            logger: logger
        ).decode(String.self) {
            applied.insert(identifier)
        }
        return applied
    }

    private static func check(_ applied: Set<String>, readOnly: Bool, createIfMissing: Bool) throws {
        if applied.isEmpty && !createIfMissing { throw NoOpenDoorStore() }
        let known = Set(migrations.map(\.identifier))
        if !applied.subtracting(known).isEmpty { throw CallbackStoreError.newerSchema() }
        if readOnly, !known.isSubset(of: applied) { throw CallbackStoreError.readOnly() }
    }

    static let columns =
        "id, reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok, channel, status, "
        + "best_time_said, voicemail, crisis_in_chat, backup_phone_e164"

    /// Reads rows of ``columns``, checking every value; throws ``CallbackStoreError/unreadable(_:path:file:line:)``
    /// for a row that can't be read. Errors name the row's reference and column, never its contents.
    static func requests(from rows: PostgresRowSequence) async throws -> [CallbackRequest] {
        var requests: [CallbackRequest] = []
        for try await row in rows {
            requests.append(try request(from: row))
        }
        return requests
    }

    /// Reads one row of ``columns``, checking every value.
    static func request(from row: PostgresRow) throws -> CallbackRequest {
        try stored(row).request().mapError { CallbackStoreError.unreadable($0) }.get()
    }

    /// Reads rows of ``columns`` in order, skipping (and naming) those that can't be read; also returns the last
    /// row's position (created_ms, id), read or not, for the next page to start after.
    static func listing(from rows: PostgresRowSequence) async throws -> (listing: CallbackListing, last: (Int64, Int64)?, count: Int) {
        var listing = CallbackListing(requests: [])
        var last: (Int64, Int64)?
        var count = 0
        for try await row in rows {
            let stored = try stored(row)
            count += 1
            if let id = stored.id, let created = stored.createdMilliseconds { last = (created, id) }
            switch stored.request() {
            case .success(let request): listing.requests.append(request)
            case .failure(let unreadable): listing.unreadable.append(unreadable)
            }
        }
        return (listing, last, count)
    }

    /// One row of ``columns``, each value nil when NULL.
    static func stored(_ row: PostgresRow) throws -> StoredRequest {
        let (id, reference, milliseconds, name, e164, phoneExtension, bestTime, voicemailOK, channel, status, said, choice, crisis, backup) =
            try row.decode(
                (
                    Int64?, String?, Int64?, String?, String?, String?, String?, Bool?, String?, String?, String?, String?,
                    Bool?, String?
                ).self
            )
        return StoredRequest(
            id: id, reference: reference, createdMilliseconds: milliseconds, name: name, phoneE164: e164,
            phoneExtension: phoneExtension, bestTime: bestTime, voicemailOK: voicemailOK, channel: channel,
            status: status, bestTimeSaid: said, voicemail: choice, crisisInChat: crisis, backupPhoneE164: backup)
    }

    /// Whether `error` is the unique constraint on reference codes: another server (or this one) took
    /// the code first.
    static func isReferenceCollision(_ error: any Error) -> Bool {
        guard let error = unwrapped(error) as? PSQLError, error.code == .server else { return false }
        return error.serverInfo?[.sqlState] == "23505"
            && error.serverInfo?[.constraintName] == "callback_request_reference_key"
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}

/// Opening without creating found no OpenDoor tables in the database.
struct NoOpenDoorStore: Error {
    static let reason =
        "this database holds no OpenDoor callback store (no opendoor_schema_migrations table), and staff commands "
        + "never create one; name the database `opendoor serve` uses, or start `opendoor serve --store URL` once "
        + "to create the store"
}
