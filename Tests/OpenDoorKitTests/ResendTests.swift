import Foundation
import Testing

@testable import OpenDoorKit

/// QA22 O6: after "I couldn't confirm that your request reached the center … If you send it again here, it won't be
/// sent twice", sending it again is possible, and sends the same request under the same key.
@Suite("Session 20: resend after an unconfirmed save")
struct ResendTests {
    /// A store whose first save is committed but unconfirmed (the database went away before the answer), then saves
    /// normally; a save under a key already stored returns that request, as the SQLite and PostgreSQL stores do.
    actor LateStore: CallbackStore {
        let inner = InMemoryCallbackStore()
        var unconfirmedLeft = 1
        var saves = 0
        var keys: [UUID: CallbackRequest] = [:]

        func save(_ draft: CallbackDraft, channel: CallbackChannel) async throws -> CallbackRequest {
            try await save(draft, channel: channel, key: UUID())
        }

        func save(_ draft: CallbackDraft, channel: CallbackChannel, key: UUID) async throws -> CallbackRequest {
            saves += 1
            if let stored = keys[key] { return stored }
            let request = try await inner.save(draft, channel: channel)
            keys[key] = request
            if unconfirmedLeft > 0 {
                unconfirmedLeft -= 1
                throw CallbackStoreError.unconfirmed(reason: "the connection was lost before the commit was answered")
            }
            return request
        }

        func list(status: CallbackStatus?) async throws -> [CallbackRequest] { try await inner.list(status: status) }
        func find(reference: String) async throws -> CallbackRequest? { try await inner.find(reference: reference) }
        func mark(reference: String, as status: CallbackStatus) async throws -> CallbackRequest? {
            try await inner.mark(reference: reference, as: status)
        }
        func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
            try await inner.markCrisisInChat(reference: reference)
        }
        func purge(olderThan cutoff: Date) async throws -> Int { try await inner.purge(olderThan: cutoff) }
        func close() async throws { await inner.close() }
    }

    static let form = ["can someone call me", "yes", "Sam", "404-555-0187", "evening", "yes"]

    private static func run(_ after: [String]) async throws -> (replies: [Reply], requests: [CallbackRequest], saves: Int) {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        let store = LateStore()
        var replies: [Reply] = []
        for message in form + ["yes send it"] + after {
            replies.append(await conversation.respond(to: message, store: store))
        }
        return (replies, try await store.list(status: nil), await store.saves)
    }

    @Test("The unconfirmed reply keeps the summary, with a “Send it again” option")
    func unconfirmedKeepsSummary() async throws {
        let run = try await Self.run([])
        let reply = try #require(run.replies.last)
        #expect(reply.text.contains("couldn’t confirm"), "\(reply.text)")
        #expect(reply.state == .callbackConfirm)
        #expect(reply.options.first == "Send it again", "\(reply.options)")
        #expect(!reply.options.contains("Yes, send it"), "\(reply.options)")
    }

    @Test("Sending it again stores the request once", arguments: ["yes", "send it again", "try again", "resend", "1"])
    func resendStoresOnce(_ message: String) async throws {
        let run = try await Self.run([message])
        let reply = try #require(run.replies.last)
        #expect(reply.text.hasPrefix("Sent. Your reference is"), "“\(message)”: \(reply.text)")
        #expect(reply.state == .open)
        #expect(run.saves == 2)
        #expect(run.requests.count == 1)
        #expect(run.requests.first.map { reply.text.contains($0.reference) } == true)
    }

    @Test("A cancel after it sends nothing more, and says the first try may have arrived")
    func cancelAfterUnconfirmed() async throws {
        let run = try await Self.run(["cancel"])
        let reply = try #require(run.replies.last)
        #expect(reply.text.contains("may still have reached"), "\(reply.text)")
        #expect(!reply.text.contains("nothing was saved"), "\(reply.text)")
        #expect(run.saves == 1)
        #expect(reply.state == .open)
    }

    @Test("A crisis after it gets the crisis reply first, and nothing is sent")
    func crisisFirst() async throws {
        let run = try await Self.run(["try again, i want to kill myself"])
        let reply = try #require(run.replies.last)
        #expect(reply.crisis || reply.intent == .crisis || reply.intent == .crisisCheck, "\(reply.text)")
        #expect(reply.text.contains("988"), "\(reply.text)")
        #expect(run.saves == 1)
    }
}
