import Foundation
import GRDB
import Logging
import OpenDoorKit
@testable import OpenDoorSQLite
import OpenDoorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What only the SQLite store does: files, modes, SQLite's own failures. What every store promises
/// (round trip, reopening, concurrent saves, reference collisions, closed store, logs) is checked for
/// SQLite and PostgreSQL alike by the contract suite in OpenDoorPostgresTests.
@Suite("SQLite callback store")
struct SQLiteCallbackStoreTests {
    static let phone = PhoneNumber(e164: "+14705550123", extensionDigits: "12")!

    static func draft(_ name: String? = "Sam", bestTime: BestTime = .evening) -> CallbackDraft {
        CallbackDraft(name: name, phone: phone, bestTime: bestTime, voicemailOK: true)
    }

    @Test("the folder is 0700 and the database and its -wal and -shm files are 0600")
    func fileModes() async throws {
        try await withTemporaryDirectory { root in
            let directory = root.appendingPathComponent("a/b/data")
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            _ = try await store.save(Self.draft(), channel: .web)
            #expect(try permissionBits(directory) == 0o700)
            let database = directory.appendingPathComponent("callbacks.sqlite")
            #expect(database.path == store.path)
            for suffix in ["", "-wal", "-shm"] {
                let file = URL(fileURLWithPath: database.path + suffix)
                #expect(FileManager.default.fileExists(atPath: file.path), "\(suffix) missing")
                #expect(try permissionBits(file) == 0o600, "callbacks.sqlite\(suffix)")
            }
            // FULL (2): every commit syncs the WAL. GRDB's DatabasePool would leave NORMAL (1).
            #expect(try await store.writerPragma("synchronous") == "2")
            #expect(try await store.writerPragma("secure_delete") == "1")
            let raw = try DatabaseQueue(path: store.path)
            #expect(try await raw.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
            try raw.close()
            try await store.close()
        }
    }

    @Test("a database readable by others is tightened to 0600 when opened")
    func tightensLooseFile() async throws {
        try await withTemporaryDirectory { directory in
            let database = directory.appendingPathComponent("callbacks.sqlite")
            #expect(FileManager.default.createFile(atPath: database.path, contents: nil))
            #expect(chmod(database.path, 0o644) == 0)
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            #expect(try permissionBits(database) == 0o600)
            try await store.close()
        }
    }

    @Test("a store opened read-only lists but refuses to save, with a clear error")
    func readOnly() async throws {
        try await withTemporaryDirectory { directory in
            let writer = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            let saved = try await writer.save(Self.draft(), channel: .web)
            try await writer.close()

            var configuration = SQLiteCallbackStore.Configuration()
            configuration.readOnly = true
            let reader = try SQLiteCallbackStore(
                directory: directory,
                configuration: configuration,
                logger: quietLogger
            )
            #expect(try await reader.list(status: nil) == [saved])
            let error = await #expect(throws: CallbackStoreError.self) {
                try await reader.save(Self.draft(), channel: .web)
            }
            #expect(error?.code == .readOnly)
            #expect(error?.description.contains("read-only") == true)
            #expect(error?.description.contains(reader.path) == true)
            let markError = await #expect(throws: CallbackStoreError.self) {
                try await reader.mark(reference: saved.reference, as: .closed)
            }
            #expect(markError?.code == .readOnly)
            try await reader.close()

