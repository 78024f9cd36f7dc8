import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

@testable import OpenDoorServer

/// A flood of crisis messages over many connections costs a bounded number of log lines (QA15 A2), while every
/// visitor still gets the crisis reply.
@Suite("Crisis log budget")
struct CrisisLogTests {
    @Test("past the server-wide budget, crisis lines are counted in a summary; each line names its rule briefly")
    func crisisFloodLogging() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.crisisLogBudget = 3
        var logs: LogRecorder?
        let connections = 8
        try await withServer(configuration) { server in
            logs = server.logs
            for _ in 0..<connections {
                let client = try await server.greetedJSONClient()
                let reply = try await client.ask("i want to kill myself")
                #expect(reply.crisis == true)
                await client.close()
            }
        }
        // withServer has waited for the server to stop, which logs what is still only counted.
        let lines = try #require(logs).all
        let written = lines.filter { $0.hasPrefix("warning crisis ") }
        #expect(written.count == 3)
        for line in written {
            let rule = try #require(line.split(separator: " ").first { $0.hasPrefix("rule=") })
            #expect(rule.count <= 5 + 40, "a short rule id, not the pattern: \(rule)")
        }
        let summaries = lines.filter { $0.hasPrefix("notice crisis lines not logged one by one") }
        #expect(summaries.count == 2, "one at the first line past the budget, one when the server stopped: \(summaries)")
        #expect(summaries.last?.contains("total=\(connections - 3)") == true)
    }

    @Test("a long rule id is logged as its category and a stable hash; a short one as it is")
    func ruleLabel() {
        let long = SafetyRuleID(rawValue: "suicide/check/" + String(repeating: "want to (die|end it)|", count: 10))
        #expect(long.logLabel.hasPrefix("suicide/check#"))
        #expect(long.logLabel.count == "suicide/check#".count + 8)
        #expect(long.logLabel == SafetyRuleID(rawValue: long.rawValue).logLabel)
        #expect(SafetyRuleID(rawValue: "denial/are_you_safe").logLabel == "denial/are_you_safe")
    }
}
