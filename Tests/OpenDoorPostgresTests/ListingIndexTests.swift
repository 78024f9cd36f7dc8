import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorTestSupport
import PostgresNIO
import Testing

/// Issue 12 (QA: `callbacks list` 256 s and `export` 113 s on 200,000 rows): a page of a listing reads along an index on
/// (created_ms, id), so it reads its own rows, however many rows share a millisecond.
@Suite("Listing pages read their own rows", .enabled(if: testPostgresURL != nil, postgresMissing))
struct ListingIndexTests {
    /// Rows of one millisecond (as a copy or a bulk load writes them): before, each page read all of them.
    static let rows = 20_000
    static let limit = 100

    @Test("a page of 100 among 20,000 rows of one millisecond reads about its own rows, with or without a status")
    func pageReadsItsOwnRows() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            try await store.close()
            try await withConnection(url) { connection in
                _ = try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO callback_request (reference, created_ms, name, phone_e164, best_time, voicemail_ok,
                                channel, status, voicemail, crisis_in_chat)
                            SELECT 'T' || g, 1765000000000, 'Visitor ' || g, '+14705550123', 'evening', TRUE, 'web',
                                (ARRAY['new', 'contacted', 'closed'])[1 + g % 3], 'yes', FALSE
                            FROM generate_series(1, \(Self.rows)) g
                            """), logger: quietLogger
                ).collect()
                _ = try await connection.query("ANALYZE callback_request", logger: quietLogger).collect()

                let indexes = try await connection.query(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'callback_request'", logger: quietLogger
                ).collect().map { try $0.decode(String.self) }
                #expect(indexes.contains("callback_request_on_created_id"), "\(indexes)")
                #expect(indexes.contains("callback_request_on_status_created_id"), "\(indexes)")
                #expect(!indexes.contains("callback_request_on_created"), "the pair's index replaces it: \(indexes)")

                // From the middle of the millisecond, as the 101st page would start.
                let middle: (Int64, Int64) = (1_765_000_000_000, Int64(Self.rows / 2))
                for status in [nil, CallbackStatus.closed] {
                    let page = PostgresCallbackStore.pageQuery(status: status, limit: Self.limit, after: middle)
                    let plan = try await Self.plan(page, on: connection)
                    let read = Self.rowsRead(plan)
                    #expect(read <= 10 * Self.limit, "status \(status?.rawValue ?? "any"): \(read) rows read for a page of \(Self.limit)")
                    #expect(!Self.nodeTypes(plan).contains { $0.hasSuffix("Sort") }, "no sort of the millisecond's rows: \(Self.nodeTypes(plan))")
                    // The page itself: the next rows in the order, newest first.
                    let ids = try await connection.query(page, logger: quietLogger).collect().map {
                        try $0.makeRandomAccess()["id"].decode(Int64.self)
                    }
                    let expected = (1..<middle.1).reversed().filter { status == nil || $0 % 3 == 2 }.prefix(Self.limit)
                    #expect(ids == Array(expected))
                }
            }
        }
    }

    /// `EXPLAIN (ANALYZE, FORMAT JSON)` of `query`: its plan's top node.
    static func plan(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [String: Any] {
        let explain = PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, FORMAT JSON) " + query.sql, binds: query.binds)
        let text = try await connection.query(explain, logger: quietLogger).collect().first?.decode(String.self) ?? "[]"
        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]
        return try #require(json?.first?["Plan"] as? [String: Any], "\(text)")
    }

    /// Every node of a plan, depth first.
    static func nodes(_ plan: [String: Any]) -> [[String: Any]] {
        [plan] + ((plan["Plans"] as? [[String: Any]]) ?? []).flatMap(nodes)
    }

    static func nodeTypes(_ plan: [String: Any]) -> [String] {
        nodes(plan).compactMap { $0["Node Type"] as? String }
    }

    /// The rows the plan's scans read from the table: those they passed on and those their filters dropped.
    static func rowsRead(_ plan: [String: Any]) -> Int {
        nodes(plan).filter { ($0["Node Type"] as? String)?.contains("Scan") == true }.reduce(0) { sum, node in
            sum + ((node["Actual Rows"] as? NSNumber)?.intValue ?? 0) + ((node["Rows Removed by Filter"] as? NSNumber)?.intValue ?? 0)
        }
    }
}
