import GRDB
import Logging
import OpenDoorKit

extension SQLiteCallbackStore {
    /// Sets `crisis_in_chat` on the request, whatever its status: setting it twice gives the same row.
    public func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
        try checkOpen()
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        do {
            try checkIdentity()
            let request = try await pool.write { db -> CallbackRequest? in
                try db.execute(
                    sql: "UPDATE callback_request SET crisis_in_chat = 1 WHERE reference = ?", arguments: [reference])
                guard db.changesCount > 0 else { return nil }
                return try Self.fetch(reference: reference, in: db)
            }
            if request != nil {
                logger.info("Marked a callback request: crisis in chat", metadata: ["reference": "\(reference)"])
            }
            return request
        } catch {
            throw failure(error, during: .save, event: "Could not mark a callback request: crisis in chat")
        }
    }
}
