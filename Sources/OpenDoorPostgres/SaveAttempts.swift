import Foundation
import PostgresNIO
import Synchronization

/// The tries of one save handed to PostgreSQL connections: how many ran, how many are still waiting for their
/// answers, and whether the save has been given up (then no further try starts).
///
/// After a save's deadline the store gives it up, ends its tries still running on the server, and waits for their
/// answers to end before it looks whether the request landed: only then is "not there" known to stay true.
final class SaveAttempts: Sendable {
    private struct State {
        var abandoned = false
        var started = 0
        /// The tries that ended without their CALL ever leaving: their connection was closed when it was handed over.
        var neverSent = 0
        /// The tries waiting for their answers, with their connections.
        var running: [Int: PostgresConnection] = [:]
    }

    private let state = Mutex(State())

    /// Starts a try on `connection`: its number, or nil once the save was given up.
    func begin(on connection: PostgresConnection) -> Int? {
        state.withLock { state in
            guard !state.abandoned else { return nil }
            state.started += 1
            state.running[state.started] = connection
            return state.started
        }
    }

    /// Try `number`'s statement has been answered (or failed); `neverSent`: its connection was closed already when
    /// the statement was handed to it, so it never left.
    func end(_ number: Int, neverSent: Bool = false) {
        state.withLock { state in
            if state.running.removeValue(forKey: number) != nil, neverSent { state.neverSent += 1 }
        }
    }

    /// Gives the save up: no try starts after this. Returns whether any try started that may have reached
    /// PostgreSQL's COMMIT (a try handed to a connection already closed did not).
    func abandon() -> Bool {
        state.withLock { state in
            state.abandoned = true
            return state.started > state.neverSent
        }
    }

    /// Whether the save was given up (``abandon()``).
    var isAbandoned: Bool { state.withLock { $0.abandoned } }

    /// Whether no try can still reach PostgreSQL: each has its answers, or its connection is closed (PostgresNIO
    /// may never answer statements given to a connection closing under them; the server ended its session, or
    /// will at its next read, which ``PostgresCallbackStore/confirm(_:attempts:)`` has it do first).
    var isSettled: Bool { state.withLock { $0.running.values.allSatisfy(\.isClosed) } }

    /// Waits until no try is waiting for an answer, for at most `limit`; true when none is.
    func settled(within limit: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while !isSettled {
            guard clock.now < deadline, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}
