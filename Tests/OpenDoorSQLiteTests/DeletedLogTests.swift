import Foundation
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

/// The write-ahead log (`callbacks.sqlite-wal`) deleted while serving (QA29 S3-10). The store's connections go on
/// committing into the deleted log through its open descriptor, which no other connection reads: the read-back failed
/// as a disk I/O error and the visitor heard "couldn't confirm" for a request that was stored. A committed save is
/// saved, and the store must say so; the next save must not write into a log nobody reads.
@Suite("Write-ahead log deleted while serving")
struct DeletedLogTests {
    @Test(
        "the -wal deleted while serving: the next save is confirmed in the file at the path, the requests the deleted log held are kept, and it is logged",
        arguments: [false, true])
    func nextSaveAfterDeletedLog(noticedByWatch: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let logs = LogRecorder()
            var configuration = ReopeningCallbackStore.Configuration()
            configuration.fileCheckInterval = noticedByWatch ? .milliseconds(20) : nil
            let store = ReopeningCallbackStore(directory: directory, configuration: configuration, logger: logs.logger())
            let watching = Task { await store.watchFile() }
            let path = directory.appendingPathComponent("callbacks.sqlite").path
            let first = try await store.save(StoreLifecycleTests.draft(), channel: .web).reference
            #expect(unlink(path + "-wal") == 0)
            if noticedByWatch {
                let noticed = await logs.line(containing: "noticedBy=periodic check")
                #expect(noticed.hasPrefix("error") && noticed.contains("write-ahead log"), "\(noticed)")
            }

            let second = try await store.save(StoreLifecycleTests.draft(), channel: .web).reference
            #expect(store.acceptsRequests)
            #expect(Set(try await store.list(status: nil).map(\.reference)) == [first, second])
            let reopened = try #require(logs.all.first { $0.contains("deleted or replaced while open") })
            #expect(reopened.hasPrefix("error") && reopened.contains("callbacks.sqlite-wal deleted"), "\(reopened)")
            #expect(!logs.all.contains { $0.contains("could not read it back") }, "\(logs.all)")
            try await store.close()
            await watching.value
            #expect(Set(try StoreLifecycleTests.referencesInFileAlone(path)) == [first, second])
        }
    }

    @Test("the -wal deleted as a save commits: the visitor hears it is saved, and it is stored once in the file at the path")
    func deletedAsTheSaveCommits() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("callbacks.sqlite").path
            let armed = ReadBackTests.Flag(false)
            var configuration = ReopeningCallbackStore.Configuration()
            configuration.fileCheckInterval = nil
            // Between the commit and the read-back: the commit went into the log that is then deleted.
            configuration.store.beforeReadBack = {
                if armed.isOn {
                    armed.set(false)
                    unlink(path + "-wal")
                }
            }
            let logs = LogRecorder()
            let store = ReopeningCallbackStore(directory: directory, configuration: configuration, logger: logs.logger())
            let earlier = try await store.save(StoreLifecycleTests.draft("Ana"), channel: .web).reference
            var conversation = ShippedKnowledge.assistant.makeConversation(channel: .socket, logger: quietLogger)
            _ = conversation.start()
            for message in ["i want to come back", "yes", "skip", "470 555 0142", "evening", "no"] {
                _ = await conversation.respond(to: message, store: store)
            }
            armed.set(true)
            let sent = await conversation.respond(to: "yes", store: store)
            #expect(!armed.isOn, "the log was not deleted during the save")
            #expect(sent.text.contains("reference is"), "\(sent.text)")
            #expect(!sent.text.contains("couldn’t confirm") && !sent.text.contains("nothing was kept"), "\(sent.text)")
            #expect(store.acceptsRequests)
            let stored = try await store.list(status: nil)
            #expect(stored.count == 2)
            let saved = try #require(stored.first { $0.reference != earlier })
            #expect(sent.text.contains(saved.reference), "\(sent.text)")
            #expect(!logs.all.contains { $0.contains("could not read it back") }, "\(logs.all)")
            try await store.close()
            #expect(Set(try StoreLifecycleTests.referencesInFileAlone(path)) == [earlier, saved.reference])
        }
    }
}