            let empty = directory.appendingPathComponent("empty")
            #expect(throws: CallbackStoreError.notFound(path: "")) {
                try SQLiteCallbackStore(directory: empty, configuration: configuration, logger: quietLogger)
            }
        }
    }

    @Test("a database that is a folder, or a folder that is a file, cannot be opened: an error, not a crash")
    func cannotOpen() async throws {
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent("callbacks.sqlite"),
                withIntermediateDirectories: false
            )
            let error = #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            }
            #expect(error?.code == .cannotOpen)
            #expect(error?.description.contains("callbacks.sqlite") == true)

            let file = directory.appendingPathComponent("plain-file")
            #expect(FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8)))
            #expect(throws: CallbackStoreError.cannotOpen(path: "", reason: "")) {
                try SQLiteCallbackStore(directory: file, logger: quietLogger)
            }
            #expect(throws: CallbackStoreError.cannotOpen(path: "", reason: "")) {
                try SQLiteCallbackStore(directory: file.appendingPathComponent("below"), logger: quietLogger)
            }
        }
    }

    @Test("a file that is not a database is reported as damaged")
    func damaged() async throws {
        try await withTemporaryDirectory { directory in
            let database = directory.appendingPathComponent("callbacks.sqlite")
            try Data(repeating: 0x41, count: 8192).write(to: database)
            let error = #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            }
            #expect(error?.code == .damaged)
        }
    }

    @Test(
        "a folder or database this user may not write is an error, not a crash",
        .enabled(if: geteuid() != 0, "root ignores modes; the read-only test covers root")
    )
    func unwritableFolder() async throws {
        try await withTemporaryDirectory { directory in
            let locked = directory.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
            #expect(chmod(locked.path, 0o500) == 0)
            defer { _ = chmod(locked.path, 0o700) }
            let error = #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: locked, logger: quietLogger)
            }
            #expect(error?.code == .permissionDenied)
            #expect(error?.description.contains("permission denied") == true)

            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            try await store.close()
            #expect(chmod(store.path, 0o400) == 0)
            #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            }
        }
    }

    @Test("a full disk is reported as diskFull and requests saved before stay readable")
    func diskFull() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.maximumPageCount = 12
            let store = try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
            let (saved, failure) = await saveUntilFull(store)
            #expect(failure?.code == .diskFull)
            #expect(failure?.description.contains("full") == true)
            // Log lines carry it as error.reason, never the placeholder `-` (QA27 S3-5).
            #expect(failure?.reason == CallbackStoreError.diskFullReason)
            #expect(saved > 0)
            #expect(try await store.list(status: nil).count == saved)
            try await store.close()
        }
    }

    @Test("a database locked by another connection fails as locked after the busy timeout")
    func locked() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.busyTimeout = .milliseconds(200)
            let store = try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
            let before = try await store.save(Self.draft(), channel: .web)

            var rawConfiguration = GRDB.Configuration()
            rawConfiguration.allowsUnsafeTransactions = true
            let other = try DatabaseQueue(path: store.path, configuration: rawConfiguration)
            try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE TRANSACTION") }

            let start = ContinuousClock.now
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(Self.draft(), channel: .web)
            }
            let waited = ContinuousClock.now - start
            #expect(error?.code == .locked)
            #expect(error?.description.contains("busy") == true)
            #expect(error?.description.contains("200 ms") == true)
            // SQLite sleeps at least the busy timeout before giving up, so the wait has a floor; it has no ceiling
            // a test can rely on (a busy machine may leave the writer's thread unscheduled for seconds).
            #expect(waited >= .milliseconds(150), "waited \(waited)")
            // Reads go on while another connection writes (WAL).
            #expect(try await store.list(status: nil) == [before])

            try await other.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
            try other.close()
            _ = try await store.save(Self.draft(), channel: .web)
            #expect(try await store.list(status: nil).count == 2)
            try await store.close()
        }
    }

    @Test("rows saved before there were three voicemail choices keep their meaning: 1 is yes, 0 a discreet message")
    func voicemailMigration() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("callbacks.sqlite").path
            let old = try DatabaseQueue(path: path)
            try SQLiteCallbackStore.migrator.migrate(old, upTo: "reply_counts")
            try await old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO callback_request (reference, created_ms, phone_e164, best_time, voicemail_ok, channel)
                        VALUES ('BBB-BBB', 1000, '+14705550123', 'morning', 1, 'web'),
                               ('CCC-CCC', 2000, '+14705550123', 'evening', 0, 'web')
                        """)
            }
            try old.close()
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            #expect(try await store.find(reference: "BBB-BBB")?.voicemail == .allowed)
            #expect(try await store.find(reference: "CCC-CCC")?.voicemail == .discreet)
            let none = CallbackDraft(name: nil, phone: Self.phone, bestTime: .any, voicemail: .noVoicemail)
            let saved = try await store.save(none, channel: .socket)
            #expect(try await store.find(reference: saved.reference)?.voicemail == .noVoicemail)
            try await store.close()
        }
    }

    @Test("a database from a newer OpenDoor is refused")
    func newerSchema() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            try await store.close()
            let other = try DatabaseQueue(path: directory.appendingPathComponent("callbacks.sqlite").path)
            try await other.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99')")
            }
            try other.close()
            #expect(throws: CallbackStoreError.newerSchema()) {
                try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            }
        }
    }

    @Test("logs never contain a name or a phone number, even when things fail")
    func logsHoldNoPersonalData() async throws {
        try await withTemporaryDirectory { directory in
            let records = CapturedLogs()
            let logger = records.logger
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.busyTimeout = .milliseconds(100)
            let codes = StoreScriptedCodes(["BBB-BBB", "CCC-CCC", "DDD-DDD", "FFF-FFF"])
            configuration.makeReference = { codes.next() }
            let store = try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: logger)

            let draft = CallbackDraft(
                name: "Bartholomew Quigley",
                phone: Self.phone,
                bestTime: .morning,
                voicemailOK: false
            )
            let saved = try await store.save(draft, channel: .terminal)
            _ = try await store.list(status: nil)
            _ = try await store.find(reference: saved.reference)
            _ = try await store.find(reference: "call me at 470 555 0123")
            _ = try await store.mark(reference: saved.reference, as: .contacted)

            let other = try DatabaseQueue(
                path: store.path,
                configuration: {
                    var c = GRDB.Configuration()
                    c.allowsUnsafeTransactions = true
                    return c
                }()
            )
            try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN EXCLUSIVE TRANSACTION") }
            _ = try? await store.save(draft, channel: .web)
            try await other.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
            try other.close()

            _ = try await store.purge(olderThan: Date().addingTimeInterval(60))
            try await store.close()

            let text = records.all.joined(separator: "\n")
            #expect(records.all.count >= 5, "too few log lines: \(text)")
            #expect(text.contains(saved.reference))
            #expect(text.contains("locked"))
            for secret in ["Bartholomew", "Quigley"] {
                #expect(!text.contains(secret), "the logs contain \(secret):\n\(text)")
            }
            #expect(!text.mentionsPhone("4705550123"), "the logs contain the phone number:\n\(text)")
        }
    }
}

/// Saves requests into a store capped by `maximumPageCount` until a save fails (at most 2,000); returns
/// how many were saved and the failure.
func saveUntilFull(_ store: any CallbackStore) async -> (saved: Int, failure: CallbackStoreError?) {
    let draft = CallbackDraft(
        name: String(repeating: "n", count: 60), phone: SQLiteCallbackStoreTests.phone, bestTime: .evening,
        voicemailOK: true)
    var saved = 0
    while saved < 2000 {
        do {
            _ = try await store.save(draft, channel: .web)
            saved += 1
        } catch {
            return (saved, error as? CallbackStoreError)
        }
    }
    return (saved, nil)
}
