import Foundation
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorServer
import OpenDoorTestSupport
import Testing

@Suite("Metrics of a real chat server")
struct ServerMetricsTests {
    @Test("Replies are counted by intent and timed; a crisis counts its category and level; a fallback counts")
    func repliesCrisesAndFallbacks() async throws {
        var during: PrometheusText?
        let after = try await withMeteredServer { server in
            let client = try await server.client()
            let crisis = try await server.ask(client, "i want to kill myself")
            #expect(crisis.crisis == true && crisis.intent == "crisis", "\(crisis)")
            let answer = try await server.ask(client, "what if i relapsed")
            #expect(answer.intent == "faq_relapse")
            let fallback = try await server.ask(client, "what is the capital of mongolia")
            #expect(fallback.intent == "fallback", "\(fallback)")
            // Answered after the last reply was counted: a session reads its next line only then.
            #expect(try await client.hello().type == "hello")
            during = try server.scrape()
            await client.close()
        }
        let metrics = try #require(during)
        #expect(metrics.value("opendoor_crisis_events_total", ["category": "suicide", "level": "crisis"]) == 1)
        #expect(metrics.value("opendoor_replies_total", ["intent": "crisis"]) == 1)
        #expect(metrics.value("opendoor_replies_total", ["intent": "faq_relapse"]) == 1)
        #expect(metrics.value("opendoor_replies_total", ["intent": "fallback"]) == 1)
        #expect(metrics.value("opendoor_fallbacks_total") == 1)
        #expect(metrics.value("opendoor_reply_duration_seconds_count") == 3)
        #expect(metrics.value("opendoor_connections_open") == 1, "the client was still connected")
        #expect(after.value("opendoor_connections_open") == 0, "every connection ended with the server")
    }

    @Test("A check-in counts at level check")
    func checkIn() async throws {
        let metrics = try await withMeteredServer { server in
            let client = try await server.client()
            let reply = try await server.ask(client, "i cant keep doing life like this")
            #expect(reply.intent == "crisis_check", "\(reply)")
            await client.close()
        }
        let checks = metrics.samples.filter { $0.name == "opendoor_crisis_events_total" }
        #expect(checks.count == 1 && checks.first?.labels["level"] == "check" && checks.first?.value == 1, "\(checks)")
    }

    @Test("A saved callback request counts by channel; a failed save counts as a failure")
    func callbacks() async throws {
        let metrics = try await withMeteredServer { server in
            let client = try await server.client()
            var last: ServerLine?
            for line in ["i want to come back", "yes", "skip", "(470) 555-0123", "evening", "no", "yes"] {
                last = try await server.ask(client, line)
            }
            #expect(last?.text?.contains("reference is") == true, "\(String(describing: last))")
            #expect(await server.store.count == 1)
            await client.close()
            await server.store.failSaves(with: .diskFull())
            // One request per conversation: the second visitor's save fails.
            let second = try await server.client()
            for line in ["i want to come back", "yes", "skip", "(470) 555-0124", "evening", "no", "yes"] {
                _ = try await server.ask(second, line)
            }
            await second.close()
        }
        #expect(metrics.value("opendoor_callbacks_saved_total", ["channel": "socket"]) == 1)
        #expect(metrics.value("opendoor_callback_save_failures_total") == 1)
    }

    @Test("Lines over the rate limit are counted")
    func rateLimit() async throws {
        let metrics = try await withMeteredServer({ configuration in
            configuration.messageBurst = 2
            configuration.messagesPerMinute = 1
        }) { server in
            let client = try await server.client()
            _ = try await server.ask(client, "hello")
            _ = try await server.ask(client, "hello")
            let refused = try await server.ask(client, "hello")
            #expect(refused.type == "error" && refused.code == "rate_limited", "\(refused)")
            await client.close()
        }
        #expect(metrics.value("opendoor_rate_limit_refusals_total") == 1)
    }

    @Test("Knowledge reloads are counted by result")
    func reloads() async throws {
        let broken = RepositoryFiles.temporaryDirectory("broken-knowledge")
        let metrics = try await withMeteredServer(reloadAssistant: {
            try ShippedKnowledge.loadAssistant(from: broken)
        }) { server in
            await #expect(throws: (any Error).self) { try await server.server.reloadKnowledge() }
        }
        #expect(metrics.value("opendoor_knowledge_reloads_total", ["result": "failed"]) == 1)
        let good = try await withMeteredServer(reloadAssistant: { ShippedKnowledge.assistant }) { server in
            try await server.server.reloadKnowledge()
        }
        #expect(good.value("opendoor_knowledge_reloads_total", ["result": "ok"]) == 1)
    }

    @Test("No label value is anything a visitor typed")
    func labelsComeFromFixedSets() async throws {
        let metrics = try await withMeteredServer { server in
            let client = try await server.client()
            _ = try await server.ask(client, "my number is 470 555 0199 and my name is Zebulon")
            await client.close()
        }
        let text = metrics.samples.flatMap { $0.labels.values }.joined(separator: " ")
        #expect(!text.mentionsPhone("4705550199") && !text.contains("Zebulon"))
        let intents = Set(ShippedKnowledge.knowledge.intents.map(\.id.rawValue))
            .union(["fallback", "clarify", "crisis", "crisis_check", "callback", "welcome"])
        for sample in metrics.samples {
            if let intent = sample.labels["intent"] { #expect(intents.contains(intent), "\(sample)") }
            if let category = sample.labels["category"] {
                #expect(CrisisCategory(rawValue: category) != nil, "\(sample)")
            }
        }
    }
}
