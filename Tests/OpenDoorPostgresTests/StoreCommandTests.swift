import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import OpenDoorPostgres
import OpenDoorSQLite
import Testing

/// `--store` and `callbacks copy` as staff run them: the built binary, its output and exit status.
@Suite("Store choice on the command line")
struct StoreCommandTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    static func draft(_ name: String) -> CallbackDraft {
        CallbackDraft(name: name, phone: PhoneNumber(e164: "+14705550123")!, bestTime: .morning, voicemailOK: true)
    }

    /// Runs the built `opendoor` with `arguments` and extra environment.
    static func opendoor(
        _ arguments: [String],
        environment: [String: String] = [:]
    ) async throws -> (status: Int32, output: String, error: String) {
        let binary = root.appendingPathComponent(".build/debug/opendoor")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first: swift build")
        let process = ChildProcess()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ChildProcesses.environment(removing: ["OPENDOOR_STORE", "OPENDOOR_DATA"], adding: environment)
        let finished = try await ChildProcesses.runToEnd(process)
        return (finished.status, finished.output, finished.error)
    }

    @Test(
        "copy from SQLite to PostgreSQL keeps every request; copying twice gives the same store as once",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func copyIsIdempotent() async throws {
        try await withTemporaryDirectory { directory in
            try await withTestDatabase { url in
                let sqlite = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
                var saved: [CallbackRequest] = []
                for name in ["Ana", "Ben", "Cy"] { saved.append(try await sqlite.save(Self.draft(name), channel: .web)) }
                saved[1] = try #require(try await sqlite.mark(reference: saved[1].reference, as: .contacted))
                saved[2] = try #require(try await sqlite.mark(reference: saved[2].reference, as: .contacted, by: "dana"))
                saved[2] = try #require(try await sqlite.mark(reference: saved[2].reference, as: .closed, by: "sam"))
                let audit = try await sqlite.statusChanges(limit: 100)
                #expect(audit.count >= 2)
                try await sqlite.addReplyCounts([
                    ReplyCount(day: "2026-12-01", intent: "hours", count: 7),
                    ReplyCount(day: "2026-12-02", intent: "fallback", topic: "insurance", count: 2),
                ])
                try await sqlite.recordCrisis(.suicide, level: .check, day: "2026-12-02")
                try await sqlite.close()

                let first = try await Self.opendoor(["callbacks", "copy", "--from", "sqlite:\(directory.path)", "--to", url])
                #expect(first.status == 0, "\(first.error)")
                #expect(first.output.contains("Copied 3 request(s)"), "\(first.output)")
                #expect(first.output.contains("Counts copied: 9 replies, 1 crisis"), "\(first.output)")
                #expect(first.output.contains("Status changes (who marked what, when) copied: \(audit.count);"), "\(first.output)")
                // Counted by a server on PostgreSQL between the two copies: added to, never replaced.
                let live = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
                try await live.addReplyCounts([ReplyCount(day: "2026-12-01", intent: "hours", count: 1)])
                try await live.close()
                let second = try await Self.opendoor(["callbacks", "copy", "--from", "sqlite:\(directory.path)", "--to", url])
                #expect(second.status == 0, "\(second.error)")
                #expect(second.output.contains("Copied 0 request(s)") && second.output.contains("3 were there already"))
                #expect(second.output.contains("copied: 0; \(audit.count) were there already"), "\(second.output)")

                let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
                let copied = try await store.list(status: nil)
                let replies = try await store.replyCounts(since: "")
                let crises = try await store.crisisCounts(since: "")
                let copiedAudit = try await store.statusChanges(limit: 100)
                try await store.close()
                #expect(copiedAudit == audit, "the audit copied once, newest first as in the source")
                #expect(
                    replies == [
                        ReplyCount(day: "2026-12-01", intent: "hours", count: 8),
                        ReplyCount(day: "2026-12-02", intent: "fallback", topic: "insurance", count: 2),
                    ])
                #expect(crises == [CrisisCount(day: "2026-12-02", category: .suicide, level: .check, count: 1)])
                func withoutIDs(_ requests: [CallbackRequest]) -> [CallbackRequest] {
                    requests.map { var request = $0; request.id = 0; return request }
                }
                #expect(withoutIDs(copied) == withoutIDs(saved.reversed()))
            }
        }
    }

    @Test(
        "staff commands read and write a PostgreSQL store given by --store or $OPENDOOR_STORE",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func staffCommandsOnPostgres() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            let saved = try await store.save(Self.draft("Dee"), channel: .socket)
            try await store.close()

            let list = try await Self.opendoor(["callbacks", "list", "--store", url])
            #expect(list.status == 0, "\(list.error)")
            #expect(list.output.contains(saved.reference) && list.output.contains("Dee"))
            let mark = try await Self.opendoor(["callbacks", "mark", saved.reference, "closed"], environment: ["OPENDOOR_STORE": url])
            #expect(mark.status == 0, "\(mark.error)")
            let export = try await Self.opendoor(["callbacks", "export", "--format", "json", "--status", "closed", "--store", url])
            #expect(export.output.contains(saved.reference), "\(export.output)")
        }
    }

    @Test(
        "opendoor crisis-counts reads a PostgreSQL store: what every server counted",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func crisisCountsOnPostgres() async throws {
        try await withTestDatabase { url in
            let today = CrisisCount.day(of: Date())
            for _ in 0..<2 {
                let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
                try await store.recordCrisis(.overdose, level: .crisis, day: today)
                try await store.close()
            }
            let counts = try await Self.opendoor(["crisis-counts", "--days", "2", "--store", url])
            #expect(counts.status == 0, "\(counts.error)")
            #expect(counts.output.contains("total since") && counts.output.contains("2 crisis replies"), "\(counts.output)")
            #expect(counts.error.contains("Store: "), "\(counts.error)")
        }
    }

    @Test(
        "copy knows a source by what it is: a link to a folder copied before is not a new source; a store can't be copied into itself",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func copySourceIdentity() async throws {
        try await withTemporaryDirectory { directory in
            try await withTestDatabase { url in
                let sqlite = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
                try await sqlite.addReplyCounts([ReplyCount(day: "2026-12-01", intent: "hours", count: 52)])
                try await sqlite.close()
                let link = directory.deletingLastPathComponent().appendingPathComponent("link-\(UUID().uuidString)")
                try FileManager.default.createSymbolicLink(at: link, withDestinationURL: directory)
                defer { try? FileManager.default.removeItem(at: link) }
                for folder in [directory, link] {
                    let copy = try await Self.opendoor(["callbacks", "copy", "--from", "sqlite:\(folder.path)", "--to", url])
                    #expect(copy.status == 0, "\(copy.error)")
                }
                let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
                let replies = try await store.replyCounts(since: "")
                try await store.close()
                #expect(replies == [ReplyCount(day: "2026-12-01", intent: "hours", count: 52)], "counted twice: \(replies)")

                let itself = try await Self.opendoor(["callbacks", "copy", "--from", url, "--to", url])
                #expect(itself.status == 1)
                #expect(itself.error.contains("can't be copied into itself"), "\(itself.error)")
            }
        }
    }

    @Test(
        "staff commands never create a store in a database without one, and say which store they looked at",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func staffCommandsNeverCreate() async throws {
        try await withTestDatabase { url in
            for arguments in [["callbacks", "list"], ["callbacks", "export"], ["crisis-counts"], ["callbacks", "mark", "ABC-123", "closed"]] {
                let result = try await Self.opendoor(arguments + ["--store", url])
                #expect(result.status == 1, "\(arguments): \(result.output)")
                #expect(result.error.contains("holds no OpenDoor callback store"), "\(result.error)")
                #expect(result.error.contains("chosen by --store"), "\(result.error)")
            }
            let tables = try await withConnection(url) { connection in
                try await connection.query(
                    "SELECT count(*)::int FROM pg_tables WHERE schemaname = 'public'", logger: quietLogger
                ).collect().first?.decode(Int.self)
            }
            #expect(tables == 0, "the database was left as it was")
        }
    }

    @Test(
        "a database that refuses the connection fails at once with PostgreSQL's reason, not a time-out",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func refusedConnections() async throws {
        let admin = try #require(testPostgresURL.flatMap { URLComponents(string: $0) })
        var noDatabase = admin
        noDatabase.path = "/opendoor_no_such_database"
        var noRole = admin
        noRole.user = "opendoor_no_such_role"
        var closedPort = admin
        closedPort.port = 1
        try await withTemporaryDirectory { directory in
            try await SQLiteCallbackStore(directory: directory, logger: quietLogger).close()
            for (components, reason) in [
                (noDatabase, #"database "opendoor_no_such_database" does not exist"#),
                (noRole, #"role "opendoor_no_such_role" does not exist"#),
                (closedPort, "onnection refused"),
            ] {
                let url = try #require(components.string)
                let result = try await Self.opendoor(["callbacks", "list", "--store", url])
                #expect(result.status == 1)
                #expect(result.error.contains(reason), "\(result.error)")
                #expect(!result.error.contains("did not answer in time"), "\(result.error)")
                let copy = try await Self.opendoor(["callbacks", "copy", "--from", "sqlite:\(directory.path)", "--to", url])
                #expect(copy.status == 1)
                #expect(copy.error.contains(reason), "\(copy.error)")
                #expect(!copy.error.contains("--store"), "copy names --to, not --store: \(copy.error)")
            }
        }
    }

    @Test(
        "callbacks list and export read a page at a time and write what one read of the whole list gives",
        arguments: StoreKind.allCases)
    func pagedListAndExport(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let clock = StoreTestClock()
            let store = try await place.open(StoreOptions(now: { clock.now }))
            // 23 requests, two to a millisecond; the oldest has the longest name, so a table measured on its first
            // page alone would be too narrow.
            for index in 0..<23 {
                let name = index == 0 ? "Maximilian Alexander Thornbury-Wells" : "Visitor \(index), \"V\""
                let saved = try await store.save(Self.draft(name), channel: .web)
                if index % 3 == 0 { _ = try await store.mark(reference: saved.reference, as: .contacted) }
                if index % 2 == 1 { clock.advance(by: 0.001) }
            }
            let whole = try await store.list(status: nil)
            let contacted = try await store.list(status: .contacted)
            try await store.close()
            let where_: [String]
            switch place {
            case .sqlite(let directory): where_ = ["--data", directory.path]
            case .postgres(let url): where_ = ["--store", url]
            }
            for command in [["list"], ["export", "--format", "csv"], ["export", "--format", "json"]] {
                for status in [[], ["--status", "contacted"]] {
                    var outputs: [String] = []
                    for size in ["1", "4", "23", "1000"] {
                        let result = try await Self.opendoor(["callbacks"] + command + status + where_ + ["--page-size", size])
                        #expect(result.status == 0, "\(command) \(size): \(result.error)")
                        outputs.append(result.output)
                    }
                    #expect(Set(outputs).count == 1, "\(command) \(status): the output depends on the page size")
                    let requests = status.isEmpty ? whole : contacted
                    let expected =
                        switch command.last {
                        case "csv": CallbackReport.csv(requests)
                        case "json": CallbackReport.json(requests) + "\n"  // print's own line end, as before pages
                        default: CallbackReport.table(requests)
                        }
                    #expect(outputs.first == expected, "\(command) \(status)")
                }
            }
        }
    }

    @Test("a store URL that can't work is refused before anything runs, saying why")
    func badStoreArguments() async throws {
        let scheme = try await Self.opendoor(["callbacks", "list", "--store", "mysql://me@host/db"])
        #expect(scheme.status == 64)
        #expect(scheme.error.contains("postgres://USER@HOST:PORT/DB"), "\(scheme.error)")
        // Next to a PostgreSQL store, --data names the staff accounts' folder only (QA13 D1); two SQLite stores clash.
        let both = try await Self.opendoor(["callbacks", "list", "--store", "sqlite:/tmp/x", "--data", "/tmp"])
        #expect(both.status == 64)
        #expect(both.error.contains("give one of them"), "\(both.error)")
        let copyToSQLite = try await Self.opendoor(["callbacks", "copy", "--from", "sqlite:/tmp/x", "--to", "sqlite:/tmp/y"])
        #expect(copyToSQLite.status == 64)
    }
}
