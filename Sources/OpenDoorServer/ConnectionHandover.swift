import NIOCore
import Synchronization

/// Owns each accepted connection from the moment NIO sets it up until the accept loop takes it.
///
/// A `NIOAsyncChannel`'s writer traps (`preconditionFailure`) if it is deinitialized without being
/// finished. NIO builds a connection's `NIOAsyncChannel` in the child-channel initializer and buffers it in
/// the listener's inbound stream; when the accept loop stops (graceful shutdown) the buffered connections,
/// and those whose initializer completes afterwards, are dropped unfinished. The last reference goes when
/// NIO's handler lets go of the writer in `channelActive`, and the process dies with SIGILL. Holding every
/// connection here until someone has taken responsibility for it closes that gap: the accept loop takes
/// the connections it hands to a task, and when it stops, ``close()`` hands back the rest to be finished
/// and closed; a connection set up after that is closed before its writer exists.
final class ConnectionHandover: Sendable {
    private struct State {
        var waiting: [ObjectIdentifier: AcceptedConnection] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// The refusal thrown by ``hold(_:make:)`` once the listener has stopped.
    struct Closed: Error {}

    /// Makes a connection for `channel` with `make` and holds it; after ``close()``, closes the channel and
    /// throws ``Closed`` instead, without calling `make`.
    func hold(_ channel: any Channel, make: () throws -> AcceptedConnection) throws -> AcceptedConnection {
        try state.withLock { state in
            guard !state.closed else {
                channel.close(promise: nil)
                throw Closed()
            }
            let connection = try make()
            state.waiting[ObjectIdentifier(channel)] = connection
            return connection
        }
    }

    /// Takes responsibility for a connection: true if it was still waiting here (and is now the caller's to
    /// finish, with `executeThenClose`), false if ``close()`` already handed it back.
    func take(_ connection: AcceptedConnection) -> Bool {
        state.withLock { $0.waiting.removeValue(forKey: ObjectIdentifier(connection.channel.channel)) != nil }
    }

    /// Stops holding: returns the connections nobody took, which the caller must finish and close, and
    /// refuses those set up from now on.
    func close() -> [AcceptedConnection] {
        state.withLock { state in
            state.closed = true
            defer { state.waiting = [:] }
            return Array(state.waiting.values)
        }
    }
}
