import Foundation
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorTestSupport
import Testing

@Suite("Reply counts (per day, by intent and fallback topic; never text)")
struct ReplyCountTests {
    @Test("replies given through the service's store are counted by intent and topic and written on close")
    func countedThroughTheConversation() async throws {
        try await withTemporaryDirectory { directory in
            let store = ReopeningCallbackStore(directory: directory, logger: quietLogger)
            var conversation = ShippedKnowledge.assistant.makeConversation(channel: .socket, logger: quietLogger)
            _ = conversation.start()
            let insurance = await conversation.respond(to: "do you take insurance", store: store)
            #expect(insurance.intent == .fallback)
            _ = await conversation.respond(to: "is it covered by my insurance", store: store)
            let relapse = await conversation.respond(to: "what if i relapsed", store: store)
            try await store.close()

            let reopened = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            let counts = try await reopened.replyCounts(since: "2000-01-01")
            let today = CrisisCount.day(of: Date())
            #expect(counts.contains(ReplyCount(day: today, intent: "fallback", topic: "insurance", count: 2)))
            #expect(counts.contains(ReplyCount(day: today, intent: relapse.intent.rawValue, count: 1)))
            #expect(counts.reduce(0) { $0 + $1.count } == 3)
            // Nothing but ids and numbers in the table.
            #expect(counts.allSatisfy { !$0.intent.contains(" ") && !$0.topic.contains(" ") })
            try await reopened.close()
        }
    }

    @Test("a fallback asked in the middle of a request is counted by its topic, whatever text follows it")
    func fallbackMidRequest() async throws {
        try await withTemporaryDirectory { directory in
            let store = ReopeningCallbackStore(directory: directory, logger: quietLogger)
            var conversation = ShippedKnowledge.assistant.makeConversation(channel: .socket, logger: quietLogger)
            _ = conversation.start()
            _ = await conversation.respond(to: "i want to come back", store: store)
            _ = await conversation.respond(to: "yes", store: store)
            let question = await conversation.respond(to: "do you take insurance?", store: store)
            #expect(question.intent == .fallback)
            #expect(question.topic == "insurance")
            // The step is repeated after the fallback: the text no longer is the fallback's alone.
            #expect(question.state != .open)
            try await store.close()

            let reopened = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            let counts = try await reopened.replyCounts(since: "2000-01-01")
            #expect(counts.contains { $0.intent == "fallback" && $0.topic == "insurance" && $0.count == 1 })
            try await reopened.close()
        }
    }

    @Test("the topic stays on the server: a reply's JSON has no topic key")
    func topicNotInJSON() throws {
        let reply = ShippedKnowledge.assistant.responder.fallback(topic: "insurance", confidence: 0.4)
        #expect(reply.topic == "insurance")
        let json = String(decoding: try JSONEncoder().encode(reply), as: UTF8.self)
        #expect(!json.contains("topic"))
        #expect(json.contains("\"intent\":\"fallback\""))
        let decoded = try JSONDecoder().decode(Reply.self, from: Data(json.utf8))
        #expect(decoded.topic == nil)
        #expect(decoded.text == reply.text)
    }

    @Test("counts add up across writes")
    func addUp() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            try await store.addReplyCounts([ReplyCount(day: "2026-12-01", intent: "faq_cost", count: 2)])
            try await store.addReplyCounts([
                ReplyCount(day: "2026-12-01", intent: "faq_cost", count: 3),
                ReplyCount(day: "2026-12-02", intent: "fallback", topic: "hours", count: 1),
            ])
            #expect(
                try await store.replyCounts(since: "2026-12-01") == [
                    ReplyCount(day: "2026-12-01", intent: "faq_cost", count: 5),
                    ReplyCount(day: "2026-12-02", intent: "fallback", topic: "hours", count: 1),
                ])
            #expect(try await store.replyCounts(since: "2026-12-02").count == 1)
            try await store.close()
        }
    }

    @Test("the tally keeps counts until drained, and takes back counts that couldn't be written")
    func tally() {
        let tally = ReplyTally()
        tally.note(intent: "faq_cost", topic: nil)
        tally.note(intent: "faq_cost", topic: nil)
        tally.note(intent: .fallback, topic: "cost")
        let drained = tally.drain()
        #expect(drained.map(\.count).reduce(0, +) == 3)
        #expect(tally.drain().isEmpty)
        tally.restore(drained)
        #expect(tally.drain().map(\.count).reduce(0, +) == 3)
    }

    @Test("a fallback carries its topic from where it is chosen; other replies have none")
    func fallbackTopic() {
        let responder = ShippedKnowledge.assistant.responder
        for topic in ["insurance", "cost", "hours", "medication", "detox", "transport", "other_services", "off_topic",
            "frustrated"]
        {
            let id = IntentID(rawValue: topic)
            #expect(responder.fallback(topic: id, confidence: 0.5).topic == id)
            // An unknown.yaml intent answered by name is its fallback, with its topic.
            #expect(responder.answer(id).topic == id)
        }
        #expect(responder.fallback(topic: nil, confidence: 0).topic == nil)
        #expect(responder.answer("faq_relapse").topic == nil)
        #expect(responder.fallback(topic: "no_such_intent", confidence: 0).topic == nil)
    }
}
