import GRDB
import Logging
import OpenDoorKit

extension SQLiteCallbackStore {
    public func mark(reference: String, as status: CallbackStatus) async throws -> CallbackRequest? {
        try await update(
            reference: reference, set: "status = ?", arguments: [status.rawValue],
            logged: ("Marked a callback request", ["status": "\(status.rawValue)"]),
            failure: "Could not mark a callback request")
    }

    /// Sets `crisis_in_chat` on the request, whatever its status: setting it twice gives the same row.
    public func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
        try await update(
            reference: reference, set: "crisis_in_chat = 1", arguments: [],
            logged: ("Marked a callback request: crisis in chat", [:]),
            failure: "Could not mark a callback request: crisis in chat")
    }

    /// Sets `assignments` (`column = ?`, bound to `arguments`) on the request with `reference` (typed in any case) and
    /// returns it as stored; nil (and nothing logged) when there is none. Checks first that the path still names the
    /// file the store opened. Logged with the reference and `logged`'s metadata, never a name or a number; a failure
    /// is logged as `failure` and thrown as a ``CallbackStoreError``.
    private func update(
        reference: String, set assignments: String, arguments: StatementArguments,
        logged: (message: Logger.Message, metadata: Logger.Metadata), failure event: Logger.Message
    ) async throws -> CallbackRequest? {
        try checkOpen()
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        do {
            try checkIdentity()
            let request = try await pool.write { db -> CallbackRequest? in
                try db.execute(
                    sql: "UPDATE callback_request SET \(assignments) WHERE reference = ?",
                    arguments: arguments + [reference])
                guard db.changesCount > 0 else { return nil }
                return try Self.fetch(reference: reference, in: db)
            }
            if request != nil {
                logger.info(logged.message, metadata: logged.metadata.merging(["reference": "\(reference)"]) { $1 })
            }
            return request
        } catch {
            throw failure(error, during: .save, event: event)
        }
    }
}
