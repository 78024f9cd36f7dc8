import Foundation
import PostgresNIO

/// PostgreSQL refused a new connection outright (nothing listens at the address: it is stopped, or crashed), found
/// while an operation waited for the pool: waiting out the retry window won't change that.
struct ConnectionRefused: Error {}

extension PostgresCallbackStore {
    /// Runs `operation` under `policy` and, while it runs, watches for a database that refuses connections.
    ///
    /// The pool hides a refused connection: it tries again by itself, and an operation waiting for a connection only
    /// hears the end of its window ("did not answer in time", which reads like a lock). So when the operation has not
    /// finished after `delay` and none of its tries is on a live connection (`attempts`, when given), the store
    /// connects once outside the pool: refused, the operation ends at once with ``ConnectionRefused``; connected (or
    /// slow to), the watch ends and the operation goes on under its own window.
    nonisolated func runWatchingForRefusal<Value: Sendable>(
        _ policy: RetryPolicy,
        attempts: SaveAttempts? = nil,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws(RetryFailure) -> Value {
        let (url, connectTimeout, delay) = (url, configuration.connectTimeout, configuration.refusalCheckDelay)
        do {
            return try await withThrowingTaskGroup(of: Value?.self) { group in
                group.addTask { try await policy.run(isTransient: Self.isTransient, operation) }
                group.addTask {
                    var pause = delay
                    while true {
                        try await Task.sleep(for: pause)
                        // A try on a live connection: PostgreSQL took it, so it isn't refusing; look again later.
                        if let attempts, !attempts.isSettled {
                            pause = min(pause * 2, .seconds(1))
                            continue
                        }
                        do {
                            try await Self.probe(url, connectTimeout: connectTimeout)
                        } catch where Self.isRefusal(error) {
                            throw RetryFailure(error: ConnectionRefused(), attempts: 1)
                        } catch {}
                        return nil
                    }
                }
                while let finished = try await group.next() {
                    if let value = finished {
                        group.cancelAll()
                        return value
                    }
                }
                throw RetryFailure(error: CancellationError(), attempts: 1)
            }
        } catch let failure as RetryFailure {
            throw failure
        } catch {
            throw RetryFailure(error: error, attempts: 1)
        }
    }

    /// Whether connecting failed because nothing accepts connections at the address (ECONNREFUSED).
    static func isRefusal(_ error: any Error) -> Bool {
        let error = unwrapped(error)
        if let error = error as? PSQLError, let underlying = error.underlying {
            return isRefusal(underlying)
        }
        if let error = error as? NIOCore.IOError { return error.errnoCode == ECONNREFUSED }
        if let error = error as? NIOConnectionError {
            return !error.connectionErrors.isEmpty && error.connectionErrors.allSatisfy { isRefusal($0.error) }
        }
        let text = String(describing: error)
        return text.contains("connectionRefused") || text.contains("ECONNREFUSED") || text.contains("Connection refused")
    }
}
