import Foundation
import Logging
import Synchronization
import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// QA31 S2-1: a crisis said after "Sent. Your reference is …" marks the request just sent "crisis in chat" for the
/// staff who call back, as a crisis said before sending does; the visitor's reply is the crisis reply whatever the
/// store says.
@Suite("A crisis after the request was sent marks it for staff")
struct CrisisAfterSentTests {
    /// A store whose marks always fail (the database went away), saving and reading as memory does.
    final class UnmarkableStore: ForwardingCallbackStore {
        let base = InMemoryCallbackStore()
        private let attempts = Atomic<Int>(0)
        /// How many marks were asked for.
        var markAttempts: Int { attempts.load(ordering: .relaxed) }

        func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
            attempts.add(1, ordering: .relaxed)
            throw CallbackStoreError.locked(timeout: .seconds(5))
        }
    }

    /// A store whose marks never finish (a database that stopped answering), saving and reading as memory does.
    final class HangingMarkStore: ForwardingCallbackStore {
        let base = InMemoryCallbackStore()
        private let (gate, opener) = AsyncStream<Void>.makeStream()

        func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
            for await _ in gate {}
            return nil
        }

        /// Lets the hanging marks end (so the test leaves no task behind).
        func release() { opener.finish() }
    }

    /// A store whose marks take longer than the crisis reply waits for them (a database slow to answer), saving and
    /// reading as memory does.
    final class SlowMarkStore: ForwardingCallbackStore {
        let base = InMemoryCallbackStore()

        func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
            try await Task.sleep(for: Conversation.crisisMarkWait * 2)
            return try await base.markCrisisInChat(reference: reference)
        }
    }

    static let form = ["can someone call me", "yes", "Sam", "404-555-0187", "evening", "no voicemail", "yes send it"]

    /// The replies to `form` then `after`, through `store`.
    private static func run(
        _ after: [String], store: any CallbackStore, logger: Logger = Logger(label: "test")
    ) async -> [Reply] {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal, logger: logger)
        _ = conversation.start(store: store)
        var replies: [Reply] = []
        for message in form + after {
            replies.append(await conversation.respond(to: message, store: store))
        }
        return replies
    }

    @Test(
        "A crisis or a check-in after “Sent.” marks the sent request; the reply is the crisis reply",
        arguments: [
            "thanks. tell them not to bother if i dont pick up, i have a plan for tonight",
            "ok. honestly i just wanted someone to know before i go",
            "lol if nobody calls ill just go walk into traffic jk jk",
            "i want to kill myself",
        ])
    func marksAfterSent(_ message: String) async throws {
        let store = MarkWatchingStore(InMemoryCallbackStore())
        let replies = await Self.run([message], store: store)
        #expect(replies[Self.form.count - 1].text.hasPrefix("Sent."), "\(replies[Self.form.count - 1].text)")
        let reply = try #require(replies.last)
        #expect(reply.crisis, "“\(message)”: \(reply.text)")
        #expect(reply.text.contains("988"), "“\(message)”: \(reply.text)")
        // The reply waits for the mark at most `crisisMarkWait`: the mark is read once it has finished.
        #expect(await store.marksFinished() == 1)
        let request = try #require(try await store.list(status: nil).first)
        #expect(request.crisisInChat, "“\(message)” left \(request.reference) unmarked")
        #expect(CallbackReport.table([request]).contains(CallbackReport.crisisMarker))
    }

    @Test("A calm message after “Sent.” leaves the request unmarked")
    func calmStaysUnmarked() async throws {
        let store = InMemoryCallbackStore()
        _ = await Self.run(["thanks", "what should i bring"], store: store)
        #expect(try await store.list(status: nil).first?.crisisInChat == false)
    }

    @Test("Only the conversation's own request is marked")
    func onlyItsOwn() async throws {
        let store = MarkWatchingStore(InMemoryCallbackStore())
        let other = try await store.save(
            CallbackDraft(name: "Jo", phone: PhoneNumber(e164: "+14705550123")!, bestTime: .morning, voicemailOK: true),
            channel: .web)
        _ = await Self.run(["i want to kill myself"], store: store)
        #expect(await store.marksFinished() == 1)
        let requests = try await store.list(status: nil)
        #expect(requests.count == 2)
        #expect(requests.first { $0.reference == other.reference }?.crisisInChat == false)
        #expect(requests.first { $0.reference != other.reference }?.crisisInChat == true)
    }

    @Test("A mark that can't be written is logged without the words; the reply stays the crisis reply")
    func failedMarkKeepsReply() async throws {
        let store = UnmarkableStore()
        let recorder = LogRecorder()
        let message = "thanks. tell them not to bother if i dont pick up, i have a plan for tonight"
        let replies = await Self.run([message, "what time do they call"], store: store, logger: recorder.logger())
        let reply = replies[Self.form.count]
        #expect(reply.crisis && reply.text.contains("988"), "\(reply.text)")
        let line = await recorder.line(containing: "crisis in chat")
        #expect(line.contains("locked"), "\(line)")
        #expect(!recorder.all.contains { $0.contains("plan for tonight") || $0.contains("555") })
        // Tried once for the crisis, not again for every calm message after it.
        #expect(store.markAttempts == 1)
        #expect(try await store.list(status: nil).first?.crisisInChat == false)
    }

    @Test(
        "A mark that never finishes doesn't hold the crisis reply back (it waits at most crisisMarkWait)",
        // A hang guard (a reply held by the mark for good never comes), not a measure: a second's wait and a few
        // replies can wait minutes for the cooperative pool behind the whole suite on a loaded machine.
        .timeLimit(.minutes(10)))
    func hangingMarkDoesNotHoldReply() async throws {
        let store = HangingMarkStore()
        defer { store.release() }
        let message = "i want to kill myself"
        let replies = await Self.run([message, "what time do they call"], store: store)
        let reply = replies[Self.form.count]
        #expect(reply.crisis && reply.text.contains("988"), "\(reply.text)")
        #expect(try await store.list(status: nil).count == 1)
    }

    @Test(
        "A mark slower than the reply's wait is written after the crisis reply; the test waits for the mark, not the reply",
        .timeLimit(.minutes(10)))
    func slowMarkLandsAfterReply() async throws {
        let store = MarkWatchingStore(SlowMarkStore())
        let replies = await Self.run(["i want to kill myself"], store: store)
        let reply = try #require(replies.last)
        #expect(reply.crisis && reply.text.contains("988"), "\(reply.text)")
        #expect(await store.marksFinished() == 1)
        #expect(try await store.list(status: nil).first?.crisisInChat == true)
    }

    @Test("A request marked before sending is not marked again")
    func markedOnce() async throws {
        let store = UnmarkableStore()
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start(store: store)
        for message in ["call me", "yes", "Kim", "i want to die", "706 555 0115", "evening", "no voicemail",
            "yes send it", "i want to kill myself"]
        {
            _ = await conversation.respond(to: message, store: store)
        }
        #expect(try await store.list(status: nil).first?.crisisInChat == true)
        #expect(store.markAttempts == 0)
    }
}
