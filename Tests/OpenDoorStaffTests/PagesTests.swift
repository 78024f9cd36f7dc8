import Foundation
import Hummingbird
import HummingbirdTesting
import OpenDoorKit
import OpenDoorTestSupport
import Testing

@testable import OpenDoorStaff

@Suite("Staff console: try a message, knowledge, counts")
struct PagesTests {
    @Test("try a message shows the visitor's reply and why, and stores and logs nothing")
    func tryMessage() async throws {
        try await withStaffConsole { harness, client in
            try await client.signIn()
            let response = try await client.submit(
                "/try", from: "/try", form: [("message", "do you take insurance")])
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.contains("id=\"intent\">fallback<"))
            #expect(html.contains("topic: insurance"))
            #expect(html.contains("id=\"topic\">insurance (how the Counts page counts it)<"))
            #expect(html.contains("id=\"crisis\">none<"))
            #expect(html.contains("id=\"candidates\""))
            #expect(html.contains("Questions the article doesn’t answer"))
            // The message is shown back in the box, escaped, and nowhere else kept.
            #expect(!harness.logs.all.joined().contains("take insurance"))
            #expect(try await harness.store.list(status: nil).isEmpty)
            #expect(try await harness.store.replyCounts(since: "2000-01-01").isEmpty)
        }
    }

    @Test("try a message: a crisis shows its level and category, the matcher not consulted")
    func tryCrisis() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            let html = try await client.submit("/try", from: "/try", form: [("message", "i want to kill myself")]).text
            #expect(html.contains("id=\"crisis\">crisis"))
            #expect(html.contains("988"))
            #expect(html.contains("not consulted"))
        }
    }

    @Test("try a message escapes what was typed")
    func tryEscapes() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            let html = try await client.submit("/try", from: "/try", form: [("message", "<script>alert(1)</script>")]).text
            #expect(!html.contains("<script>alert(1)"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }

    @Test("try a message without the token is refused")
    func tryWithoutToken() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            #expect(try await client.post("/try", form: [("message", "hello")]).status == .forbidden)
        }
    }

    @Test("knowledge health shows the load time, the lint and the evaluation score")
    func knowledge() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            let html = try await client.get("/knowledge").text
            #expect(html.contains("id=\"load-time\">42 ms<"))
            #expect(html.contains("only 11 examples"))
            #expect(html.contains("89.9%"))
            #expect(html.contains("eval/visitors.tsv"))
        }
    }

    @Test("while the lint and the scores are worked out, the knowledge page says so; then shows them")
    func knowledgeStillChecking() async throws {
        var loaded = StaffFixtures.health
        loaded.findings = nil
        loaded.scores = nil
        let report = KnowledgeHealthReport(loaded)
        try await withStaffConsole(health: report) { _, client in
            try await client.signIn()
            let before = try await client.get("/knowledge").text
            #expect(before.contains("Still being checked"))
            #expect(before.contains("Still being measured"))
            report.update(StaffFixtures.health)
            let after = try await client.get("/knowledge").text
            #expect(after.contains("only 11 examples") && after.contains("89.9%"))
        }
    }

    @Test("a knowledge reload in the server reaches try-a-message and the knowledge page")
    func replacedKnowledge() async throws {
        try await withStaffConsole { harness, client in
            try await client.signIn()
            var knowledge = ShippedKnowledge.knowledge
            let index = try #require(knowledge.intents.firstIndex { $0.id == "faq_relapse" })
            knowledge.intents[index].answer = "A reloaded answer about relapse."
            let reloaded = Assistant(knowledge: knowledge, safety: ShippedKnowledge.assistant.safety)
            var health = StaffFixtures.health
            health.loadDuration = .milliseconds(7)
            harness.console.replaceKnowledge(with: reloaded, health: health)
            let html = try await client.submit("/try", from: "/try", form: [("message", "what if i relapsed")]).text
            #expect(html.contains("A reloaded answer about relapse."))
            #expect(try await client.get("/knowledge").text.contains("id=\"load-time\">7 ms<"))
        }
    }

    @Test("counts show numbers and charts per series, never text")
    func counts() async throws {
        try await withStaffConsole { harness, client in
            let today = CrisisCount.day(of: harness.clock.now)
            try await harness.store.addReplyCounts([
                ReplyCount(day: today, intent: "faq_relapse", count: 4),
                ReplyCount(day: today, intent: "fallback", topic: "insurance", count: 2),
                ReplyCount(day: today, intent: "fallback", topic: "cost", count: 1),
            ])
            try await harness.store.recordCrisis(.suicide, level: .check, day: today)
            let saved = try await harness.saveRequest(name: "Visible Name")
            _ = try await harness.store.mark(reference: saved.reference, as: .contacted)
            try await client.signIn()
            let html = try await client.get("/counts").text
            #expect(html.contains("<td>faq_relapse</td><td>4</td>"))
            #expect(html.contains("<td>insurance</td><td>2</td>"))
            #expect(html.contains("<td>cost</td><td>1</td>"))
            #expect(html.contains("<td>suicide, check</td><td>1</td>"))
            #expect(html.contains("<td>contacted</td><td>1</td>"))
            #expect(html.contains("<svg"))
            #expect(!html.contains("Visible Name"))
            #expect(!html.contains("4705550123"))
        }
    }

    @Test("with a store that keeps no counts, the counts page shows the requests and says what isn't kept")
    func countsWithoutCountingStore() async throws {
        try await withStaffConsole(store: { AuditOnlyStore(base: $0) }) { harness, client in
            try await harness.saveRequest()
            try await client.signIn()
            let page = try await client.get("/counts")
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"not-kept\""))
            #expect(page.text.contains("doesn't keep counts of replies and unanswered questions or crisis"))
            #expect(page.text.contains("<td>new</td><td>1</td>"))
            // The inbox and marking work the same.
            #expect(try await client.get("/").status == .ok)
        }
    }

    @Test("the counts page counts callback requests through the store's grouped count, never its whole list")
    func requestCountsWithoutWholeList() async throws {
        try await withStaffConsole(store: { NoWholeListStore(base: $0) }) { harness, client in
            try await harness.saveRequest()
            try await client.signIn()
            let page = try await client.get("/counts")
            #expect(page.status == .ok)
            #expect(page.text.contains("<td>new</td><td>1</td>"), "\(page.text)")
            #expect(!page.text.contains("can't be read right now"), "\(page.text)")
        }
    }

    @Test("with a store that keeps counts, nothing is said to be missing")
    func countsKeptSaysNothingMissing() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            #expect(!(try await client.get("/counts").text.contains("not-kept")))
        }
    }

    @Test("the stylesheet is public; the policy allows it and nothing inline")
    func stylesheet() async throws {
        try await withStaffConsole { _, client in
            let css = try await client.get("/staff.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
        }
    }
}
