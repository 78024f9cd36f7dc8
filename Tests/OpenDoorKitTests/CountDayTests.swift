import Foundation
import OpenDoorKit
import Testing

@Suite("Count days")
struct CountDayTests {
    @Test("the last days are contiguous calendar days in the time zone, oldest first, a daylight-saving day 23 hours")
    func lastDays() throws {
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let now = try #require(calendar.date(from: DateComponents(year: 2026, month: 3, day: 9, hour: 0, minute: 30)))
        let days = CountDay.last(3, until: now, in: zone)
        #expect(days.map(\.name) == ["2026-03-07", "2026-03-08", "2026-03-09"])
        #expect(zip(days, days.dropFirst()).allSatisfy { $0.end == $1.start })
        #expect(days.map { $0.end.timeIntervalSince($0.start) / 3600 } == [24, 23, 24])
        #expect(days[2].start <= now && now < days[2].end)
        #expect(CountDay.last(0, until: now, in: zone).isEmpty)
    }
}
