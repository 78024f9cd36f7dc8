import Foundation
import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// Visitors turned away because the chat is full are logged as summaries (one line a minute at most); those of the
/// server's last interval are told when it stops (QA20 O5: they were never logged).
@Suite("Chat-full refusals in the log")
struct BusyRefusalLogTests {
    @Test("refusals counted after the first line are logged when the server stops")
    func flushedAtStop() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.maximumConnections = 1
        var logs: LogRecorder?
        try await withServer(configuration) { server in
            logs = server.logs
            let first = try await server.greetedJSONClient()
            // Each refused visitor reads the busy goodbye to its end: the refusal is counted by then.
            for _ in 0..<4 {
                let refused = try await server.jsonClient()
                _ = try await refused.readToEnd()
                await refused.close()
            }
            await first.close()
        }
        // withServer has waited for the server to stop.
        let lines = try #require(logs).all.filter { $0.contains("connections refused: chat full") }
        #expect(lines.count == 2, "the first refusal at once, the other three at the stop: \(lines)")
        #expect(lines.first?.contains("total=1") == true, "\(lines)")
        #expect(lines.last?.contains("count=3") == true && lines.last?.contains("total=4") == true, "\(lines)")
    }
}
