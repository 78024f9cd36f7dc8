import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

@testable import OpenDoorStaff

/// The console's background knowledge check under reloads: one at a time, only the newest, stopped at shutdown
/// (QA15 A5: each SIGHUP queued a full lint and kept its knowledge; fifty reloads ran for half an hour).
@Suite("Knowledge check")
struct KnowledgeCheckTests {
    /// A small knowledge set, quick to lint even in a debug build.
    static func smallAssistant(answer: String) -> Assistant {
        var knowledge = ShippedKnowledge.knowledge
        for index in knowledge.intents.indices {
            knowledge.intents[index].examples = Array(knowledge.intents[index].examples.prefix(3))
            knowledge.intents[index].exampleLocations = Array(knowledge.intents[index].exampleLocations.prefix(3))
        }
        knowledge.intents[0].answer = answer
        return Assistant(knowledge: knowledge, safety: ShippedKnowledge.assistant.safety)
    }

    static func health(_ number: Int) -> KnowledgeHealth {
        var health = StaffFixtures.health
        health.loadedAt = Date(timeIntervalSince1970: 1_764_900_000 + Double(number))
        health.findings = nil
        health.scores = nil
        return health
    }

    @Test("a burst of reloads checks the newest knowledge, not every one in turn")
    func burstChecksNewest() async throws {
        let report = KnowledgeHealthReport(Self.health(0))
        let reloads = 40
        for number in 1...reloads {
            report.show(Self.health(number), checkingWith: Self.smallAssistant(answer: "Answer \(number)."))
        }
        await report.idle()
        let shown = report.current
        #expect(shown.loadedAt == Self.health(reloads).loadedAt)
        #expect(shown.findings != nil)
        #expect(shown.scores != nil)
        // Never more checks than reloads: one superseded before its turn is skipped (how many are depends on how
        // fast each check runs, so the test doesn't count them).
        #expect(report.checksStarted <= reloads)
    }

    @Test("stop ends the running check early and starts no other; the page keeps saying it is being checked")
    func stopEndsCheck() async throws {
        let report = KnowledgeHealthReport(Self.health(0))
        // The whole shipped knowledge: minutes of lint in a debug build, unless stopped.
        report.show(Self.health(1), checkingWith: ShippedKnowledge.assistant)
        report.stop()
        await report.idle()
        #expect(report.current.findings == nil)
        report.show(Self.health(2), checkingWith: Self.smallAssistant(answer: "Later."))
        await report.idle()
        #expect(report.current.loadedAt == Self.health(2).loadedAt)
        #expect(report.current.findings == nil)
        #expect(report.checksStarted <= 1)
    }

    @Test("a reload while the whole knowledge is being checked stops that check and checks the new one")
    func reloadSupersedesRunningCheck() async throws {
        let report = KnowledgeHealthReport(Self.health(0))
        report.show(Self.health(1), checkingWith: ShippedKnowledge.assistant)
        report.show(Self.health(2), checkingWith: Self.smallAssistant(answer: "Newer."))
        await report.idle()
        #expect(report.current.loadedAt == Self.health(2).loadedAt)
        #expect(report.current.findings != nil)
        #expect(report.checksStarted <= 2)
    }
}
