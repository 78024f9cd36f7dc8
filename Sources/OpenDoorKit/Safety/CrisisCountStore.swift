import Foundation
import Logging
import Synchronization

/// How many crisis replies and check-ins were given on one day, for one category and level.
///
/// Counts only: no message, no time of day, no conversation, nothing that could identify a visitor.
public struct CrisisCount: Sendable, Hashable, Codable {
    /// The day, `YYYY-MM-DD` in the server's time zone.
    public var day: String
    /// The crisis.
    public var category: CrisisCategory
    /// The crisis reply or the check-in.
    public var level: SafetyLevel
    /// How many times that day.
    public var count: Int

    /// Creates a count.
    public init(day: String, category: CrisisCategory, level: SafetyLevel, count: Int) {
        self.day = day
        self.category = category
        self.level = level
        self.count = count
    }

    /// The day `date` falls on in `timeZone`, as `YYYY-MM-DD`.
    public static func day(of date: Date, in timeZone: TimeZone = .current) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let year = parts.year ?? 0
        let month = parts.month ?? 0
        let day = parts.day ?? 0
        return "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}

/// Where the per-day counts of crisis replies and check-ins are kept (next to the callback requests).
///
/// The SQLite and PostgreSQL stores implement it; `InMemoryCrisisCountStore` is for tests.
public protocol CrisisCountStore: Sendable {
    /// Adds one to the count of `category` at `level` on `day` (`YYYY-MM-DD`): written before it returns, or, by
    /// a store that is also ``CrisisCounting``, taken in memory and written as its other counts are.
    func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) async throws
    /// Every count on or after `day` (`YYYY-MM-DD`), oldest day first.
    func crisisCounts(since day: String) async throws -> [CrisisCount]
}

/// A store that counts crisis replies and check-ins without the reply waiting for a write: a visitor in crisis
/// never waits on a disk sync, a network round trip or a store that hangs.
///
/// ``countCrisis(_:level:day:)`` is a dictionary update in memory (a ``CrisisTally``); the store writes what
/// gathered in one batch in the background, again after a failed write, and on a clean close. Reading the
/// counts through the store writes its own first. ``flushCounts()`` is the event a caller (a test, a command
/// that exits) waits for.
public protocol CrisisCounting: Sendable {
    /// Counts one crisis reply or check-in of `category` at `level` on `day` (`YYYY-MM-DD`); returns at once.
    func countCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String)
    /// Writes every count taken so far and returns once they are written, or once writing failed (they then
    /// wait in memory for the next write). True when nothing taken is left unwritten.
    @discardableResult
    func flushCounts() async -> Bool
}

/// Crisis counts taken in memory until a store writes them, per day, category and level (a few rows a day,
/// however busy the service).
///
/// Bounded: while the store can't be written, counts of rows already kept still add up, but past
/// ``maximumRows`` rows (a year and more of every category and level) a count for a new row is dropped and
/// only how many were dropped is kept, for the log (``takeDropped()``).
public final class CrisisTally: Sendable {
    private struct Key: Hashable {
        var day: String
        var category: CrisisCategory
        var level: SafetyLevel
    }

    private struct State {
        var counts: [Key: Int] = [:]
        var dropped = 0
    }

    /// The most rows kept unwritten.
    public let maximumRows: Int
    private let state = Mutex(State())

    /// An empty tally that keeps at most `maximumRows` rows.
    public init(maximumRows: Int = 4096) {
        self.maximumRows = maximumRows
    }

    /// Counts one crisis reply or check-in.
    public func note(_ category: CrisisCategory, level: SafetyLevel, day: String) {
        let key = Key(day: day, category: category, level: level)
        state.withLock { state in
            if let count = state.counts[key] {
                state.counts[key] = count + 1
            } else if state.counts.count < maximumRows {
                state.counts[key] = 1
            } else {
                state.dropped += 1
            }
        }
    }

    /// Whether no count waits to be written.
    public var isEmpty: Bool {
        state.withLock { $0.counts.isEmpty }
    }

    /// Takes every count gathered so far, oldest day first, leaving the tally empty.
    public func drain() -> [CrisisCount] {
        state.withLock { state in
            defer { state.counts.removeAll(keepingCapacity: true) }
            return state.counts.map {
                CrisisCount(day: $0.key.day, category: $0.key.category, level: $0.key.level, count: $0.value)
            }.sorted {
                ($0.day, $0.category.rawValue, $0.level.rawValue) < ($1.day, $1.category.rawValue, $1.level.rawValue)
            }
        }
    }

    /// Puts back counts that could not be written, so the next write carries them (within ``maximumRows``).
    public func restore(_ counts: [CrisisCount]) {
        state.withLock { state in
            for count in counts {
                let key = Key(day: count.day, category: count.category, level: count.level)
                if state.counts[key] != nil || state.counts.count < maximumRows {
                    state.counts[key, default: 0] += count.count
                } else {
                    state.dropped += count.count
                }
            }
        }
    }

    /// How many counts were dropped since the last call, for the log (never more than a number).
    public func takeDropped() -> Int {
        state.withLock { state in
            defer { state.dropped = 0 }
            return state.dropped
        }
    }

    /// Logs how many counts were dropped since the last call, when any were: a number, nothing else.
    public func logDropped(_ logger: Logger) {
        let dropped = takeDropped()
        guard dropped > 0 else { return }
        logger.error(
            """
            Crisis counts dropped: the store could not be written for so long that the counts kept in memory \
            reached their bound
            """,
            metadata: ["crisis_counts_dropped": "\(dropped)", "rows_kept": "\(maximumRows)"])
    }
}

/// Crisis counts kept in memory, for tests and for running without a store.
public final class InMemoryCrisisCountStore: CrisisCountStore, CrisisCounting {
    private let kept = Mutex<[CrisisCount]>([])

    /// An empty store.
    public init() {}

    public func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) {
        countCrisis(category, level: level, day: day)
    }

    /// Counted at once: there is nothing to write.
    public func countCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) {
        kept.withLock { counts in
            if let index = counts.firstIndex(where: { $0.day == day && $0.category == category && $0.level == level }) {
                counts[index].count += 1
            } else {
                counts.append(CrisisCount(day: day, category: category, level: level, count: 1))
            }
        }
    }

    public func flushCounts() -> Bool { true }

    public func crisisCounts(since day: String) -> [CrisisCount] {
        kept.withLock { $0 }.filter { $0.day >= day }.sorted {
            ($0.day, $0.category.rawValue, $0.level.rawValue) < ($1.day, $1.category.rawValue, $1.level.rawValue)
        }
    }
}
