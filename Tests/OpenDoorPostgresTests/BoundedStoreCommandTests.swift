import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorSQLite
import OpenDoorTestSupport
import PostgresNIO
import Testing

/// Issue 12: `callbacks purge` and `copy` a page at a time on stores of a few thousand rows, against SQLite and
/// PostgreSQL: purge in short batches beside a server saving, of the rows it showed only; copy killed part way and run
/// again gives the store one copy gives.
@Suite("Purge and copy a page at a time")
struct BoundedStoreCommandTests {
    static let day: Double = 86_400

    /// Adds `count` requests created `daysAgo` days ago (a millisecond apart), statuses new, contacted, closed in turn,
    /// with one statement per 500 rows written as `sqlite3` or `psql` would (saving thousands one by one takes minutes
    /// on a busy disk). Returns their references, oldest first.
    @discardableResult
    static func fill(
        _ place: StorePlace, on store: any CallbackStore, count: Int, daysAgo: Double, names: String = "Visitor"
    ) async throws -> [String] {
        var references: [String] = []
        var seen = Set<String>()
        while references.count < count {
            let code = ReferenceCode.random()
            if seen.insert(code).inserted { references.append(code) }
        }
        let start = Int64((Date().timeIntervalSince1970 - daysAgo * day) * 1000)
        let statuses = ["new", "contacted", "closed"]
        for first in stride(from: 0, to: count, by: 500) {
            let rows = (first..<min(first + 500, count)).map { index in
                """
                ('\(references[index])', \(start + Int64(index)), '\(names) \(index)', '+14705550123', NULL, 'evening', \
                TRUE, 'web', '\(statuses[index % 3])', NULL, 'yes', FALSE)
                """
            }
            try await place.execute(
                """
                INSERT INTO callback_request (reference, created_ms, name, phone_e164, phone_extension, best_time,
                    voicemail_ok, channel, status, best_time_said, voicemail, crisis_in_chat)
                VALUES \(rows.joined(separator: ",\n"))
                """, on: store)
        }
        return references
    }

