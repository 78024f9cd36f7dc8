import NIOCore
import Synchronization

/// Why the server stopped reading a connection, set once by whoever stops it first; and when the
/// connection last carried a real message, for the idle timeout.
///
/// The idle handler (on the event loop) and the graceful-shutdown handler (on any thread) set it and
/// close the connection's input; the connection's task sees its reads end, reads the reason and says
/// the matching goodbye. When nobody set it, the client closed its side and nothing more is said.
package final class ConnectionStop: Sendable {
    private let state = Mutex<ByeReason?>(nil)
    /// When the last message was answered (``NIODeadline`` nanoseconds + 1, so a clock that starts at 0
    /// is told from "never"); 0 before the first.
    private let lastAnswer = Atomic<Int64>(0)
    /// When the session last let a line go without writing anything (a refusal it didn't answer).
    private let lastDrop = Atomic<Int64>(0)
    /// Whether the visitor is in the callback form or was just told a crisis reply (or asked a safety question):
    /// such a connection is never closed to make room for another (QA22 O1).
    private let keep = Atomic<Bool>(false)

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

    /// A visitor's message was answered: only this counts as activity. Blank lines, refused lines and
    /// protocol chatter (`hello`) never keep a connection open.
    func answered(at time: NIODeadline = .now()) {
        lastAnswer.store(Int64(time.uptimeNanoseconds) + 1, ordering: .relaxed)
    }

    /// Whether the conversation, after its last reply, must keep its place (mid-form, or a crisis just told).
    func keepsPlace(_ value: Bool) {
        keep.store(value, ordering: .relaxed)
    }

    /// Whether the connection must keep its place when the chat is full.
    var keepsPlace: Bool { keep.load(ordering: .relaxed) }

    /// When the visitor last did something that counts: the last answered message, or `opened` before one.
    func lastActive(opened: NIODeadline) -> NIODeadline {
        max(opened, lastAnswered ?? opened)
    }

    /// A line was refused without a reply: the visitor is owed nothing for it.
    func dropped(at time: NIODeadline = .now()) {
        lastDrop.store(Int64(time.uptimeNanoseconds) + 1, ordering: .relaxed)
    }

    /// When the last message was answered, if one was.
    var lastAnswered: NIODeadline? {
        let value = lastAnswer.load(ordering: .relaxed)
        return value == 0 ? nil : NIODeadline.uptimeNanoseconds(UInt64(value - 1))
    }

    /// When a line was last refused without a reply, if one was.
    var lastDropped: NIODeadline? {
        let value = lastDrop.load(ordering: .relaxed)
        return value == 0 ? nil : NIODeadline.uptimeNanoseconds(UInt64(value - 1))
    }
}
