import Foundation
import OpenDoorTestSupport
import Testing

/// A server whose open file limit is low, held full by silent connections, keeps descriptors to answer the next
/// visitor (QA25 S1-4: at a limit of 1,024, 1,100 silent connections left 12 of 12 visitors in crisis unanswered).
@Suite("Descriptor starvation", .serialized)
struct DescriptorStarvationTests {
    @Test("300 silent connections on a server limited to 256 open files: a new visitor is answered at once with 988, and accept never fails")
    func fullChatStillAnswers() async throws {
        let folder = try StaffConsoleCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Loopback is a trusted proxy by default: every connection is a visitor of its own, as from many addresses.
        let server = try OpenDoorProcess(
            ["serve", "--data", folder.appendingPathComponent("data").path, "--no-text", "--json-port", "0"],
            fileLimit: 256)
        let jsonPort = try #require(
            await server.waitForError(matching: #"json_port=\d+"#).flatMap { Int($0.dropFirst("json_port=".count)) },
            "\(server.errorOutput)")

        // Each flood connection's first line (a greeting, or "the chat is full") says the server has taken it. Those
        // let in stay open and silent; those turned away are closed by the server.
        var flood: [TestClient] = []
        var full = 0
        for _ in 0..<300 {
            let client = try await TestClient.connect(port: jsonPort)
            if try await client.readLine()?.contains("chat is full") == true { full += 1 }
            flood.append(client)
        }
        #expect(full > 0, "the cap was reached")

        // The client's own hang guard (3 minutes), not 5 s: a server holding 300 connections on a starved machine can
        // take longer than that to greet, and a visitor never accepted still fails the test, later.
        let visitor = try await TestClient.connect(port: jsonPort)
        let first = try #require(try await visitor.readLine(), "the visitor got a first line")
        #expect(first.contains("988"), "\(first)")
        await visitor.close()
        #expect(!server.errorOutput.contains("can't be accepted"), "\(server.errorOutput)")
        for client in flood { await client.close() }
        await server.stop(SIGTERM)
        #expect(server.process.terminationStatus == 0, "\(server.errorOutput)")
    }
}
