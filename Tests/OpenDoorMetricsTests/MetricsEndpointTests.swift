import Foundation
import Logging
import OpenDoorMetrics
import OpenDoorServer
import OpenDoorTestSupport
import ServiceLifecycle
import Testing

@Suite("The /metrics endpoint")
struct MetricsEndpointTests {
    /// Sends `request` to the endpoint and reads the whole response (the endpoint closes after one).
    static func exchange(_ request: String, port: Int) async throws -> (head: [String], body: String) {
        let client = try await TestClient.connect(port: port, timeout: 60)
        try await client.send(request)
        let response = try await client.readToEnd()
        await client.close()
        // "\r\n" is one Character in Swift: split on newlines, not on "\n".
        let lines = response.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let blank = lines.firstIndex(of: "") ?? lines.endIndex
        return (Array(lines[..<blank]), lines[min(blank + 1, lines.endIndex)...].joined(separator: "\n"))
    }

    @Test("GET /metrics answers the registry's text; other paths and methods are refused")
    func scrape() async throws {
        let registry = TextFormatTests.recordedRegistry()
        // A lifetime a starved test run can't outlast (the default, 30 s, it did).
        let endpoint = try await MetricsEndpoint.bind(
            port: 0, render: registry.render, logger: quietLogger, connectionLifetime: .seconds(600))
        #expect(endpoint.port > 0)
        let group = ServiceGroup(services: [endpoint], logger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let ok = try await Self.exchange("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n", port: endpoint.port)
            #expect(ok.head.first == "HTTP/1.1 200 OK", "\(ok.head)")
            #expect(ok.head.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"), "\(ok.head)")
            let text = try PrometheusText(ok.body)
            #expect(text.value("opendoor_fallbacks_total") == 1)

            let missing = try await Self.exchange("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", port: endpoint.port)
            #expect(missing.head.first == "HTTP/1.1 404 Not Found", "\(missing.head)")
            let posted = try await Self.exchange(
                "POST /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", port: endpoint.port)
            #expect(posted.head.first == "HTTP/1.1 405 Method Not Allowed", "\(posted.head)")

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("one client can't hold the endpoint: connections past the cap are closed at once, and each has a lifetime")
    func boundedConnections() async throws {
        let registry = TextFormatTests.recordedRegistry()
        let logs = LogRecorder()
        // A lifetime no test run reaches, so that the four let in stay while the others come.
        let capped = try await MetricsEndpoint.bind(
            port: 0, render: registry.render, logger: logs.logger(),
            connectionLimits: ConnectionCap.Limits(total: 16, perAddress: 4), connectionLifetime: .seconds(600))
        // A lifetime of a second, for a scraper that trickles its request.
        let brief = try await MetricsEndpoint.bind(
            port: 0, render: registry.render, logger: quietLogger, connectionLifetime: .seconds(1))
        let group = ServiceGroup(services: [capped, brief], logger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Eight idle connections from one address: four are let in, the others are closed at once. Before, all
            // eight stayed open for good.
            var idle: [TestClient] = []
            for _ in 0..<8 { idle.append(try await TestClient.connect(port: capped.port)) }
            let refused = await logs.line(containing: "connections refused: too many open")
            #expect(refused.contains("metrics") && refused.contains("127.0.0.1"), "\(refused)")
            for client in idle { await client.close() }

            let trickle = try await TestClient.connect(port: brief.port)
            try await trickle.send("GET /metrics HTTP/1.1\r\nHost: local")
            #expect(try await trickle.readToEnd() == "", "closed unanswered at the end of its lifetime")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
