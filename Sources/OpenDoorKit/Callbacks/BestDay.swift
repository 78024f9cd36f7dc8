import Foundation

/// The day a best time said with a relative day word stands for ("tomorrow around 4ish" said on Sunday, Dec 6 is
/// Monday, Dec 7), for staff: counted from when the request was saved, so nothing more is stored.
///
/// Only one day, said plainly, is resolved: "today", "tonight", "tomorrow" ("tmrw"), or a weekday's name ("monday",
/// "fri"). Nothing is resolved for days that recur ("mondays", "weekdays"), a day ruled out ("anytime but tuesday"),
/// "next monday" (this coming one, or the one after?), the weekday it was said on (today, or a week from now?), or
/// two days ("monday or tuesday"): the visitor's words, shown beside it, say it all.
public struct BestDay: Sendable, Hashable {
    /// The year, month and day.
    public var year: Int, month: Int, day: Int
    /// The day of the week, 1 for Sunday to 7 for Saturday.
    public var weekday: Int

    /// The day `said` names, counted from `created` in `timeZone`; nil when it names none, or not plainly one.
    public init?(said: String, created: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let words = TextNormalizer.words(said)
        let today = calendar.component(.weekday, from: created)
        var offsets = Set<Int>()
        // "any day but tuesday, after noon", "tomorrow, not in the morning": a time that rules anything out is read by
        // staff in the visitor's words; no day is scheduled from it, so a day ruled out can never become the day
        // (QA24 S1-1).
        guard !words.contains(where: Self.ruling.contains) else { return nil }
        for (index, word) in words.enumerated() {
            guard Self.relative[word] != nil || Self.weekdays[word] != nil else { continue }
            if let days = Self.relative[word] {
                offsets.insert(days)
            } else if let weekday = Self.weekdays[word] {
                guard weekday != today, index == 0 || words[index - 1] != "next" else { return nil }
                offsets.insert((weekday - today + 7) % 7)
            }
        }
        guard offsets.count == 1, let offset = offsets.first,
            let date = calendar.date(byAdding: .day, value: offset, to: created)
        else { return nil }
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day, let weekday = parts.weekday else {
            return nil
        }
        (self.year, self.month, self.day, self.weekday) = (year, month, day, weekday)
    }

    /// For staff lists: "Mon Dec 7".
    public var display: String {
        "\(Self.weekdayNames[weekday - 1]) \(Self.monthNames[month - 1]) \(day)"
    }

    /// For files and tools: "2026-12-07".
    public var iso: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    private static let relative: [String: Int] = [
        "today": 0, "tonight": 0, "tonite": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tmw": 1, "tomorow": 1, "tommorow": 1,
        "tommorrow": 1, "2morrow": 1, "2moro": 1,
    ]
    private static let weekdays: [String: Int] = [
        "sunday": 1, "sun": 1, "monday": 2, "mon": 2, "tuesday": 3, "tue": 3, "tues": 3, "wednesday": 4, "wed": 4,
        "thursday": 5, "thu": 5, "thur": 5, "thurs": 5, "friday": 6, "fri": 6, "saturday": 7, "sat": 7,
    ]
    /// Words that rule out the day right after them.
    private static let ruling: Set<String> = [
        "not", "but", "except", "no", "never", "dont", "cant", "besides", "unless", "other", "busy", "bad", "wont",
    ]
    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
