import Logging
import PostgresNIO

extension PostgresCallbackStore {
    /// Runs `body` on a connection of the pool, unless the connection handed out is already closed: then it throws
    /// ``ConnectionWasClosed`` at once, and the retry takes another.
    ///
    /// Right after PostgreSQL ends connections (`pg_terminate_backend`, a failover), the pool can hand out one it
    /// has not yet seen closing, and PostgresNIO 1.33 writes the query to the closed channel and never answers: the
    /// try hung until its time was up (``RetryPolicy/attemptTimeout``). Looking first makes the retry immediate.
    static func withOpenConnection<Value: Sendable>(
        _ client: PostgresClient, _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try await client.withConnection { connection in
            guard !connection.isClosed else { throw ConnectionWasClosed() }
            return try await body(connection)
        }
    }

    /// ``withOpenConnection(_:_:)`` in a transaction: committed when `body` returns, rolled back when it throws.
    static func withOpenTransaction<Value: Sendable>(
        _ client: PostgresClient, _ body: (PostgresConnection) async throws -> Value
    ) async throws -> Value {
        try await withOpenConnection(client) { connection in
            try await connection.withTransaction(logger: silent) { try await body($0) }
        }
    }
}

/// The pool handed out a connection that PostgreSQL had already closed; another one may work.
struct ConnectionWasClosed: Error {}
