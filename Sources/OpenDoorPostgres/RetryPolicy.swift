import Foundation
import Synchronization

/// How long and how often the PostgreSQL store tries again when the database cannot be reached.
///
/// Every operation gets one window (``window``). A try that fails for a reason a new connection may
/// cure (see `PostgresCallbackStore.isTransient`) is made again after a pause that starts at
/// ``firstDelay`` and doubles up to ``maximumDelay``; each try may take only what is left of the
/// window. When the window is used up the last failure is reported: the caller then tells the
/// visitor plainly that nothing was saved.
public struct RetryPolicy: Sendable, Hashable {
    /// The most time one operation may take, tries and pauses together.
    public var window: Duration = .seconds(5)
    /// The pause before the second try.
    public var firstDelay: Duration = .milliseconds(50)
    /// The longest pause between two tries.
    public var maximumDelay: Duration = .seconds(1)
    /// The longest one try may take before it is given up and made again on another connection; nil: what is
    /// left of the window. A try can hang for good when the pool hands out a connection PostgreSQL has just closed
    /// (after `pg_terminate_backend` or a failover, PostgresNIO 1.33 writes the query to the closed channel and
    /// never answers): without this, that one try took the whole window and the visitor heard "not saved".
    public var attemptTimeout: Duration?

    /// The defaults: a 5 s window, pauses from 50 ms doubling up to 1 s.
    public init() {}

    /// A policy with the given window and pauses.
    public init(
        window: Duration, firstDelay: Duration = .milliseconds(50), maximumDelay: Duration = .seconds(1),
        attemptTimeout: Duration? = nil
    ) {
        self.window = window
        self.firstDelay = firstDelay
        self.maximumDelay = maximumDelay
        self.attemptTimeout = attemptTimeout
    }

    /// Runs `operation` until it succeeds, fails for a reason `isTransient` says is permanent, or
    /// the window is used up; returns its value, or throws its last error with the number of tries.
    func run<Value: Sendable>(
        isTransient: (any Error) -> Bool,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws(RetryFailure) -> Value {
        let clock = ContinuousClock()
        let deadline = clock.now + window
        var delay = firstDelay
        var attempts = 0
        // What the database last said: a try cut short by the end of the window reports that, not a time-out
        // (a refused connection retried on a busy machine read "did not answer in time" once).
        var lastAnswer: (any Error)?
        while true {
            attempts += 1
            do {
                let left = deadline - clock.now
                return try await Self.withTimeout(attemptTimeout.map { min($0, left) } ?? left, operation)
            } catch {
                if !(error is AttemptTimedOut) { lastAnswer = error }
                let remaining = deadline - clock.now
                guard isTransient(error), remaining > delay, !Task.isCancelled else {
                    let reported = error is AttemptTimedOut ? lastAnswer ?? error : error
                    throw RetryFailure(error: reported, attempts: attempts)
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, maximumDelay)
            }
        }
    }

    /// Runs `operation`, throwing ``AttemptTimedOut`` when it has not finished after `timeout`.
    ///
    /// The operation runs in a task of its own that is cancelled, not awaited, when time is up: a
    /// query stuck on a silent network could otherwise hold the caller past any limit. (A task
    /// group would wait for it.) Tests use it as a hang guard of their own.
    package static func withTimeout<Value: Sendable>(
        _ timeout: Duration,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        guard timeout > .zero else { throw AttemptTimedOut() }
        let race = Race<Value>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
                race.start(
                    continuation,
                    Task {
                        do { race.finish(.success(try await operation())) } catch { race.finish(.failure(error)) }
                    },
                    Task {
                        try? await Task.sleep(for: timeout)
                        race.finish(.failure(AttemptTimedOut()))
                    }
                )
            }
        } onCancel: {
            race.finish(.failure(CancellationError()))
        }
    }
}

/// The first of an operation and its timer to finish resumes the caller and cancels the other.
private final class Race<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Value, any Error>?
        var tasks: [Task<Void, Never>] = []
        var result: Result<Value, any Error>?
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<Value, any Error>, _ tasks: Task<Void, Never>...) {
        let early = state.withLock { state -> Result<Value, any Error>? in
            state.tasks = tasks
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early {
            tasks.forEach { $0.cancel() }
            continuation.resume(with: early)
        }
    }

    func finish(_ result: Result<Value, any Error>) {
        let (continuation, tasks) = state.withLock { state in
            guard state.result == nil else { return (nil as CheckedContinuation<Value, any Error>?, [Task<Void, Never>]()) }
            state.result = result
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: result)
    }
}

/// An operation's last error after ``RetryPolicy`` gave up, and how many tries were made.
struct RetryFailure: Error {
    var error: any Error
    var attempts: Int
}
