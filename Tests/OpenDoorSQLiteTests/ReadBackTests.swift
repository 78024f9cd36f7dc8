import Foundation
import Logging
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorTestSupport
import Synchronization
import Testing

/// The read-back after each save (QA19 O9): off the store's actor, and honest when it fails after the commit.
@Suite("Read-back after a save")
struct ReadBackTests {
    /// Why a read-back fails in these tests: as it would with no file descriptor left to open the file with.
    struct NoDescriptor: Error {}

    /// A switch shared with the store's hook: whether read-backs fail, whether a wait ran out.
    final class Flag: Sendable {
        private let value: Atomic<Bool>
        init(_ value: Bool) { self.value = Atomic(value) }
        var isOn: Bool { value.load(ordering: .sequentiallyConsistent) }
        func set(_ on: Bool) { value.store(on, ordering: .sequentiallyConsistent) }
        /// For `beforeReadBack`: throws while on.
        func check() throws { if isOn { throw NoDescriptor() } }
    }

    @Test("a read-back that fails after the commit is 'unconfirmed', never 'not saved'; the same key stores it once")
    func failedReadBackIsUnconfirmed() async throws {
        try await withTemporaryDirectory { directory in
            let failing = Flag(true)
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.beforeReadBack = failing.check
            let store = try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
            let key = UUID()
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(StoreLifecycleTests.draft("Sam"), channel: .web, key: key)
            }
            #expect(error?.code == .unconfirmed, "\(String(describing: error))")
            // It was committed: staff see it.
            let stored = try await store.list(status: nil)
            #expect(stored.count == 1)
            // The visitor sends it again, with a change: the same request, updated, not a second one.
            failing.set(false)
            let again = try await store.save(StoreLifecycleTests.draft("Sam R"), channel: .web, key: key)
            #expect(again.reference == stored.first?.reference)
            #expect(try await store.list(status: nil).map(\.name) == ["Sam R"])
            // A new key is a new request.
            _ = try await store.save(StoreLifecycleTests.draft("Ana"), channel: .web, key: UUID())
            #expect(try await store.list(status: nil).count == 2)
            try await store.close()
        }
    }

    @Test("the visitor whose save can't be read back is told “couldn’t confirm” with the center's number, not “nothing was kept”")
    func visitorToldUnconfirmed() async throws {
        try await withTemporaryDirectory { directory in
            let failing = Flag(true)
            var configuration = ReopeningCallbackStore.Configuration()
            configuration.store.beforeReadBack = failing.check
            let store = ReopeningCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
            var conversation = ShippedKnowledge.assistant.makeConversation(channel: .socket, logger: quietLogger)
            _ = conversation.start()
            let form = ["i want to come back", "yes", "skip", "470 555 0142", "evening", "no"]
            for message in form { _ = await conversation.respond(to: message, store: store) }
            let unsure = await conversation.respond(to: "yes", store: store)
            #expect(unsure.text.contains("couldn’t confirm"), "\(unsure.text)")
            #expect(!unsure.text.contains("nothing was kept") && !unsure.text.contains("reference is"), "\(unsure.text)")
            #expect(unsure.text.contains("284-1834"), "\(unsure.text)")
            // Not a damaged file: saving stays on, and asking again stores one request.
            #expect(store.acceptsRequests)
            failing.set(false)
            // The request is kept at the summary (QA22 O6): "send it again" resends it under the same key.
            let last = await conversation.respond(to: "send it again", store: store)
            #expect(last.text.contains("reference is"), "\(last.text)")
            #expect(try await store.list(status: nil).count == 1)
            try await store.close()
        }
    }

    @Test("a read-back that finds the file damaged: 'unconfirmed' for that visitor, then saves stop before writing into it")
    func damagedReadBack() async throws {
        let damaged: @Sendable () throws -> Void = {
            throw CallbackStoreError.damaged(path: "callbacks.sqlite", reason: "file is not a database")
        }
        try await withTemporaryDirectory { directory in
            // The store alone: the save after a damaged read-back is refused before anything is written.
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.beforeReadBack = damaged
            let store = try SQLiteCallbackStore(
                directory: directory.appendingPathComponent("alone"), configuration: configuration, logger: quietLogger)
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(StoreLifecycleTests.draft(), channel: .web)
            }
            #expect(error?.code == .unconfirmed, "\(String(describing: error))")
            let next = await #expect(throws: CallbackStoreError.self) {
                try await store.save(StoreLifecycleTests.draft(), channel: .web)
            }
            #expect(next?.code == .damaged, "\(String(describing: next))")
            #expect(try await store.list(status: nil).count == 1, "one written, none after")
            try await store.close()

            // The service's store: saves are turned off (visitors get the center's number), loudly.
            var service = ReopeningCallbackStore.Configuration()
            service.store.beforeReadBack = damaged
            let logs = CapturedLogs()
            let logger = logs.logger
            let reopening = ReopeningCallbackStore(
                directory: directory.appendingPathComponent("service"), configuration: service, logger: logger)
            let unsure = await #expect(throws: CallbackStoreError.self) {
                try await reopening.save(StoreLifecycleTests.draft(), channel: .web)
            }
            #expect(unsure?.code == .unconfirmed, "\(String(describing: unsure))")
            #expect(!reopening.acceptsRequests)
            #expect(
                logs.all.contains { $0.hasPrefix("error") && $0.contains("could not read it back") && $0.contains("damaged") },
                "\(logs.all)")
            try await reopening.close()
        }
    }

    @Test("while a save's read-back waits on the disk, the store's other work goes on")
    func readBackOffTheActor() async throws {
        try await withTemporaryDirectory { directory in
            // The read-back waits until a list has finished on the same store. Were it run on the store's actor,
            // the list could not finish first: the wait would end at its guard (a hang guard, not a measure) and
            // the test fail.
            let atReadBack = DispatchSemaphore(value: 0)
            let listed = DispatchSemaphore(value: 0)
            let waitedOut = Flag(false)
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.beforeReadBack = {
                atReadBack.signal()
                if listed.wait(timeout: .now() + 120) == .timedOut { waitedOut.set(true) }
            }
            let store = try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: quietLogger)
            async let saved = store.save(StoreLifecycleTests.draft(), channel: .web)
            await offThePool { atReadBack.wait() }
            #expect(try await store.list(status: nil).count == 1, "committed before the read-back")
            listed.signal()
            _ = try await saved
            #expect(!waitedOut.isOn)
            try await store.close()
        }
    }
}
