import Logging
import Synchronization

/// How many connections an HTTP listener beside the chat (the staff console, the metrics endpoint) holds at once,
/// in all and from one address. A connection past either limit is closed as soon as it is accepted.
///
/// Every connection is a file descriptor, and the process has a fixed number of them: a listener that accepts
/// without limit lets one client take them all, and then the chat's own ports can't accept a visitor (accept fails
/// with EMFILE). With a cap, a flood costs that listener's own share and no more; the chat keeps its share.
///
/// ```swift
/// let cap = ConnectionCap(limits: .init(total: 128, perAddress: 24), name: "staff console", logger: logger)
/// // in each accepted channel's pipeline:
/// try channel.pipeline.syncOperations.addHandler(ConnectionCapHandler(cap: cap))
/// ```
public final class ConnectionCap: Sendable {
    /// The limits; both at least 1.
    public struct Limits: Sendable, Hashable {
        /// The most connections open at once, from everyone.
        public var total: Int
        /// The most connections open at once from one address (except ``ConnectionCap/isExempt``'s).
        public var perAddress: Int

        /// Limits of `total` connections, `perAddress` from one address.
        public init(total: Int, perAddress: Int) {
            self.total = max(1, total)
            self.perAddress = max(1, min(perAddress, total))
        }
    }

    private struct State {
        var total = 0
        var byAddress: [String: Int] = [:]
        var refusals: RefusalLog
    }

    /// The limits in force.
    public let limits: Limits
    /// Addresses held to ``Limits/total`` only: a trusted reverse proxy, which carries every client's connections.
    private let isExempt: @Sendable (String) -> Bool
    private let name: String
    private let logger: Logger
    private let state: Mutex<State>

    /// A cap on the listener called `name` in the log ("staff console", "metrics"); refusals are logged as counts,
    /// at most one line per `logInterval`.
    public init(
        limits: Limits, name: String, logger: Logger, logInterval: Duration = .seconds(60),
        isExempt: @escaping @Sendable (String) -> Bool = { _ in false }
    ) {
        self.limits = limits
        self.name = name
        self.logger = logger
        self.isExempt = isExempt
        state = Mutex(State(refusals: RefusalLog(interval: logInterval)))
    }

    /// How many connections are open now.
    public var open: Int { state.withLock { $0.total } }

    /// How many connections were refused since the cap was made.
    public var refused: Int { state.withLock { $0.refusals.total } }

    /// Counts a connection from `address` in, or refuses it (false) when a limit is reached; an admitted
    /// connection must be ``release(_:)``d when it closes.
    public func admit(_ address: String) -> Bool {
        let exempt = isExempt(address)
        return state.withLock { state in
            let fromAddress = state.byAddress[address, default: 0]
            let code: String
            if state.total >= limits.total {
                code = "total"
            } else if !exempt && fromAddress >= limits.perAddress {
                code = "address"
            } else {
                state.total += 1
                state.byAddress[address] = fromAddress + 1
                return true
            }
            state.refusals.refused(
                code, message: "connections refused: too many open", logger: logger,
                metadata: ["listener": "\(name)", "open": "\(state.total)", "address": "\(address)"])
            return false
        }
    }

    /// Counts out a connection ``admit(_:)`` let in.
    public func release(_ address: String) {
        state.withLock { state in
            state.total -= 1
            let left = state.byAddress[address, default: 1] - 1
            state.byAddress[address] = left > 0 ? left : nil
        }
    }
}
