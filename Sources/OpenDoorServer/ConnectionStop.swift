import Synchronization

/// Why the server stopped reading a connection, set once by whoever stops it first.
///
/// The idle handler (on the event loop) and the graceful-shutdown handler (on any thread) set it and
/// close the connection's input; the connection's task sees its reads end, reads the reason and says
/// the matching goodbye. When nobody set it, the client closed its side and nothing more is said.
final class ConnectionStop: Sendable {
    private let state = Mutex<ByeReason?>(nil)

    /// Sets the reason unless one is set already; true when this call set it.
    func request(_ reason: ByeReason) -> Bool {
        state.withLock { current in
            guard current == nil else { return false }
            current = reason
            return true
        }
    }

    /// The reason, once set.
    var reason: ByeReason? {
        state.withLock { $0 }
    }
}
