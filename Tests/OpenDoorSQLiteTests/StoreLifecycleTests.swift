import Foundation
import GRDB
import Logging
import OpenDoorKit
import OpenDoorTestSupport
import OpenDoorSQLite
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Opening only what exists, closing into one file, backups, and a store deleted or replaced under a
/// running service.
@Suite("Store lifecycle")
struct StoreLifecycleTests {
    static func draft(_ name: String? = "Sam") -> CallbackDraft {
        CallbackDraft(name: name, phone: SQLiteCallbackStoreTests.phone, bestTime: .evening, voicemailOK: false)
    }

    /// The references in the database file at `path` read alone, as a copy of it would be.
    static func referencesInFileAlone(_ path: String) throws -> [String] {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-copy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(atPath: path, toPath: copy.path)
        let queue = try DatabaseQueue(path: copy.path)
        defer { try? queue.close() }
        return try queue.read { try String.fetchAll($0, sql: "SELECT reference FROM callback_request ORDER BY id") }
    }

    @Test("after close, the .sqlite file alone holds every request (the log was checkpointed)")
    func closeCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            var saved: [String] = []
            for _ in 0..<5 { saved.append(try await store.save(Self.draft(), channel: .terminal).reference) }
            try await store.close()
            #expect(try Self.referencesInFileAlone(store.path) == saved)
            let wal = (try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
            #expect(wal == 0)
        }
    }

    @Test("a backup taken while another store writes is a complete, private, self-contained copy")
    func backup() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data")
            let store = try SQLiteCallbackStore(directory: data, logger: quietLogger)
            let writer = try SQLiteCallbackStore(directory: data, logger: quietLogger)
            for _ in 0..<20 { _ = try await store.save(Self.draft(), channel: .web) }
            let destination = directory.appendingPathComponent("copy.sqlite")
            async let more: Void = {
                for _ in 0..<20 { _ = try await writer.save(Self.draft(nil), channel: .socket) }
            }()
            let count = try await store.backup(to: destination)
            try await more
            #expect((20...40).contains(count))
            #expect(try Self.referencesInFileAlone(destination.path).count == count)
            #expect(try permissionBits(destination) == 0o600)
            #expect(!FileManager.default.fileExists(atPath: destination.path + "-wal"))

            // Never overwrites.
            let error = await #expect(throws: CallbackStoreError.self) { try await store.backup(to: destination) }
            #expect(error?.description.contains("already there") == true)
            #expect(try Self.referencesInFileAlone(destination.path).count == count)
            try await store.close()
            try await writer.close()
        }
    }

    @Test("createIfMissing false: a missing folder or database is notFound, and nothing is created")
    func existingOnly() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.createIfMissing = false
            let missing = directory.appendingPathComponent("opendoor-data")
            let error = #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: missing, configuration: configuration, logger: quietLogger)
            }
            #expect(error?.code == .notFound)
            #expect(error?.description.contains(missing.path) == true)
            #expect(!FileManager.default.fileExists(atPath: missing.path))

            try FileManager.default.createDirectory(at: missing, withIntermediateDirectories: false)
            #expect(throws: CallbackStoreError.notFound(path: "")) {
                try SQLiteCallbackStore(directory: missing, configuration: configuration, logger: quietLogger)
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: missing.path).isEmpty)
        }
    }

    @Test("createIfMissing false: an empty file or another program's database is refused, never migrated (QA18 O4)")
    func noStoreInTheFile() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.createIfMissing = false
            let file = directory.appendingPathComponent(configuration.fileName)
            // What a `touch` or a crash while creating leaves.
            #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
            for readOnly in [false, true] {
                configuration.readOnly = readOnly
                let error = #expect(throws: CallbackStoreError.self) {
                    try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
                }
                #expect(error?.code == .notFound)
                #expect(error?.description.contains("holds no OpenDoor callback store") == true, "\(String(describing: error))")
                #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int == 0)
                #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [configuration.fileName])
            }

            // Another program's database: left without OpenDoor's tables.
            try FileManager.default.removeItem(at: file)
            let other = try DatabaseQueue(path: file.path)
            try await other.write { try $0.execute(sql: "CREATE TABLE notes (body TEXT)") }
            try other.close()
            configuration.readOnly = false
            let error = #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
            }
            #expect(error?.code == .notFound)
            let tables = try await DatabaseQueue(path: file.path).read {
                try String.fetchAll($0, sql: "SELECT name FROM sqlite_master")
            }
            #expect(tables == ["notes"])
        }
    }

    /// Damage written into a database file in place.
    enum Damage: String, CaseIterable {
        case headerZeroed, garbage

        var bytes: [UInt8] {
            switch self {
            case .headerZeroed: [UInt8](repeating: 0, count: 100)
            case .garbage: (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
            }
        }
    }

    @Test(
        "a service's database damaged in place (header zeroed, garbage): the next save fails or is unconfirmed, loudly, and saves stop",
        arguments: Damage.allCases)
    func damagedInPlace(damage: Damage) async throws {
        try await withTemporaryDirectory { directory in
            let logs = CapturedLogs()
            let logger = logs.logger
            let store = ReopeningCallbackStore(directory: directory, logger: logger)
            _ = try await store.save(Self.draft(), channel: .web)
            _ = try await store.save(Self.draft(), channel: .web)
            let path = directory.appendingPathComponent("callbacks.sqlite").path
            // The log's pages written into the file, as SQLite's automatic checkpoint does every 1,000 pages: until
            // then the first page is read from the log, and damage to the file's copy of it hurts nothing.
            let other = try DatabaseQueue(path: path)
            try await other.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try other.close()
            // Written into the same file (same inode), as a disk fault, another program or a restore by `cp` would.
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.write(contentsOf: Data(damage.bytes))
            try handle.close()
            // QA19 O9: this was "Sent", with a reference to a request staff can't read. Either the write itself finds
            // the damage (nothing was kept: damaged), or it commits into the log and the read-back finds it (the
            // visitor is told it couldn't be confirmed, not that nothing was kept); which one is SQLite's caching.
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(Self.draft(), channel: .web)
            }
            #expect(error?.code == .damaged || error?.code == .unconfirmed, "\(String(describing: error))")
            #expect(!store.acceptsRequests)
            // Nothing more is written into the damaged file: the service looks again, moves it aside (kept, named in
            // the log), and the next save lands in a new database at the path, where staff read it.
            let next = try await store.save(Self.draft(), channel: .web)
            #expect(store.acceptsRequests)
            try await store.close()
            #expect(try Self.referencesInFileAlone(path).contains(next.reference))
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files.contains { $0.hasPrefix("callbacks.sqlite.damaged-") && !$0.contains("-wal") }, "\(files)")
            #expect(logs.all.contains { $0.hasPrefix("error") && $0.contains("damaged while open") }, "\(logs.all)")
        }
    }

    @Test(
        "a service's database truncated in place: the requests confirmed before are kept at the stop, and on a reopen saves resume (QA20 O4)",
        arguments: [false, true])
    func truncatedInPlace(reopen: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let logs = CapturedLogs()
            let logger = logs.logger
            var configuration = ReopeningCallbackStore.Configuration()
            configuration.retryInterval = .zero
            let store = ReopeningCallbackStore(directory: directory, configuration: configuration, logger: logger)
            var confirmed: [String] = []
            for _ in 0..<2 { confirmed.append(try await store.save(Self.draft(), channel: .web).reference) }
            let path = directory.appendingPathComponent("callbacks.sqlite").path
            // The log copied into the file and emptied by another connection, as a staff command's close (`callbacks
            // backup` in QA20's script) does: from then on the file's first page is in no log.
            let other = try DatabaseQueue(path: path)
            try await other.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try other.close()
            for _ in 0..<2 { confirmed.append(try await store.save(Self.draft(), channel: .web).reference) }
            #expect(truncate(path, 0) == 0)
            // Told the truth: not "sent" (the file can't be read back), and saves stop.
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(Self.draft(), channel: .web)
            }
            #expect(error?.code == .damaged || error?.code == .unconfirmed, "\(String(describing: error))")
            #expect(!store.acceptsRequests)
            var later: [String] = []
            if reopen {
                // The service looks again (as the conversation does while saves are off): the requests move into a
                // new database at the path, and saving goes on there.
                await store.recheck()
                #expect(store.acceptsRequests)
                later.append(try await store.save(Self.draft(), channel: .web).reference)
            }
            try await store.close()

            // Before: the close copied the log into the truncated file, and staff found "file is not a database".
            // As a staff command opens it: an existing store only.
            var staffConfiguration = SQLiteCallbackStore.Configuration()
            staffConfiguration.createIfMissing = false
            let staff = try SQLiteCallbackStore(directory: directory, configuration: staffConfiguration, logger: quietLogger)
            let listed = Set(try await staff.list(status: nil).map(\.reference))
            try await staff.close()
            #expect(listed.isSuperset(of: confirmed + later), "\(listed) lacks some of \(confirmed + later)")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(files.contains { $0.hasPrefix("callbacks.sqlite.damaged-") && !$0.hasSuffix("-wal") }, "\(files)")
            #expect(
                logs.all.contains { $0.hasPrefix("error") && $0.contains("saved into a new database") && $0.contains("restored=") },
                "\(logs.all)")
        }
    }

    @Test("a data folder opened to other users while serving: the next save is refused as staff commands refuse it, loudly")
    func folderOpenedWhileServing() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data")
            let logs = CapturedLogs()
            let logger = logs.logger
            var configuration = ReopeningCallbackStore.Configuration()
            configuration.retryInterval = .zero
            let store = ReopeningCallbackStore(directory: data, configuration: configuration, logger: logger)
            _ = try await store.save(Self.draft(), channel: .web)
            #expect(chmod(data.path, 0o777) == 0)
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(Self.draft(), channel: .web)
            }
            // The words a staff command gives for the same folder (QA19 O10: the server went on saving).
            let staff = #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: data, logger: quietLogger)
            }
            for refusal in [error, staff] {
                #expect(refusal?.code == .cannotOpen)
                #expect(refusal?.reason?.contains("other users may write in this folder (mode 777)") == true, "\(String(describing: refusal))")
            }
            #expect(!store.acceptsRequests)
            #expect(logs.all.contains { $0.hasPrefix("error") && $0.contains("other users may write") }, "\(logs.all)")
            // Fixed: saving resumes.
            #expect(chmod(data.path, 0o700) == 0)
            await store.recheck()
            #expect(store.acceptsRequests)
            _ = try await store.save(Self.draft(), channel: .web)
            try await store.close()
        }
    }

    @Test("a database deleted while open: the save fails as replaced instead of vanishing, and it is logged")
    func deletedWhileOpen() async throws {
        try await withTemporaryDirectory { directory in
            let logs = CapturedLogs()
            let logger = logs.logger
            let store = try SQLiteCallbackStore(directory: directory, logger: logger)
            _ = try await store.save(Self.draft(), channel: .web)
            for suffix in ["", "-wal", "-shm"] { unlink(store.path + suffix) }
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(Self.draft(), channel: .web)
            }
            #expect(error?.code == .replaced)
            #expect(error?.description.contains("deleted") == true)
            #expect(logs.all.contains { $0.hasPrefix("error") && $0.contains("replaced") })
            try await store.close()
        }
    }

    @Test(
        "a service's store deleted or replaced while serving: reopened, every acknowledged request in the file at the path"
    )
    func reopensAfterDeleteAndReplace() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data")
            let logs = CapturedLogs()
            let logger = logs.logger
            let store = ReopeningCallbackStore(directory: data, logger: logger)
            #expect(store.acceptsRequests)
            let path = data.appendingPathComponent("callbacks.sqlite").path
            let first = try await store.save(Self.draft(), channel: .web)

            // Deleted: a new database is created at the path, with the request the deleted one held (read through the
            // old file's connection, which still had it open).
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            let afterDelete = try await store.save(Self.draft(), channel: .web)
            #expect(try await store.list(status: nil).map(\.reference) == [afterDelete.reference, first.reference])

            // Replaced by a restored copy: the copy is opened, the new request lands in it, and the requests only the
            // replaced file held are carried into it (QA25 S1-3), its content kept beside the path.
            let old = try await Self.moveAnotherStore(over: path, from: directory)
            let afterReplace = try await store.save(Self.draft(), channel: .web)
            #expect(store.acceptsRequests)
            try await store.close()

            #expect(
                Set(try Self.referencesInFileAlone(path))
                    == [old.reference, afterReplace.reference, first.reference, afterDelete.reference])
            #expect(logs.all.filter { $0.hasPrefix("error") && $0.contains("deleted or replaced") }.count == 2)
            // QA29 S3-10: a file gone from its path is never called damaged.
            #expect(!logs.all.contains { $0.contains("was damaged while open") }, "\(logs.all)")
            #expect(try Self.keptReplacedFiles(data).count == 1)
        }
    }

    @Test(
        "a service's store deleted and then replaced while nobody saves or reads: the periodic look notices each, logs it and reopens the file at the path"
    )
    func periodicLookNoticesDeleteAndReplace() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data")
            let logs = LogRecorder()
            var configuration = ReopeningCallbackStore.Configuration()
            configuration.fileCheckInterval = .milliseconds(20)
            let store = ReopeningCallbackStore(directory: data, configuration: configuration, logger: logs.logger())
            let watching = Task { await store.watchFile() }
            let path = data.appendingPathComponent("callbacks.sqlite").path
            let first = try await store.save(Self.draft(), channel: .web)

            // Deleted: noticed by the watch alone (no save, no read meanwhile), and a new file made at the path with
            // the request only the deleted one held.
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            let noticed = await logs.line(containing: "noticedBy=periodic check")
            #expect(noticed.hasPrefix("error") && noticed.contains("deleted or replaced"))
            #expect(try await store.list(status: nil).map(\.reference) == [first.reference])
            #expect(FileManager.default.fileExists(atPath: path))

            // Replaced by another database moved over it: noticed again, and the file at the path gets the requests.
            let old = try await Self.moveAnotherStore(over: path, from: directory)
            _ = await logs.line(containing: "the requests only the old file held were copied")
            #expect(Set(try await store.list(status: nil).map(\.reference)) == [old.reference, first.reference])
            #expect(logs.all.filter { $0.contains("noticedBy=periodic check") }.count == 2)

            // The watch ends by itself once the store is closed.
            try await store.close()
            await watching.value
        }
    }

    /// Makes another store in `directory/other` with one request ("Old") and moves its file over `path`, as a restore
    /// done without stopping the server would; returns that request.
    static func moveAnotherStore(over path: String, from directory: URL) async throws -> CallbackRequest {
        let restored = try SQLiteCallbackStore(directory: directory.appendingPathComponent("other"), logger: quietLogger)
        let old = try await restored.save(draft("Old"), channel: .terminal)
        try await restored.close()
        #expect(rename(restored.path, path) == 0)
        return old
    }

    /// The copies of replaced databases kept in `folder`.
    static func keptReplacedFiles(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasPrefix("callbacks.sqlite.replaced-") && !$0.hasSuffix("-journal")
        }
    }

    @Test(
        "an old backup moved over the store while serving (QA25 S1-3): every acknowledged reference reaches staff, the old file is kept, and the carried references are logged"
    )
    func restoreByMoveWhileServing() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data")
            let logs = CapturedLogs()
            let logger = logs.logger
            let store = ReopeningCallbackStore(directory: data, logger: logger)
            let path = data.appendingPathComponent("callbacks.sqlite").path
            let first = try await store.save(Self.draft(), channel: .web).reference
            // The documented restore step, done without stopping the server: a backup, more requests, then the backup
            // copied and moved over the store.
            let backup = directory.appendingPathComponent("bk.sqlite")
            let staff = try SQLiteCallbackStore(directory: data, logger: quietLogger)
            _ = try await staff.backup(to: backup)
            try await staff.close()
            let since = [
                try await store.save(Self.draft(), channel: .web).reference,
                try await store.save(Self.draft(), channel: .socket).reference,
            ]
            let staged = directory.appendingPathComponent("tmp.sqlite").path
            try FileManager.default.copyItem(atPath: backup.path, toPath: staged)
            #expect(rename(staged, path) == 0)

            // Staff read through the server before any other save: the requests confirmed since the backup are there.
            let listed = Set(try await store.list(status: nil).map(\.reference))
            #expect(listed == Set([first] + since))
            let next = try await store.save(Self.draft(), channel: .web).reference
            try await store.close()
            #expect(Set(try Self.referencesInFileAlone(path)) == Set([first, next] + since))
            #expect(try Self.keptReplacedFiles(data).count == 1)
            let carried = try #require(logs.all.first { $0.contains("copied into the new one") })
            #expect(carried.hasPrefix("error"))
            for reference in since { #expect(carried.contains(reference), "\(carried)") }
        }
    }

    @Test("a store closed after its file was replaced, with no save since, carries its requests into the new file")
    func replacedThenClosed() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data")
            let store = try SQLiteCallbackStore(directory: data, logger: quietLogger)
            let saved = try await store.save(Self.draft(), channel: .web).reference
            let other = try SQLiteCallbackStore(directory: directory.appendingPathComponent("other"), logger: quietLogger)
            let old = try await other.save(Self.draft("Old"), channel: .terminal).reference
            try await other.close()
            #expect(rename(other.path, store.path) == 0)
            try await store.close()
            #expect(Set(try Self.referencesInFileAlone(store.path)) == [saved, old])
            let kept = try #require(try Self.keptReplacedFiles(data).first)
            #expect(try Self.referencesInFileAlone(data.appendingPathComponent(kept).path) == [saved])
        }
    }

    @Test("saves arriving together just after the database was deleted all land in the new one, each once")
    func concurrentSavesAfterDelete() async throws {
        try await withTemporaryDirectory { directory in
            let store = ReopeningCallbackStore(directory: directory, logger: quietLogger)
            let path = directory.appendingPathComponent("callbacks.sqlite").path
            let first = try await store.save(Self.draft(), channel: .web).reference
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            var saved = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await store.save(Self.draft(), channel: .socket).reference }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            // The request the deleted file held is kept too.
            saved.insert(first)
            #expect(saved.count == 51)
            #expect(Set(try await store.list(status: nil).map(\.reference)) == saved)
            try await store.close()
            #expect(Set(try Self.referencesInFileAlone(path)) == saved)
        }
    }

    @Test("a service's store that fills up stops accepting requests, then accepts them again")
    func fullThenRecovered() async throws {
        try await withTemporaryDirectory { directory in
            var configuration = ReopeningCallbackStore.Configuration()
            configuration.store.maximumPageCount = 12
            let store = ReopeningCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
            let (saved, failure) = await saveUntilFull(store)
            #expect(failure?.code == .diskFull)
            #expect(!store.acceptsRequests)
            #expect(await store.unavailability?.code == .diskFull)
            // Staff can still read what is stored.
            #expect(try await store.list(status: nil).count == saved)
            // The real disk has room (only the page cap is full): a recheck turns saving back on.
            await store.recheck()
            #expect(store.acceptsRequests)
            try await store.close()
        }
    }

    @Test("a service whose folder can't be created starts anyway, with requests off, and says why")
    func startsWithoutStore() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("a-file")
            #expect(FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8)))
            let store = ReopeningCallbackStore(directory: file.appendingPathComponent("data"), logger: quietLogger)
            #expect(!store.acceptsRequests)
            #expect(await store.unavailability != nil)
            await #expect(throws: CallbackStoreError.self) { try await store.save(Self.draft(), channel: .web) }
            await #expect(throws: CallbackStoreError.self) { try await store.list(status: nil) }
            try await store.close()
        }
    }
}
