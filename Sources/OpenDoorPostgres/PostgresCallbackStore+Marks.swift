import Logging
import OpenDoorKit
import PostgresNIO

extension PostgresCallbackStore {
    public func mark(reference: String, as status: CallbackStatus) async throws -> CallbackRequest? {
        try await update(
            reference: reference, set: "status", to: status.rawValue,
            logged: ("Marked a callback request", ["status": "\(status.rawValue)"]),
            failure: "Could not mark a callback request")
    }

    /// Sets `crisis_in_chat` on the request, whatever its status.
    public func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
        try await update(
            reference: reference, set: "crisis_in_chat", to: true,
            logged: ("Marked a callback request: crisis in chat", [:]),
            failure: "Could not mark a callback request: crisis in chat")
    }

    /// Sets `column` to `value` on the request with `reference` (typed in any case) and returns it as stored; nil (and
    /// nothing logged) when there is none. Setting a value twice gives the same row, so the retry policy may run it
    /// again after a lost connection. Logged with the reference and `logged`'s metadata, never a name or a number; a
    /// failure is logged as `failure` and thrown as a ``CallbackStoreError``.
    private func update<Value: PostgresDynamicTypeEncodable & Sendable>(
        reference: String, set column: String, to value: Value,
        logged: (message: Logger.Message, metadata: Logger.Metadata), failure event: Logger.Message
    ) async throws -> CallbackRequest? {
        try checkOpen(.save)
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        let client = client
        let request = try await perform(.save, event: event) {
            try await Self.withOpenConnection(client) { connection in
                try await Self.requests(
                    from: connection.query(
                        """
                        UPDATE callback_request SET \(unescaped: column) = \(value) WHERE reference = \(reference)
                        RETURNING \(unescaped: Self.columns)
                        """,
                        logger: Self.silent
                    )
                ).first
            }
        }
        if request != nil {
            logger.info(logged.message, metadata: logged.metadata.merging(["reference": "\(reference)"]) { $1 })
        }
        return request
    }
}
