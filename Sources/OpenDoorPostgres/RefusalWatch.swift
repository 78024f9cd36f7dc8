import Foundation
import Logging
import NIOPosix
import PostgresNIO
import Synchronization

/// PostgreSQL refused a new connection outright (nothing listens at the address: it is stopped, or crashed), found
/// while an operation waited for the pool: waiting out the retry window won't change that.
struct ConnectionRefused: Error {}

extension PostgresCallbackStore {
    /// Runs `operation` under `policy` and, while it runs, watches for a database that refuses connections.
    ///
    /// The pool hides a refused connection: it tries again by itself, and an operation waiting for a connection only
    /// hears the end of its window ("did not answer in time", which read like a lock; QA20 O6). So when the operation
    /// has not finished after ``Configuration/refusalCheckDelay`` and none of its tries is on a live connection
    /// (`attempts`, when given), the store opens a TCP connection to PostgreSQL's address (``RefusalProbe``);
    /// refused, the caller hears ``ConnectionRefused`` at once. Anything else (connected, slow, another error) and
    /// the watch looks again later, with pauses doubling up to a second, until the operation ends: a database
    /// stopped after the first look is still found.
    ///
    /// The watch is a ``RefusalWatch``: timers and a connect future on an event loop of its own, no task group; it
    /// never cancels the operation. A save it gives up on is abandoned through `attempts`
    /// (no try starts after that), and the operation's task ends by itself within its window.
    nonisolated func runWatchingForRefusal<Value: Sendable>(
        _ policy: RetryPolicy,
        attempts: SaveAttempts? = nil,
        _ operation: @escaping @Sendable () async throws -> Value
    ) async throws(RetryFailure) -> Value {
        guard let delay = configuration.refusalCheckDelay else {
            return try await policy.run(isTransient: Self.isTransient, operation)
        }
        let watch = RefusalWatch<Value>(delay: TimeAmount(delay), attempts: attempts, probe: refusals)
        return try await watch.run {
            do throws(RetryFailure) {
                return .success(try await policy.run(isTransient: Self.isTransient, operation))
            } catch {
                return .failure(error)
            }
        }.get()
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

/// One operation's watch for a database that refuses connections: whichever comes first, the operation's result or
/// a refusal, resumes the caller, once.
///
/// Round 19's watch was a task group racing the operation against a watching child that awaited a shared probe task:
/// it failed its own test one run in three (a "not refused" answer, cached for a second and taken before PostgreSQL
/// stopped, ended the watch for good, and the save waited out its window) and the full suite hung once. This one has
/// nothing to wait for on Swift's cooperative pool (two threads on two cores, which tests blocking on processes can
/// hold): its looks are timers on ``RefusalProbe/loop`` and the probe's connect future, each bounded by the connect
/// timeout, and the caller waits only on a continuation that the operation or a refusal resumes. The operation runs
/// in a task of its own that the watch never cancels (only the caller's own cancellation is passed on).
final class RefusalWatch<Value: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<Value, RetryFailure>, Never>?
        var result: Result<Value, RetryFailure>?
        var operation: Task<Void, Never>?
        var look: Scheduled<Void>?
    }

    private let state = Mutex(State())
    private let delay: TimeAmount
    private let attempts: SaveAttempts?
    private let probe: RefusalProbe

    init(delay: TimeAmount, attempts: SaveAttempts?, probe: RefusalProbe) {
        self.delay = delay
        self.attempts = attempts
        self.probe = probe
    }

    /// Starts `operation` and the watch; returns the operation's result, or ``ConnectionRefused`` as soon as a look
    /// is refused, or `CancellationError` when the caller is cancelled.
    func run(
        _ operation: @escaping @Sendable () async -> Result<Value, RetryFailure>
    ) async -> Result<Value, RetryFailure> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, RetryFailure>, Never>) in
                let early = state.withLock { state -> Result<Value, RetryFailure>? in
                    if let result = state.result { return result }
                    state.continuation = continuation
                    state.operation = Task { self.finish(await operation()) }
                    return nil
                }
                if let early { return continuation.resume(returning: early) }
                schedule(after: delay)
            }
        } onCancel: {
            finish(.failure(RetryFailure(error: CancellationError(), attempts: 1)), cancellingOperation: true)
        }
    }

    private var isFinished: Bool { state.withLock { $0.result != nil } }

    /// Resumes the caller with `result` unless it was resumed already; stops the next look.
    private func finish(_ result: Result<Value, RetryFailure>, cancellingOperation: Bool = false) {
        typealias Taken = (
            CheckedContinuation<Result<Value, RetryFailure>, Never>?, Scheduled<Void>?, Task<Void, Never>?
        )
        let (continuation, look, operation) = state.withLock { state -> Taken in
            guard state.result == nil else { return (nil, nil, nil) }
            state.result = result
            defer {
                state.continuation = nil
                state.look = nil
            }
            return (state.continuation, state.look, state.operation)
        }
        look?.cancel()
        if cancellingOperation { operation?.cancel() }
        continuation?.resume(returning: result)
    }

    /// Looks after `pause`, on the probe's loop.
    private func schedule(after pause: TimeAmount) {
        let look = probe.loop.scheduleTask(in: pause) { self.look(pause: pause) }
        let kept = state.withLock { state in
            guard state.result == nil else { return false }
            state.look = look
            return true
        }
        if !kept { look.cancel() }
    }

    private func look(pause: TimeAmount) {
        guard !isFinished else { return }
        let next = min(pause * 2, .seconds(1))
        // A try on a live connection: PostgreSQL took it, so it isn't refusing; look again soon (this costs nothing:
        // the connection the pool handed out may be one PostgreSQL closed as it stopped, and closes in a moment).
        if let attempts, !attempts.isSettled { return schedule(after: pause) }
        probe.look { refused in
            if refused {
                self.finish(.failure(RetryFailure(error: ConnectionRefused(), attempts: 1)))
            } else {
                self.schedule(after: next)
            }
        }
    }
}

