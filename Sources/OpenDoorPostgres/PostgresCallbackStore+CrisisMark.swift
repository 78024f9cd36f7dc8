import Logging
import OpenDoorKit
import PostgresNIO

extension PostgresCallbackStore {
    /// Sets `crisis_in_chat` on the request, whatever its status: setting it twice gives the same row, so it is safe
    /// to retry.
    public func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
        try checkOpen(.save)
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        let client = client
        let request = try await perform(.save, event: "Could not mark a callback request: crisis in chat") {
            try await Self.withOpenConnection(client) { connection in
                try await Self.requests(
                    from: connection.query(
                        """
                        UPDATE callback_request SET crisis_in_chat = TRUE WHERE reference = \(reference)
                        RETURNING \(unescaped: Self.columns)
                        """,
                        logger: Self.silent
                    )
                ).first
            }
        }
        if request != nil {
            logger.info("Marked a callback request: crisis in chat", metadata: ["reference": "\(reference)"])
        }
        return request
    }
}
