import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Synchronization
import Testing

/// The staff console's callback counts, counted by each store with one grouped query.
@Suite("Callback request counts (SQLite and PostgreSQL)")
struct RequestCountContractTests {
    /// A clock the test sets to each request's time.
    final class SetClock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 0))
        var now: Date { time.withLock { $0 } }
    }

    static let newYork = TimeZone(identifier: "America/New_York")!

    /// A moment of March 2026 in New York (daylight saving starts on the 8th: that day is 23 hours long).
    static func local(_ day: Int, _ hour: Int, _ minute: Int = 0, _ second: Int = 0, milliseconds: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = newYork
        let date = calendar.date(
            from: DateComponents(year: 2026, month: 3, day: day, hour: hour, minute: minute, second: second))!
        return date.addingTimeInterval(Double(milliseconds) / 1000)
    }

    @Test(
        "requests are counted by the day they were made and their status now, the days' edges exact, nothing outside them",
        arguments: StoreKind.allCases)
    func countsByDayAndStatus(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let clock = SetClock()
            let store = try await place.open(StoreOptions(now: { clock.now }))
            var saved: [CallbackRequest] = []
            for moment in [
                Self.local(6, 23, 59, 59, milliseconds: 999),  // the day before the first: not counted
                Self.local(7, 0),  // the first day's first moment
                Self.local(8, 23, 30),  // after the clocks went forward
                Self.local(9, 0),
                Self.local(9, 23, 59, 59, milliseconds: 999),
                Self.local(10, 0),  // the day after the last: not counted
            ] {
                clock.time.withLock { $0 = moment }
                saved.append(try await store.save(CallbackStoreContractTests.draft(), channel: .web))
            }
            _ = try await store.mark(reference: saved[3].reference, as: .contacted)
            _ = try await store.mark(reference: saved[0].reference, as: .closed)

            let days = CountDay.last(3, until: Self.local(9, 12), in: Self.newYork)
            #expect(days.map(\.name) == ["2026-03-07", "2026-03-08", "2026-03-09"])
            let counts = try await store.requestCounts(on: days)
            let expected: Set = [
                RequestCount(day: "2026-03-07", status: .new, count: 1),
                RequestCount(day: "2026-03-08", status: .new, count: 1),
                RequestCount(day: "2026-03-09", status: .contacted, count: 1),
                RequestCount(day: "2026-03-09", status: .new, count: 1),
            ]
            #expect(Set(counts) == expected && counts.count == expected.count, "\(counts)")
            // The same as counting the whole list, which a store without a grouped query does.
            let listed = try await store.list(status: nil).map { ($0.created, $0.status) }
            #expect(Set(RequestCount.counting(listed, on: days)) == expected)
            #expect(try await store.requestCounts(on: []).isEmpty)
            try await store.close()
        }
    }
}
