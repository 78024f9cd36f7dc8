import Foundation

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
/// The SQLite store implements it; `InMemoryCrisisCountStore` is for tests.
public protocol CrisisCountStore: Sendable {
    /// Adds one to the count of `category` at `level` on `day` (`YYYY-MM-DD`).
    func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) async throws
    /// Every count on or after `day` (`YYYY-MM-DD`), oldest day first.
    func crisisCounts(since day: String) async throws -> [CrisisCount]
}

/// Crisis counts kept in memory, for tests and for running without a store.
public actor InMemoryCrisisCountStore: CrisisCountStore {
    private var counts: [CrisisCount] = []

    /// An empty store.
    public init() {}

    public func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) {
        if let index = counts.firstIndex(where: { $0.day == day && $0.category == category && $0.level == level }) {
            counts[index].count += 1
        } else {
            counts.append(CrisisCount(day: day, category: category, level: level, count: 1))
        }
    }

    public func crisisCounts(since day: String) -> [CrisisCount] {
        counts.filter { $0.day >= day }.sorted { ($0.day, $0.category.rawValue, $0.level.rawValue) < ($1.day, $1.category.rawValue, $1.level.rawValue) }
    }
}
