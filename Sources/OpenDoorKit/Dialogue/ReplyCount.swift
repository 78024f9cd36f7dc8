import Foundation
import Synchronization

/// How many replies of one intent were given on one day (and, for the honest fallback, on which topic the
/// knowledge has no answer).
///
/// Counts only, like ``CrisisCount``: no message, no time of day, no conversation.
public struct ReplyCount: Sendable, Hashable, Codable {
    /// The day, `YYYY-MM-DD` in the server's time zone.
    public var day: String
    /// The reply's intent: an intent id, or `fallback`, `clarify`, `crisis`, `callback`, `welcome`…
    public var intent: String
    /// For a fallback, the topic the knowledge knows it doesn't answer (`insurance`, `cost`…); empty otherwise,
    /// and for a fallback with no topic.
    public var topic: String
    /// How many that day.
    public var count: Int

    /// Creates a count.
    public init(day: String, intent: String, topic: String = "", count: Int) {
        self.day = day
        self.intent = intent
        self.topic = topic
        self.count = count
    }
}

/// Where the per-day reply counts are kept (next to the callback requests). The SQLite store implements it.
public protocol ReplyCountStore: Sendable {
    /// Adds `counts` to the counts kept (same day, intent and topic add up), in one write.
    func addReplyCounts(_ counts: [ReplyCount]) async throws
    /// Every count on or after `day` (`YYYY-MM-DD`), oldest day first.
    func replyCounts(since day: String) async throws -> [ReplyCount]
}

/// A store that counts the replies given through it: ``Conversation/respond(to:store:counts:)`` tells it of
/// every reply. Counting is synchronous and cheap (memory only); the store writes the counts in batches.
public protocol ReplyCounting: Sendable {
    /// Counts one reply of `intent` (with its fallback `topic`, if any), today.
    func countReply(intent: IntentID, topic: IntentID?)
}

/// Reply counts gathered in memory until they are written: one lock, a dictionary, and today's date worked
/// out once a day rather than once a reply.
public final class ReplyTally: Sendable {
    private struct Key: Hashable {
        var day: String
        var intent: String
        var topic: String
    }

    private struct State {
        var counts: [Key: Int] = [:]
        var day = ""
        var dayEnds = Date.distantPast
        var lastDrain = Date()
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> Date

    /// An empty tally; `now` is the clock days are read from.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Counts one reply today.
    public func note(intent: IntentID, topic: IntentID?) {
        let date = now()
        state.withLock { state in
            if date >= state.dayEnds || date < state.dayEnds.addingTimeInterval(-86_400 * 2) {
                state.day = CrisisCount.day(of: date)
                state.dayEnds = Self.endOfDay(after: date)
            }
            state.counts[Key(day: state.day, intent: intent.rawValue, topic: topic?.rawValue ?? ""), default: 0] += 1
        }
    }

    /// Whether counts have waited at least `interval` since the last ``drain()``.
    public func isDue(every interval: TimeInterval) -> Bool {
        let date = now()
        return state.withLock { !$0.counts.isEmpty && date.timeIntervalSince($0.lastDrain) >= interval }
    }

    /// Takes every count gathered so far, leaving the tally empty.
    public func drain() -> [ReplyCount] {
        let date = now()
        return state.withLock { state in
            let counts = state.counts.map { ReplyCount(day: $0.key.day, intent: $0.key.intent, topic: $0.key.topic, count: $0.value) }
            state.counts.removeAll(keepingCapacity: true)
            state.lastDrain = date
            return counts.sorted { ($0.day, $0.intent, $0.topic) < ($1.day, $1.intent, $1.topic) }
        }
    }

    /// Puts counts back that could not be written, so the next write carries them.
    public func restore(_ counts: [ReplyCount]) {
        state.withLock { state in
            for count in counts {
                state.counts[Key(day: count.day, intent: count.intent, topic: count.topic), default: 0] += count.count
            }
        }
    }

    private static func endOfDay(after date: Date) -> Date {
        let calendar = Calendar(identifier: .gregorian)
        let start = calendar.startOfDay(for: date)
        return calendar.date(byAdding: .day, value: 1, to: start) ?? date.addingTimeInterval(3600)
    }
}

/// Reply counts kept in memory, for tests and for the staff console without a store that counts.
public actor InMemoryReplyCountStore: ReplyCountStore {
    private var counts: [ReplyCount] = []

    /// An empty store.
    public init() {}

    public func addReplyCounts(_ added: [ReplyCount]) {
        for count in added {
            if let index = counts.firstIndex(where: {
                $0.day == count.day && $0.intent == count.intent && $0.topic == count.topic
            }) {
                counts[index].count += count.count
            } else {
                counts.append(count)
            }
        }
    }

    public func replyCounts(since day: String) -> [ReplyCount] {
        counts.filter { $0.day >= day }.sorted { ($0.day, $0.intent, $0.topic) < ($1.day, $1.intent, $1.topic) }
    }
}