/// The store's looks at whether PostgreSQL refuses connections: a TCP connect to its address (or its Unix socket),
/// closed at once, with no PostgreSQL session (no login, no backend counted in `max_connections`); one at a time,
/// its answer going to every watch that asked while it was under way and reused for ``reuse``, however many
/// operations wait for the pool meanwhile.
///
/// Round 20's first version connected with PostgreSQL's protocol on every look: under a loaded test run its sessions
/// crowded the server's connections, and stores' pools waited out their windows.
final class RefusalProbe: Sendable {
    /// The event loop of every store's refusal watches and probes: a thread of its own, apart from the chat's loops,
    /// the pools' loops (a store's stops with its pool, and a watch may still look then) and Swift's cooperative pool.
    static let sharedLoop: any EventLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1).next()

    private struct State {
        /// The watches waiting for the look under way; nil when none is.
        var waiting: [@Sendable (Bool) -> Void]?
        /// The last answer, and when it came.
        var last: (refused: Bool, at: NIODeadline)?
    }

    /// Where the watches' timers and the probe's connection run.
    let loop: any EventLoop
    private let host: String
    private let port: Int
    private let connectTimeout: TimeAmount
    /// How long an answer stands: short enough that PostgreSQL stopping is seen within a second and a half.
    private let reuse: TimeAmount
    private let state = Mutex(State())

    init(
        url: PostgresStoreURL, connectTimeout: Duration, reuse: TimeAmount = .milliseconds(500),
        loop: any EventLoop = RefusalProbe.sharedLoop
    ) {
        self.loop = loop
        host = url.host
        port = url.port
        self.connectTimeout = TimeAmount(connectTimeout)
        self.reuse = reuse
    }

    /// Calls `answer` with whether PostgreSQL's address refuses connections: the last answer if it is recent, else
    /// that of a new connect (or of the one under way). The connect is bounded by the connect timeout.
    func look(_ answer: @escaping @Sendable (Bool) -> Void) {
        let now = NIODeadline.now()
        enum Next { case answer(Bool), wait, connect }
        let next = state.withLock { state -> Next in
            if let last = state.last, now - last.at < reuse { return .answer(last.refused) }
            guard state.waiting == nil else {
                state.waiting?.append(answer)
                return .wait
            }
            state.waiting = [answer]
            return .connect
        }
        switch next {
        case .answer(let refused): answer(refused)
        case .wait: break
        case .connect: connect()
        }
    }

    private func connect() {
        let bootstrap = ClientBootstrap(group: loop).connectTimeout(connectTimeout)
        let unixSocket = host.hasPrefix("/")
        let socketPath = host.hasSuffix("/") ? "\(host).s.PGSQL.\(port)" : "\(host)/.s.PGSQL.\(port)"
        let connected =
            unixSocket
            ? bootstrap.connect(unixDomainSocketPath: socketPath) : bootstrap.connect(host: host, port: port)
        connected.whenComplete { result in
            switch result {
            case .success(let channel):
                channel.close(promise: nil)
                self.answered(false)
            case .failure(let error):
                // A stopped server's Unix socket is gone (ENOENT) rather than refusing.
                let gone = unixSocket && (error as? IOError)?.errnoCode == ENOENT
                self.answered(gone || PostgresCallbackStore.isRefusal(error))
            }
        }
    }

    private func answered(_ refused: Bool) {
        let answers = state.withLock { state in
            state.last = (refused, .now())
            defer { state.waiting = nil }
            return state.waiting ?? []
        }
        for answer in answers { answer(refused) }
    }
}
