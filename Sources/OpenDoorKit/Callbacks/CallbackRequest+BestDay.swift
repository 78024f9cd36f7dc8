import Foundation

extension CallbackRequest {
    /// The day the visitor's words name, counted from when the request was saved (see ``BestDay``).
    public func bestDay(timeZone: TimeZone) -> BestDay? {
        bestTimeSaid.flatMap { BestDay(said: $0, created: created, timeZone: timeZone) }
    }

    /// The best time as staff read it: the visitor's words, then the part of the day and the day they name ("tomorrow
    /// around 4ish (afternoon, Mon Dec 7)"); the part of the day alone when an option was picked. Visitor-typed words
    /// are sanitized.
    public func bestTimeForStaff(timeZone: TimeZone) -> String {
        guard let said = bestTimeSaid else { return bestTime.displayName }
        let day = bestDay(timeZone: timeZone).map { ", \($0.display)" } ?? ""
        return "\(CallbackReport.sanitize(said)) (\(bestTime.displayName)\(day))"
    }
}
