import Foundation
import OpenDoorKit
import PostgresNIO

extension PostgresCallbackStore {
    /// One grouped query over the days' spans of `created_ms` (its index): no request is read, however many every
    /// server sharing the database has saved.
    public func requestCounts(on days: [CountDay]) async throws -> [RequestCount] {
        try checkOpen()
        guard !days.isEmpty else { return [] }
        var bindings = PostgresBindings(capacity: days.count * 3)
        for day in days {
            bindings.append(day.name)
            bindings.append(Self.milliseconds(day.start))
            bindings.append(Self.milliseconds(day.end))
        }
        let spans = (0..<days.count).map { "($\($0 * 3 + 1), $\($0 * 3 + 2)::BIGINT, $\($0 * 3 + 3)::BIGINT)" }
        let query = PostgresQuery(
            unsafeSQL: """
                WITH span(day, start_ms, end_ms) AS (VALUES \(spans.joined(separator: ", ")))
                SELECT span.day, callback_request.status, COUNT(*)
                FROM span JOIN callback_request
                    ON callback_request.created_ms >= span.start_ms AND callback_request.created_ms < span.end_ms
                GROUP BY span.start_ms, span.day, callback_request.status ORDER BY span.start_ms, callback_request.status
                """,
            binds: bindings)
        let client = client
        return try await perform(.read, event: "Could not count callback requests") {
            var counts: [RequestCount] = []
            for try await (day, status, count) in try await client.query(query).decode((String, String, Int64).self) {
                // A status this version doesn't know is not one of the page's rows.
                guard let status = CallbackStatus(rawValue: status) else { continue }
                counts.append(RequestCount(day: day, status: status, count: Int(count)))
            }
            return counts
        }
    }
}
