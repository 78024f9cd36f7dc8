import Foundation
import PostgresNIO
import Synchronization

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
        guard let delay = configuration.refusalCheckDelay else {
            return try await policy.run(isTransient: Self.isTransient, operation)
        }
        let (url, connectTimeout) = (url, configuration.connectTimeout)
        let refusals = refusals
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
                        // Shared by every operation of the store (one connection at a time, its answer reused for a
                        // second), so a busy pool's waiting operations don't each open one; awaited so that this
                        // watch, cancelled when the operation ends, returns at once.
                        let task = refusals.probe { await Self.refuses(url, connectTimeout: connectTimeout) }
                        // Only a refusal ends the operation: a slow or cancelled look says nothing about it.
                        let refused = try? await RetryPolicy.withTimeout(connectTimeout + .seconds(1)) { await task.value }
                        try Task.checkCancellation()
                        if refused == true { throw RetryFailure(error: ConnectionRefused(), attempts: 1) }
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

    /// Whether one connection outside the pool is refused.
    static func refuses(_ url: PostgresStoreURL, connectTimeout: Duration) async -> Bool {
        do {
            try await probe(url, connectTimeout: connectTimeout)
            return false
        } catch {
            return isRefusal(error)
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

/// The store's one look at whether PostgreSQL refuses connections: at most one connection at a time, and its answer
/// reused for a second, however many operations wait for the pool meanwhile.
final class RefusalProbe: Sendable {
    private struct State {
        var task: Task<Bool, Never>?
        var started: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    /// How long an answer is reused.
    private let reuse: Duration

    init(reuse: Duration = .seconds(1)) {
        self.reuse = reuse
    }

    /// The probe under way or answered within ``reuse``, else a new one running `look`.
    func probe(_ look: @escaping @Sendable () async -> Bool) -> Task<Bool, Never> {
        state.withLock { state in
            let now = ContinuousClock.now
            if let task = state.task, let started = state.started, now - started < reuse { return task }
            let task = Task { await look() }
            state.task = task
            state.started = now
            return task
        }
    }
}
