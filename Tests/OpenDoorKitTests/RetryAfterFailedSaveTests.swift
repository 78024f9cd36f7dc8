import Foundation
import OpenDoorTestSupport
import Synchronization
import Testing

@testable import OpenDoorKit

/// Issue 10: the store fails at the moment the visitor confirms. What they typed is kept, "Try again" sends it once the
/// store is back (the form not asked again), and it is stored once.
@Suite("A save that didn't go through is kept for “Try again”")
struct RetryAfterFailedSaveTests {
    /// A store that is down (every save fails, nothing kept, `acceptsRequests` false) until ``recover()``.
    final class OutageStore: ForwardingCallbackStore {
        let base = InMemoryCallbackStore()
        private let down = Mutex(false)
        private let tries = Mutex(0)

        var saves: Int { tries.withLock { $0 } }
        var acceptsRequests: Bool { !down.withLock { $0 } }

        func fail() { down.withLock { $0 = true } }
        func recover() { down.withLock { $0 = false } }

        func save(_ draft: CallbackDraft, channel: CallbackChannel) async throws -> CallbackRequest {
            tries.withLock { $0 += 1 }
            if down.withLock({ $0 }) { throw CallbackStoreError.saveFailed(reason: "the disk is full") }
            return try await base.save(draft, channel: channel)
        }
    }

    /// The form to its summary, then the store fails and the visitor confirms: the conversation and the failure's reply.
    static func failedAtConfirmation() async -> (Conversation, OutageStore, Reply) {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        let store = OutageStore()
        for message in ResendTests.form { _ = await conversation.respond(to: message, store: store) }
        store.fail()
        let failed = await conversation.respond(to: "yes send it", store: store)
        return (conversation, store, failed)
    }

    @Test("the failure says nothing was kept, gives the number, and keeps the request at the summary with Try again")
    func failureKeepsTheRequest() async throws {
        let (_, _, failed) = await Self.failedAtConfirmation()
        #expect(failed.text.contains("nothing was kept") && failed.text.contains("(470) 284-1834"), "\(failed.text)")
        #expect(failed.state == .callbackConfirm)
        #expect(failed.options == ["Try again", "Cancel"], "\(failed.options)")
    }

    @Test("the failure is logged with the store's error code, never what was typed")
    func failureLogsItsCode() async throws {
        let recorder = LogRecorder()
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal, logger: recorder.logger())
        _ = conversation.start()
        let store = OutageStore()
        for message in ResendTests.form { _ = await conversation.respond(to: message, store: store) }
        store.fail()
        _ = await conversation.respond(to: "yes send it", store: store)
        let line = await recorder.line(containing: "callback save failed")
        #expect(line.contains("error.code=saveFailed"), "\(line)")
        #expect(!recorder.all.contains { $0.contains("0187") || $0.contains("disk is full") })
    }

    @Test("once the store is back, Try again saves the same request once", arguments: ["Try again", "try again", "1", "yes"])
    func retrySavesOnce(_ message: String) async throws {
        var (conversation, store, _) = await Self.failedAtConfirmation()
        store.recover()
        let reply = await conversation.respond(to: message, store: store)
        #expect(reply.text.hasPrefix("Sent. Your reference is"), "“\(message)”: \(reply.text)")
        let stored = try await store.list(status: nil)
        #expect(stored.count == 1)
        #expect(stored.first?.phone.e164 == "+14045550187" && stored.first?.name == "Sam")
        #expect(stored.first.map { reply.text.contains($0.reference) } == true)
    }

    @Test("still down: Try again says so again and keeps the request; a cancel then says nothing was saved")
    func retryWhileStillDown() async throws {
        var (conversation, store, _) = await Self.failedAtConfirmation()
        let again = await conversation.respond(to: "try again", store: store)
        #expect(again.state == .callbackConfirm && again.options.first == "Try again", "\(again.text)")
        #expect(store.saves == 2)
        let cancelled = await conversation.respond(to: "cancel", store: store)
        #expect(cancelled.text.contains("nothing was saved"), "\(cancelled.text)")
        #expect(cancelled.state == .open)
        #expect(try await store.list(status: nil).isEmpty)
    }

    @Test("a question while the request waits is answered, and the request still waits")
    func questionWhileWaiting() async throws {
        var (conversation, store, _) = await Self.failedAtConfirmation()
        let answered = await conversation.respond(to: "what are your hours", store: store)
        #expect(!answered.text.isEmpty)
        store.recover()
        let reply = await conversation.respond(to: "try again", store: store)
        #expect(reply.text.hasPrefix("Sent. Your reference is"), "\(reply.text)")
        #expect(try await store.list(status: nil).count == 1)
    }
}
