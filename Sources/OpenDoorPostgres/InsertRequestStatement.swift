import Foundation
import Logging
import NIOCore
import OpenDoorKit
import PostgresNIO

/// The save's statement: `INSERT … ON CONFLICT (save_key) DO UPDATE … RETURNING` the row, run between BEGIN and
/// COMMIT, as its row alone does not prove the commit (see `PostgresCallbackStore.insert`).
///
/// A save key stored already (an earlier try of the same save that committed on a connection then lost, or the
/// visitor's earlier request that could not be confirmed) gets this draft's details while its status is `new`; no
/// row back means it is there and someone has handled it already.
struct InsertRequestStatement: Sendable {
    static let sql = """
        INSERT INTO callback_request
            (reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok, channel, status,
             save_key, best_time_said, voicemail, crisis_in_chat, backup_phone_e164)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
        ON CONFLICT (save_key) DO UPDATE SET
            name = EXCLUDED.name, phone_e164 = EXCLUDED.phone_e164, phone_extension = EXCLUDED.phone_extension,
            best_time = EXCLUDED.best_time, voicemail_ok = EXCLUDED.voicemail_ok, best_time_said = EXCLUDED.best_time_said,
            voicemail = EXCLUDED.voicemail, crisis_in_chat = EXCLUDED.crisis_in_chat,
            backup_phone_e164 = EXCLUDED.backup_phone_e164
            WHERE callback_request.status = 'new'
        RETURNING \(PostgresCallbackStore.columns)
        """

    /// The comment that opens a save's INSERT, so that after its deadline the store can find the try still running
    /// (or idle in its transaction) in `pg_stat_activity.query` and end it before looking whether it landed. A
    /// comment in the statement rather than a `SET LOCAL application_name` before it: one round trip less per save.
    static func tag(_ saveKey: UUID) -> String { "opendoor-save-\(saveKey.uuidString.lowercased())" }

    var request: CallbackRequest
    var milliseconds: Int64
    var saveKey: UUID

    /// The INSERT with its values bound (a missing name or extension binds an untyped NULL, which PostgreSQL
    /// types from its column).
    var query: PostgresQuery {
        var bindings = PostgresBindings(capacity: 14)
        Self.bind(request, milliseconds: milliseconds, saveKey: saveKey, to: &bindings)
        // The tag is a UUID's hex digits and dashes: nothing in it can end the comment.
        return PostgresQuery(unsafeSQL: "/* \(Self.tag(saveKey)) */ " + Self.sql, binds: bindings)
    }

    /// Appends a request's columns in the order reference, created_ms, name, phone_e164, phone_extension,
    /// best_time, voicemail_ok, channel, status, [save_key,] best_time_said, voicemail, crisis_in_chat,
    /// backup_phone_e164 (the save's INSERT; a copy's, which has no save key).
    static func bind(_ request: CallbackRequest, milliseconds: Int64, saveKey: UUID?, to bindings: inout PostgresBindings) {
        bindings.append(request.reference)
        bindings.append(milliseconds)
        bindings.append(request.name)
        bindings.append(request.phone.e164)
        bindings.append(request.phone.extensionDigits)
        bindings.append(request.bestTime.rawValue)
        bindings.append(request.voicemailOK)
        bindings.append(request.channel.rawValue)
        bindings.append(request.status.rawValue)
        if let saveKey { bindings.append(saveKey) }
        bindings.append(request.bestTimeSaid)
        bindings.append(request.voicemail.rawValue)
        bindings.append(request.crisisInChat)
        bindings.append(request.backupPhone?.e164)
    }

    /// Runs BEGIN, the INSERT and COMMIT on `connection` and returns the inserted row (nil: the save key was
    /// there already), once PostgreSQL has answered the COMMIT, with when that answer came (``SaveTimings/now()``,
    /// 0 without `timings`, which records each statement's round trip).
    ///
    /// The three are handed to the connection at once, on its event loop: it sends each as soon as the one before
    /// is answered, and only the end comes back to the calling task. Awaited one by one, each answer went through
    /// the task scheduler before the next statement left; on a busy server that cost more than PostgreSQL's work.
    /// The connection runs them in order whatever happens to the caller, so it never stays inside the transaction.
    ///
    /// Throws what failed first: BEGIN's error (the INSERT then ran outside a transaction and proves nothing, so
    /// the retry's save key decides), the INSERT's (a reference another request holds; the COMMIT then rolls
    /// back), or the COMMIT's (the retry's save key finds a row that did commit).
    ///
    /// `attempts` counts the statements handed to a connection and refuses new ones once the save has been given up.
    func runCommitted(
        on connection: PostgresConnection, logger: Logger, attempts: SaveAttempts, timings: SaveTimings? = nil
    ) async throws -> (request: CallbackRequest?, answered: UInt64) {
        let query = query
        let eventLoop = connection.eventLoop
        return try await eventLoop.flatSubmit {
            guard let attempt = attempts.begin(on: connection) else { return eventLoop.makeFailedFuture(AttemptTimedOut()) }
            let statements = [
                connection.query("BEGIN", logger: logger),
                connection.query(query, logger: logger),
                connection.query("COMMIT", logger: logger),
            ]
            if let timings {
                // Each answer's arrival, on this loop in order: BEGIN's (from the hand-over), the INSERT's, COMMIT's.
                let handed = SaveTimings.now()
                let last = NIOLoopBoundBox(handed, eventLoop: eventLoop)
                for (statement, phase) in zip(statements, [SaveTimings.Phase.begin, .insert, .commit]) {
                    statement.whenComplete { _ in
                        let now = SaveTimings.now()
                        timings.note(phase, from: last.value, to: now)
                        last.value = now
                    }
                }
            }
            return EventLoopFuture.whenAllComplete(statements, on: eventLoop).flatMapThrowing { results in
                let answered = timings == nil ? 0 : SaveTimings.now()
                attempts.end(attempt, neverSent: Self.lostBeforeAnswer(results[0]))
                let begun = try results[0].get()
                let inserted = try results[1].get()
                let committed = try results[2].get()
                guard begun.metadata.command == "BEGIN", committed.metadata.command == "COMMIT" else {
                    throw CallbackStoreError.saveFailed(
                        reason: "PostgreSQL did not commit the request (\(committed.metadata.command))")
                }
                return (try inserted.rows.first.map { try PostgresCallbackStore.request(from: $0) }, answered)
            }
        }.get()
    }

    /// Whether BEGIN failed with its connection (closed, reset, never written) or with PostgreSQL ending the session
    /// (a FATAL 57P0x: shutting down, terminated), so that nothing after it ran.
    static func lostBeforeAnswer(_ begin: Result<PostgresQueryResult, any Error>) -> Bool {
        guard case .failure(let error) = begin, let error = error as? PSQLError else { return false }
        guard error.code == .server else { return true }
        return ["57P01", "57P02", "57P03"].contains(error.serverInfo?[.sqlState] ?? "")
    }
}
