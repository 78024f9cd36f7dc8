import Foundation
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// A flooder that disconnects and reconnects goes on with the rate-limit budget it left behind, not a fresh burst;
/// visitors who stay within the limit (and several test clients on 127.0.0.1) each start with a full one.
@Suite("Rate limit across reconnects")
struct ReconnectFloodTests {
    static var configuration: ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        // The test clients' 127.0.0.1 is a visitor's address here, not a proxy's (whose connections each keep their
        // budget to themselves: ProxyProtocolTests).
        configuration.trustedProxies = .none
        configuration.messageBurst = 3
        // One line a minute: nothing refills while the test runs, however slowly the machine runs it.
        configuration.messagesPerMinute = 1
        return configuration
    }

    static let message = #"{"type":"message","text":"what if i relapsed"}"# + "\n"

    /// Connects, sends `lines` messages at once, reads an answer for each, closes; returns the answers' types.
    static func session(_ server: RunningServer, lines: Int) async throws -> [String] {
        let client = try await server.greetedJSONClient()
        try await client.send(String(repeating: message, count: lines))
        // Past the first refusal the rest are dropped unanswered.
        let types = try await client.answerTypes(count: lines)
        await client.close()
        // The server has released the connection (and left its budget) once it has logged its close.
        return types
    }

    @Test("a flooder reconnecting is refused at once; a crisis on the new connection is still answered")
    func reconnectKeepsTheBudget() async throws {
        try await withServer(Self.configuration) { server in
            let flood = try await Self.session(server, lines: 4)
            #expect(flood == ["reply", "reply", "reply", "rate_limited"])
            _ = await server.logs.line(containing: "connection closed connection=1 ")
            // Before: a fresh burst of 3 on every connection.
            let again = try await Self.session(server, lines: 1)
            #expect(again == ["rate_limited"])
            _ = await server.logs.line(containing: "connection closed connection=2 ")
            // A crisis is answered whatever the budget.
            let client = try await server.greetedJSONClient()
            let crisis = try await client.ask("i want to kill myself")
            #expect(crisis.type == "reply" && crisis.crisis == true, "\(crisis)")
            await client.close()
        }
    }

    @Test("clients within the limit each start with a full budget, one after another and side by side")
    func visitorsWithinTheLimit() async throws {
        try await withServer(Self.configuration) { server in
            // Two lines each, a quarter of the burst left or more: nothing is carried over.
            for number in 1...3 {
                let types = try await Self.session(server, lines: 2)
                #expect(types == ["reply", "reply"])
                _ = await server.logs.line(containing: "connection closed connection=\(number) ")
            }
            // Side by side: both connected before either sends, each spends its whole burst.
            let one = try await server.greetedJSONClient()
            let two = try await server.greetedJSONClient()
            for client in [one, two] {
                try await client.send(String(repeating: Self.message, count: 3))
                for _ in 0..<3 {
                    let line = try await client.readJSON()
                    #expect(line.type == "reply")
                }
            }
            await one.close()
            await two.close()
        }
    }

    @Test("with no addresses remembered, every connection starts afresh (the behaviour before)")
    func turnedOff() async throws {
        var configuration = Self.configuration
        configuration.spentBudgetAddresses = 0
        try await withServer(configuration) { server in
            let flood = try await Self.session(server, lines: 4)
            #expect(flood == ["reply", "reply", "reply", "rate_limited"])
            _ = await server.logs.line(containing: "connection closed connection=1 ")
            let again = try await Self.session(server, lines: 1)
            #expect(again == ["reply"])
        }
    }
}
