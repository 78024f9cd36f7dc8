import Foundation
import Hummingbird
import OpenDoorKit

extension StaffRoutes {
    /// Counts, never text: replies per day by intent, fallbacks per day by topic, crisis replies and check-ins
    /// by category and level, callback requests by status; a small chart for each series.
    func countsPage(context: StaffRequestContext) async throws -> Response {
        let countDays = CountDay.last(console.configuration.countDays, until: console.configuration.now())
        let days = countDays.map(\.name)
        let since = days[0]
        var problems: [String] = []
        // Whatever store the console was given: the counts it keeps are shown, the ones it doesn't are named.
        var replies: [ReplyCount] = []
        var notKept: [String] = []
        if let store = console.store as? any ReplyCountStore {
            do { replies = try await store.replyCounts(since: since) } catch { problems.append("\(error)") }
        } else {
            notKept.append("replies and unanswered questions")
        }
        var crises: [CrisisCount] = []
        if let store = console.store as? any CrisisCountStore {
            do { crises = try await store.crisisCounts(since: since) } catch { problems.append("\(error)") }
        } else {
            notKept.append("crisis replies and check-ins")
        }
        // Counted by the store (a grouped query), never read one by one.
        var requests: [RequestCount] = []
        do { requests = try await console.store.requestCounts(on: countDays) } catch { problems.append("\(error)") }

        let replySeries = Self.series(replies.map { ($0.intent, $0.day, $0.count) })
        let fallbackSeries = Self.series(
            replies.filter { $0.intent == IntentID.fallback.rawValue }.map {
                ($0.topic.isEmpty ? "no topic" : $0.topic, $0.day, $0.count)
            })
        let crisisSeries = Self.series(crises.map { ("\($0.category.rawValue), \($0.level.rawValue)", $0.day, $0.count) })
        let requestSeries = Self.series(
            requests.map { ($0.status.rawValue, $0.day, $0.count) }, order: CallbackStatus.allCases.map(\.rawValue))
        var notices: [Markup] = []
        if !problems.isEmpty {
            let why = problems.joined(separator: "; ")
            notices.append("<p class=\"notice\" role=\"alert\">Some counts can't be read right now: \(why)</p>")
        }
        if !notKept.isEmpty {
            let what = notKept.joined(separator: " or ")
            notices.append(
                """
                <p class="notice" id="not-kept">The callback store in use doesn't keep counts of \(what), so those \
                sections stay empty.</p>
                """)
        }
        let notice: Markup = "\(notices)"
        return StaffPage.response(
            title: "Counts — OpenDoor staff", section: .counts, session: context.sessions.session,
            body: """
                <h1>Counts</h1>
                <p class="muted">The last \(days.count) days, \(since) to \(days[days.count - 1]). Only numbers are kept: \
                no message, no time of day, nothing that tells one visitor from another.</p>
                \(notice)
                \(section("Replies by intent", id: "replies", series: replySeries, days: days, empty: "No replies counted yet."))
                \(section("Questions the knowledge doesn't answer, by topic", id: "fallbacks", series: fallbackSeries, days: days, empty: "No “I don't know” replies counted yet."))
                \(section("Crisis replies and check-ins, by category and level", id: "crises", series: crisisSeries, days: days, empty: "No crisis replies or check-ins."))
                \(section("Callback requests by status (by the day they were made)", id: "requests", series: requestSeries, days: days, empty: "No callback requests."))
                """)
    }

    /// Per key, the count per day; keys by total, largest first (or in `order`).
    static func series(_ entries: [(key: String, day: String, count: Int)], order: [String]? = nil)
        -> [(key: String, byDay: [String: Int], total: Int)]
    {
        var byKey: [String: [String: Int]] = [:]
        for entry in entries { byKey[entry.key, default: [:]][entry.day, default: 0] += entry.count }
        let series = byKey.map { key, byDay in (key: key, byDay: byDay, total: byDay.values.reduce(0, +)) }
        if let order {
            return series.sorted { (order.firstIndex(of: $0.key) ?? .max) < (order.firstIndex(of: $1.key) ?? .max) }
        }
        return series.sorted { ($1.total, $0.key) < ($0.total, $1.key) }
    }

    private func section(
        _ title: String, id: String, series: [(key: String, byDay: [String: Int], total: Int)], days: [String],
        empty: String
    ) -> Markup {
        guard !series.isEmpty else {
            return "<h2>\(title)</h2><p class=\"muted\" id=\"\(id)\">\(empty)</p>"
        }
        let totals = days.map { day in series.reduce(0) { $0 + ($1.byDay[day] ?? 0) } }
        let all = CountChart(days: days, values: totals, label: "\(title): all, per day")
        let rows = series.map { entry -> Markup in
            let chart = CountChart(
                days: days, values: days.map { entry.byDay[$0] ?? 0 }, label: "\(entry.key) per day", width: 200,
                height: 40)
            return "<tr><td>\(entry.key)</td><td>\(entry.total)</td><td>\(chart.svg)</td></tr>\n"
        }
        return """
            <h2>\(title)</h2>
            <div class="card" id="\(id)">
            \(all.svg)
            <table><thead><tr><th>Which</th><th>Total</th><th>Per day</th></tr></thead><tbody>
            \(rows)</tbody></table>
            </div>
            """
    }
}
