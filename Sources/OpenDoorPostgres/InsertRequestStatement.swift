import Foundation
import Logging
import NIOCore
import OpenDoorKit
import PostgresNIO

/// The save's statement: one `CALL` of ``procedure``, which runs `INSERT … ON CONFLICT (save_key) DO UPDATE …
/// RETURNING` and then `COMMIT` inside PostgreSQL, so that the row comes back only once it is committed, in one round
/// trip (see `PostgresCallbackStore.insert`).
///
/// A save key stored already (an earlier try of the same save that committed on a connection then lost, or the
/// visitor's earlier request that could not be confirmed) gets this draft's details while its status is `new`; a
/// row of NULLs back means it is there and someone has handled it already.
struct InsertRequestStatement: Sendable {
    /// The procedure a save calls, created by the `save_procedure` migration. Its `COMMIT` ends the transaction the
    /// `CALL` runs in (PostgreSQL allows it only when the `CALL` is not inside a transaction block, and fails it there
    /// with "invalid transaction termination"): PostgreSQL answers the `CALL` after that commit is durable
    /// (`synchronous_commit` on), so the row it sends back proves the commit, as COMMIT's own answer did. A migration
    /// that changes `callback_request`'s columns replaces the procedure too (`CREATE OR REPLACE PROCEDURE`).
    ///
    /// The INOUT parameters (not OUT: PostgreSQL 11–13 have only INOUT in procedures) carry the row back in the order of
    /// `PostgresCallbackStore.columns`; the `CALL` passes NULL for each.
    static let procedure = """
        CREATE PROCEDURE opendoor_save_request(
            new_reference TEXT, new_created_ms BIGINT, new_name TEXT, new_phone_e164 TEXT, new_phone_extension TEXT,
            new_best_time TEXT, new_voicemail_ok BOOLEAN, new_channel TEXT, new_status TEXT, new_save_key UUID,
            new_best_time_said TEXT, new_voicemail TEXT, new_crisis_in_chat BOOLEAN, new_backup_phone_e164 TEXT,
            INOUT id BIGINT, INOUT reference TEXT, INOUT created_ms BIGINT, INOUT name TEXT, INOUT phone_e164 TEXT,
            INOUT phone_extension TEXT, INOUT best_time TEXT, INOUT voicemail_ok BOOLEAN, INOUT channel TEXT,
            INOUT status TEXT, INOUT best_time_said TEXT, INOUT voicemail TEXT, INOUT crisis_in_chat BOOLEAN,
            INOUT backup_phone_e164 TEXT)
        LANGUAGE plpgsql AS $procedure$
        #variable_conflict use_column
        BEGIN
            INSERT INTO callback_request AS saved
                (reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok, channel, status,
                 save_key, best_time_said, voicemail, crisis_in_chat, backup_phone_e164)
            VALUES (new_reference, new_created_ms, new_name, new_phone_e164, new_phone_extension, new_best_time,
                new_voicemail_ok, new_channel, new_status, new_save_key, new_best_time_said, new_voicemail,
                new_crisis_in_chat, new_backup_phone_e164)
            ON CONFLICT (save_key) DO UPDATE SET
                name = EXCLUDED.name, phone_e164 = EXCLUDED.phone_e164, phone_extension = EXCLUDED.phone_extension,
                best_time = EXCLUDED.best_time, voicemail_ok = EXCLUDED.voicemail_ok,
                best_time_said = EXCLUDED.best_time_said, voicemail = EXCLUDED.voicemail,
                crisis_in_chat = EXCLUDED.crisis_in_chat, backup_phone_e164 = EXCLUDED.backup_phone_e164
                WHERE saved.status = 'new'
            RETURNING saved.id, saved.reference, saved.created_ms, saved.name, saved.phone_e164, saved.phone_extension,
                saved.best_time, saved.voicemail_ok, saved.channel, saved.status, saved.best_time_said, saved.voicemail,
                saved.crisis_in_chat, saved.backup_phone_e164
            INTO id, reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok, channel, status,
                best_time_said, voicemail, crisis_in_chat, backup_phone_e164;
            COMMIT;
        END
        $procedure$
        """

    /// The `CALL`: fourteen bound values in, a NULL for each INOUT column.
    static let call =
        "CALL opendoor_save_request($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14"
        + String(repeating: ", NULL", count: 14) + ")"

    /// The comment that opens a save's CALL, so that after its deadline the store can find the try still running
    /// (or idle in its transaction) in `pg_stat_activity.query` and end it before looking whether it landed. A
    /// comment in the statement rather than a `SET LOCAL application_name` before it: one round trip less per save.
    static func tag(_ saveKey: UUID) -> String { "opendoor-save-\(saveKey.uuidString.lowercased())" }

    var request: CallbackRequest
    var milliseconds: Int64
    var saveKey: UUID

    /// The CALL with its values bound (a missing name or extension binds an untyped NULL, which PostgreSQL
    /// types from the procedure's parameter).
    var query: PostgresQuery {
        var bindings = PostgresBindings(capacity: 14)
        Self.bind(request, milliseconds: milliseconds, saveKey: saveKey, to: &bindings)
        // The tag is a UUID's hex digits and dashes: nothing in it can end the comment.
        return PostgresQuery(unsafeSQL: "/* \(Self.tag(saveKey)) */ " + Self.call, binds: bindings)
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

    /// Runs the CALL on `connection` and returns the inserted row (nil: the save key was there already and its
    /// request handled), once PostgreSQL has answered, which it does after the procedure's COMMIT; with when that
    /// answer came (``SaveTimings/now()``, 0 without `timings`, which records the round trip as its `commit` phase).
    ///
    /// One round trip where BEGIN, INSERT and COMMIT took three: under a thousand visitors' load on two cores each
    /// round trip waited for a core twice (PostgreSQL's backend and this event loop), p99 6–24 ms each. The CALL is
    /// handed to the connection on its event loop, and only the end comes back to the calling task.
    ///
    /// Throws what failed: a reference another request holds (the procedure's transaction rolls back), a lost
    /// connection (the retry's save key finds a row that did commit), or a CALL answered without its row.
    ///
    /// `attempts` counts the CALLs handed to a connection and refuses new ones once the save has been given up.
    func runCommitted(
        on connection: PostgresConnection, logger: Logger, attempts: SaveAttempts, timings: SaveTimings? = nil
    ) async throws -> (request: CallbackRequest?, answered: UInt64) {
        let query = query
        let eventLoop = connection.eventLoop
        return try await eventLoop.flatSubmit {
            guard let attempt = attempts.begin(on: connection) else { return eventLoop.makeFailedFuture(AttemptTimedOut()) }
            // On the connection's loop a closed channel stays closed: the CALL fails before it is written.
            let neverSent = connection.isClosed
            let handed = timings == nil ? 0 : SaveTimings.now()
            return connection.query(query, logger: logger).always { _ in
                attempts.end(attempt, neverSent: neverSent)
            }.flatMapThrowing { result in
                let answered = timings == nil ? 0 : SaveTimings.now()
                timings?.note(.commit, from: handed, to: answered)
                guard result.metadata.command == "CALL", let row = result.rows.first else {
                    throw CallbackStoreError.saveFailed(
                        reason: "PostgreSQL did not commit the request (\(result.metadata.command))")
                }
                // A row of NULLs: the procedure's INSERT found the save key handled already and returned nothing.
                if try row.decode(Int64?.self) == nil { return (nil, answered) }
                return (try PostgresCallbackStore.request(from: row), answered)
            }
        }.get()
    }
}
