import OpenDoorKit
import Synchronization

/// A test store that hands every call to `base` and lets a test wait until a crisis mark has finished.
///
/// A crisis after "Sent." marks the request in a task the crisis reply waits for at most
/// `Conversation.crisisMarkWait` (the mark goes on after it): on a loaded machine the reply can come first, so a
/// test reads the mark after ``marksFinished(_:within:)``, the event, not after the reply.
public final class MarkWatchingStore<Base: CallbackStore>: ForwardingCallbackStore {
    /// The store that does the work.
    public let base: Base
    private let finished = Mutex(0)
    private let (events, event) = AsyncStream<Void>.makeStream(bufferingPolicy: .unbounded)

    /// A store writing to `base`.
    public init(_ base: Base) {
        self.base = base
    }

    /// Marks in `base`, then tells whoever waits (whether the mark was written or failed).
    public func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
        defer {
            finished.withLock { $0 += 1 }
            event.yield()
        }
        return try await base.markCrisisInChat(reference: reference)
    }

    /// How many marks have finished so far.
    public var marks: Int { finished.withLock { $0 } }

    /// Returns once `count` marks have finished, or after `limit` (a guard against a hang, not a measure of speed:
    /// the test's own expectations then say what is missing; five minutes, as a mark on a loaded machine waits for
    /// the cooperative pool behind the whole suite); how many have finished. One waiter at a time.
    @discardableResult
    public func marksFinished(_ count: Int = 1, within limit: Duration = .seconds(300)) async -> Int {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                guard self.marks < count else { return }
                // Every finish is buffered in the stream: one between the check above and this loop is not lost.
                for await _ in self.events where self.marks >= count { return }
            }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        return marks
    }
}
