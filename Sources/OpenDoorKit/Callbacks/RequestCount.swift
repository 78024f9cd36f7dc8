import Foundation

/// How many callback requests made on one day have one status now: a line of the staff console's counts.
public struct RequestCount: Sendable, Hashable {
    /// The day the requests were made, `YYYY-MM-DD` (``CountDay/name``).
    public var day: String
    /// Their status now.
    public var status: CallbackStatus
    /// How many.
    public var count: Int

    /// A count of `count` requests made on `day` with `status`.
    public init(day: String, status: CallbackStatus, count: Int) {
        self.day = day
        self.status = status
        self.count = count
    }

    /// `requests` (when each was made, its status) counted by day and status, for those made on one of `days`; in the
    /// order of `days`, then of ``CallbackStatus/allCases``. What a store without a grouped query counts from its list.
    public static func counting(_ requests: [(created: Date, status: CallbackStatus)], on days: [CountDay]) -> [RequestCount] {
        var counts: [String: [CallbackStatus: Int]] = [:]
        for request in requests {
            guard let day = days.first(where: { $0.start <= request.created && request.created < $0.end }) else { continue }
            counts[day.name, default: [:]][request.status, default: 0] += 1
        }
        return days.flatMap { day in
            CallbackStatus.allCases.compactMap { status in
                counts[day.name]?[status].map { RequestCount(day: day.name, status: status, count: $0) }
            }
        }
    }
}

/// A calendar day as the span of time it covers, so that a store's query can count what was made on it.
public struct CountDay: Sendable, Hashable {
    /// `YYYY-MM-DD`, as ``CrisisCount/day(of:in:)`` names it.
    public var name: String
    /// Its first moment.
    public var start: Date
    /// The first moment of the next day.
    public var end: Date

    /// A day named `name` from `start` up to `end`.
    public init(name: String, start: Date, end: Date) {
        self.name = name
        self.start = start
        self.end = end
    }

    /// The `count` days up to the one of `now`, oldest first, in `timeZone`'s calendar (a day of a daylight-saving
    /// change is 23 or 25 hours long).
    public static func last(_ count: Int, until now: Date, in timeZone: TimeZone = .current) -> [CountDay] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let today = calendar.startOfDay(for: now)
        return (0..<max(0, count)).reversed().compactMap { back in
            guard let start = calendar.date(byAdding: .day, value: -back, to: today),
                let end = calendar.date(byAdding: .day, value: 1, to: start)
            else { return nil }
            return CountDay(name: CrisisCount.day(of: start, in: timeZone), start: start, end: end)
        }
    }
}

extension CallbackStore {
    /// Counted from ``list(status:)``: every request read. Stores that can count with a grouped query do.
    public func requestCounts(on days: [CountDay]) async throws -> [RequestCount] {
        RequestCount.counting(try await list(status: nil).map { ($0.created, $0.status) }, on: days)
    }
}
