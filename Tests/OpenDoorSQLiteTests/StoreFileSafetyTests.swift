import Foundation
import GRDB
import Logging
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The store's files are safe from other processes and other users: another process reading the
/// database never takes the write-ahead log from under a running service, and files others could
/// have swapped in are never opened.
@Suite("Store file safety")
struct StoreFileSafetyTests {
    /// The `sqlite3` shell, which an operator runs next to a running server.
    static func sqliteShell() throws -> URL {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for folder in paths {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("sqlite3")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ShellMissing()
    }

    struct ShellMissing: Error, CustomStringConvertible {
        var description: String { "the sqlite3 shell is not installed; run Scripts/install-system-packages" }
    }

    /// Runs `sqlite3 path sql` in another process, waits (off Swift's concurrency pool) for it to exit, and returns
    /// its output lines.
    static func runShell(_ path: String, _ sql: String) async throws -> [String] {
        let process = ChildProcess()
        process.executableURL = try sqliteShell()
        process.arguments = [path, sql]
        let finished = try await ChildProcesses.runToEnd(process)
        #expect(finished.status == 0, "\(finished.error)")
        return finished.output.split(separator: "\n").map(String.init)
    }

    @Test("another process reading the database leaves a running service's write-ahead log in place (QA15 A0b)")
    func outsideReaderKeepsTheLog() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data")
            // The chat's store, then the console's, opened in the same process as `serve --staff-port` does.
            let chat = ReopeningCallbackStore(directory: data, logger: quietLogger)
            let first = try await chat.save(StoreLifecycleTests.draft(), channel: .web)
            let console = try SQLiteCallbackStore(directory: data, logger: quietLogger)
            let path = console.path
            #expect(try await console.list(status: nil).map(\.reference) == [first.reference])

            let seen = try await Self.runShell(path, "SELECT reference FROM callback_request ORDER BY id")
            #expect(seen == [first.reference])
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))

            let second = try await chat.save(StoreLifecycleTests.draft(), channel: .web)
            // What staff see from another process holds the request the visitor was told is saved.
            let after = try await Self.runShell(path, "SELECT reference FROM callback_request ORDER BY id")
            #expect(after == [first.reference, second.reference])
            #expect(try await console.list(status: nil).count == 2)

            try await console.close()
            try await chat.close()
            #expect(try StoreLifecycleTests.referencesInFileAlone(path) == [first.reference, second.reference])
        }
    }

    @Test("a data folder other users may write is refused for a store that writes (QA15 A4)")
    func sharedFolderRefused() async throws {
        try await withTemporaryDirectory { directory in
            let shared = directory.appendingPathComponent("shared")
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: false)
            #expect(chmod(shared.path, 0o777) == 0)
            let error = #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: shared, logger: quietLogger)
            }
            #expect(error?.description.contains("other users may write") == true)
            #expect(error?.description.contains("chmod go-w") == true)
            #expect(!FileManager.default.fileExists(atPath: shared.appendingPathComponent("callbacks.sqlite").path))

            #expect(chmod(shared.path, 0o755) == 0)
            let store = try SQLiteCallbackStore(directory: shared, logger: quietLogger)
            try await store.close()
        }
    }

    @Test("a database, -wal or -shm that is a symbolic link is never opened, also when reopening (QA15 A4)")
    func symbolicLinksRefused() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("data")
            let elsewhere = directory.appendingPathComponent("elsewhere")
            let target = try SQLiteCallbackStore(directory: elsewhere, logger: quietLogger)
            try await target.close()
            let path = data.appendingPathComponent("callbacks.sqlite").path

            let store = ReopeningCallbackStore(directory: data, logger: quietLogger)
            _ = try await store.save(StoreLifecycleTests.draft(), channel: .web)
            // Swapped for a link to another database while serving: the save fails, nothing is written there.
            for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            #expect(symlink(target.path, path) == 0)
            await #expect(throws: CallbackStoreError.self) {
                try await store.save(StoreLifecycleTests.draft(), channel: .web)
            }
            try await store.close()
            let reader = try SQLiteCallbackStore(directory: elsewhere, logger: quietLogger)
            #expect(try await reader.list(status: nil).isEmpty)
            try await reader.close()

            for suffix in ["-wal", "-shm"] {
                unlink(path)
                let fresh = try SQLiteCallbackStore(directory: data, logger: quietLogger)
                try await fresh.close()
                unlink(path + suffix)
                #expect(symlink(directory.appendingPathComponent("planted").path, path + suffix) == 0)
                let error = #expect(throws: CallbackStoreError.self) {
                    try SQLiteCallbackStore(directory: data, logger: quietLogger)
                }
                #expect(error?.description.contains("symbolic link") == true)
                unlink(path + suffix)
            }
        }
    }

    @Test("a database owned by another user is never opened (QA15 A4)", .enabled(if: geteuid() == 0))
    func otherOwnerRefused() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            try await store.close()
            #expect(chown(store.path, 65534, 65534) == 0)
            let error = #expect(throws: CallbackStoreError.self) {
                try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            }
            #expect(error?.description.contains("belongs to another user") == true)
        }
    }
}

extension StoreFileSafetyTests {
    @Test("a checkpoint on close that fails for a full disk is an error naming the cause, not another process (QA15 B3)")
    func fullDiskAtClose() async throws {
        try await withTemporaryDirectory { directory in
            let logs = CapturedLogs()
            let logger = logs.logger
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.beforeCloseCheckpoint = { throw DatabaseError(resultCode: .SQLITE_FULL) }
            let store = try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: logger)
            let saved = try await store.save(StoreLifecycleTests.draft(), channel: .web)
            try await store.close()
            let line = try #require(logs.all.first { $0.contains("write-ahead log") })
            #expect(line.hasPrefix("error"))
            #expect(line.contains("callbacks backup"))
            #expect(line.contains("free some space"))
            #expect(!line.contains("another process"))
            // The request is still there for the next start (in the log the file keeps next to it).
            let reopened = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            #expect(try await reopened.list(status: nil).map(\.reference) == [saved.reference])
            try await reopened.close()
        }
    }
}
