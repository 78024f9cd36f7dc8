import Foundation
import GRDB
import OpenDoorKit

extension SQLiteCallbackStore {
    /// One grouped query over the days' spans of `created_ms` (its index): no request is read.
    public func requestCounts(on days: [CountDay]) async throws -> [RequestCount] {
        try checkOpen()
        guard !days.isEmpty else { return [] }
        let spans = Array(repeating: "(?, ?, ?)", count: days.count).joined(separator: ", ")
        let arguments = StatementArguments(
            days.flatMap { day -> [(any DatabaseValueConvertible)?] in
                [day.name, Self.milliseconds(day.start), Self.milliseconds(day.end)]
            })
        let sql = """
            WITH span(day, start_ms, end_ms) AS (VALUES \(spans))
            SELECT span.day AS day, callback_request.status AS status, COUNT(*) AS count
            FROM span JOIN callback_request
                ON callback_request.created_ms >= span.start_ms AND callback_request.created_ms < span.end_ms
            GROUP BY span.start_ms, span.day, callback_request.status ORDER BY span.start_ms, callback_request.status
            """
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
                    // A status this version doesn't know is not one of the page's rows.
                    guard let status = CallbackStatus(rawValue: row["status"]) else { return nil }
                    return RequestCount(day: row["day"], status: status, count: row["count"])
                }
            }
        } catch {
            throw failure(error, during: .read, event: "Could not count callback requests")
        }
    }

    /// `date` as `created_ms` stores it: whole milliseconds since 1970.
    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