    static func purge(_ store: any CallbackStore, olderThan cutoff: Date, includingNew: Bool, through: Int64?) async throws -> Int {
        if let sqlite = store as? SQLiteCallbackStore {
            return try await sqlite.purge(olderThan: cutoff, includingNew: includingNew, through: through)
        }
        return try await #require(store as? PostgresCallbackStore).purge(
            olderThan: cutoff, includingNew: includingNew, through: through)
    }

    static func withoutIDs(_ requests: [CallbackRequest]) -> [CallbackRequest] {
        requests.map { var request = $0; request.id = 0; return request }
    }

    @Test(
        "purge deletes in short batches beside a server saving: every save lands, only old handled rows go, and rows past the id shown stay",
        arguments: StoreKind.allCases)
    func purgeBesideAServer(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let server = try await place.open()
            try await Self.fill(place, on: server, count: 2_400, daysAgo: 10)
            let staff = try await place.open(StoreOptions(pageSize: 300))
            let shownThrough = try #require(try await staff.list(status: nil).map(\.id).max())
            // Rows a copy brings after purge showed its list: as old, with higher ids.
            let late = try await Self.fill(place, on: server, count: 30, daysAgo: 10, names: "Late")
            let saving = Task {
                var saved: [CallbackRequest] = []
                for index in 0..<60 {
                    saved.append(try await server.save(CallbackStoreContractTests.draft("New \(index)"), channel: .web))
                }
                return saved
            }
            let purged = try await Self.purge(
                staff, olderThan: Date().addingTimeInterval(-5 * Self.day), includingNew: false, through: shownThrough)
            let saved = try await saving.value
            #expect(purged == 1_600, "two in three of 2,400 are handled")
            let left = try await staff.list(status: nil)
            let references = Set(left.map(\.reference))
            #expect(saved.allSatisfy { references.contains($0.reference) }, "every save beside the purge is there")
            #expect(late.allSatisfy { references.contains($0) }, "rows added after the list shown are never deleted unseen")
            #expect(left.count == 800 + 30 + 60)
            #expect(left.filter { $0.status != .new && !$0.name!.hasPrefix("Late") }.isEmpty)
            // Without a bound, the late rows' handled ones go too; the new ones stay.
            #expect(try await Self.purge(staff, olderThan: Date().addingTimeInterval(-5 * Self.day), includingNew: false, through: nil) == 20)
            try await staff.close()
            try await server.close()
        }
    }

    @Test("the audit read a page at a time is the whole audit, oldest first", arguments: StoreKind.allCases)
    func auditPages(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            let audited = try #require(store as? any CallbackAuditStore)
            for index in 0..<7 {
                let saved = try await store.save(CallbackStoreContractTests.draft("V\(index)"), channel: .web)
                _ = try await audited.mark(reference: saved.reference, as: .contacted, by: "ana")
                if index % 2 == 0 { _ = try await audited.mark(reference: saved.reference, as: .closed, by: "bo") }
            }
            let whole = try await audited.statusChanges(limit: 100)
            #expect(whole.count == 11)
            for size in [1, 3, 11, 50] {
                var pages: [CallbackStatusChange] = []
                try await audited.forEachStatusChangePage(pageSize: size) { pages += $0 }
                #expect(pages == whole.reversed(), "page size \(size)")
            }
            try await store.close()
        }
    }

    @Test(
        "purge on the command line: a few thousand rows shown in one read and deleted a page at a time, the new ones kept",
        arguments: StoreKind.allCases)
    func purgeCommand(kind: StoreKind) async throws {
        try await kind.withPlace { place in
            let store = try await place.open()
            let old = try await Self.fill(place, on: store, count: 2_100, daysAgo: 10)
            let recent = try await store.save(CallbackStoreContractTests.draft("Recent"), channel: .web)
            try await store.close()
            let where_ = place.commandArguments
            let purge = ["callbacks", "purge", "--older-than", "5", "--page-size", "256"] + where_
            let dry = try await StoreCommandTests.opendoor(purge + ["--dry-run"])
            #expect(dry.status == 0, "\(dry.error)")
            #expect(dry.output.contains("These 1400 request(s)") && dry.output.contains("700 still new"), "\(dry.output.prefix(400))")
            // The table: one line per request to go, under one header, newest first.
            let lines = dry.output.split(separator: "\n")
            #expect(lines.filter { $0.hasPrefix("REFERENCE") }.count == 1)
            let shown = old.enumerated().filter { $0.offset % 3 != 0 }.map(\.element)
            let listed = lines.compactMap { line in shown.contains(String(line.prefix(7))) ? String(line.prefix(7)) : nil }
            #expect(listed == Array(shown.reversed()))
            // One read: the table is written as the rows come, and the count follows it, right above the question.
            let summary = try #require(lines.firstIndex { $0.hasPrefix("These 1400 request(s)") }, "\(dry.output.suffix(400))")
            let lastRow = try #require(lines.lastIndex { shown.contains(String($0.prefix(7))) })
            #expect(summary == lastRow + 1 && lines[summary + 1] == "Dry run: nothing was deleted.", "\(dry.output.suffix(400))")
            let done = try await StoreCommandTests.opendoor(purge + ["--yes"])
            #expect(done.status == 0, "\(done.error)")
            #expect(done.output.contains("Deleted 1400 request(s) older than 5 day(s).\n"), "\(done.output.suffix(300))")
            let reopened = try await place.open()
            let left = try await reopened.list(status: nil)
            try await reopened.close()
            #expect(left.count == 701 && left.first?.reference == recent.reference)
            #expect(left.dropFirst().allSatisfy { $0.status == .new })
        }
    }

    @Test(
        "copy killed part way, then run again, gives the store one copy gives; a third run adds nothing",
        .enabled(if: testPostgresURL != nil, postgresMissing), arguments: StoreKind.allCases)
    func interruptedCopy(kind: StoreKind) async throws {
        try await kind.withPlace { source in
            let sourceStore = try await source.open()
            let references = try await Self.fill(source, on: sourceStore, count: 3_000, daysAgo: 3)
            let audited = try #require(sourceStore as? any CallbackAuditStore)
            for reference in references.suffix(5) { _ = try await audited.mark(reference: reference, as: .closed, by: "ana") }
            let audit = try await audited.statusChanges(limit: 100)
            #expect(audit.count == 3, "two of the five were closed already")
            let expected = try await sourceStore.list(status: nil)
            try await sourceStore.close()
            try await withTestDatabase { target in
                // The schema first, then a row with the reference of the 1,501st newest request, left uncommitted: the
                // copy's eighth batch of 200 waits on it, the seven before are committed.
                try await PostgresCallbackStore.open(target, configuration: .forTests, logger: quietLogger).close()
                let blocking = references[references.count - 1 - 1_500]
                let from = source.copySource
                let copy = ["callbacks", "copy", "--from", from, "--to", target, "--batch-size", "200"]
                try await withConnection(target) { connection in
                    _ = try await connection.query("BEGIN", logger: quietLogger)
                    _ = try await connection.query(
                        """
                        INSERT INTO callback_request (reference, created_ms, name, phone_e164, best_time, voicemail_ok,
                            channel, status, voicemail, crisis_in_chat)
                        VALUES (\(blocking), 0, 'Blocker', '+14705550199', 'any', FALSE, 'web', 'new', 'none', FALSE)
                        """, logger: quietLogger)
                    let errors = FileManager.default.temporaryDirectory.appendingPathComponent("copy-\(UUID().uuidString).err")
                    defer { try? FileManager.default.removeItem(at: errors) }
                    let process = try StoreCommandTests.launch(copy, errors: errors)
                    defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
                    try await Self.waitForLockWait(on: connection, of: process, errors: errors)
                    kill(process.processIdentifier, SIGKILL)
                    await process.ended()
                    #expect(process.terminationReason == .uncaughtSignal)
                    _ = try await connection.query("ROLLBACK", logger: quietLogger)
                }
                let partial = try await PostgresCallbackStore.open(target, configuration: .forTests, logger: quietLogger)
                #expect(try await partial.list(status: nil).count == 1_400, "seven whole batches, nothing of the eighth")
                try await partial.close()

                let again = try await StoreCommandTests.opendoor(copy)
                #expect(again.status == 0, "\(again.error)")
                #expect(again.output.contains("Copied 1600 request(s)") && again.output.contains("1400 were there already"), "\(again.output)")
                let third = try await StoreCommandTests.opendoor(copy)
                #expect(third.output.contains("Copied 0 request(s)") && third.output.contains("3000 were there already"), "\(third.output)")
                #expect(third.output.contains("copied: 0; 3 were there already"), "\(third.output)")

                let copied = try await PostgresCallbackStore.open(target, configuration: .forTests, logger: quietLogger)
                let stored = try await copied.list(status: nil)
                #expect(try await copied.statusChanges(limit: 100) == audit)
                try await copied.close()
                #expect(stored.count == 3_000)
                #expect(Self.withoutIDs(stored) == Self.withoutIDs(expected), "the same requests, once each")
            }
        }
    }

    /// Returns once a statement on the database of `connection` waits for a lock (the copy's batch behind the row
    /// `connection` holds); fails after a minute, or at once if the copy ends first.
    static func waitForLockWait(on connection: PostgresConnection, of process: ChildProcess, errors: URL) async throws {
        try await OpenDoorPostgresTests.waitForLockWait(on: connection, of: "the copy") {
            guard process.isRunning else {
                let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
                return "the copy ended before it reached the locked row: \(said)"
            }
            return nil
        }
    }
}

extension StorePlace {
    /// `--data DIR` or `--store URL`.
    var commandArguments: [String] {
        switch self {
        case .sqlite(let directory): ["--data", directory.path]
        case .postgres(let url): ["--store", url]
        }
    }

    /// What `callbacks copy --from` takes.
    var copySource: String {
        switch self {
        case .sqlite(let directory): "sqlite:\(directory.path)"
        case .postgres(let url): url
        }
    }
}

extension StoreCommandTests {
    /// Starts the built `opendoor` with `arguments` (through ``ChildProcess``, as every test child: Foundation's `Process`
    /// overflows with many descriptors open), its standard error into `errors`, its output thrown away: for a run
    /// the test stops itself.
    static func launch(_ arguments: [String], errors: URL) throws -> ChildProcess {
        let process = ChildProcess()
        process.executableURL = root.appendingPathComponent(".build/debug/opendoor")
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "OPENDOOR_STORE")
        environment.removeValue(forKey: "OPENDOOR_DATA")
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        process.standardInput = FileHandle.nullDevice
        try ChildProcesses.run(process)
        return process
    }
}
