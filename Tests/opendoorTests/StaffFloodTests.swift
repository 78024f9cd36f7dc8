import Foundation
import OpenDoorTestSupport
import Testing

/// `opendoor serve --staff-port` runs the chat and the staff console in one process, which has one budget of file
/// descriptors: a flood of connections to the console must not leave the chat unable to take a visitor.
@Suite("Staff port flood", .serialized)
struct StaffFloodTests {
    @Test("400 connections held open on the staff port: the chat still answers a visitor, and a crisis with 988")
    func chatSurvivesStaffFlood() async throws {
        let folder = try StaffConsoleCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // 256 descriptors, as a small service might be given: before the console had a cap, the flood took every
        // one of them and the chat's accept failed with EMFILE.
        let server = try OpenDoorProcess(
            ["serve", "--data", folder.appendingPathComponent("data").path, "--no-text", "--json-port", "0",
             "--staff-port", "0"],
            fileLimit: 256)
        let announced = try #require(await server.waitForError(matching: "http://127.0.0.1:[0-9]+/"), "\(server.errorOutput)")
        let staffPort = try #require(Int(announced.split(separator: ":").last!.dropLast()))
        let jsonPort = try #require(
            await server.waitForError(matching: #"json_port=\d+"#).flatMap { Int($0.dropFirst("json_port=".count)) },
            "\(server.errorOutput)")

        // Every flood connection asks as it connects (on the thread that connected: between a connect and a later
        // send a starved machine can pass the console's 10 s header deadline, which closed all 24 let in before they
        // asked, once under load); reading each answer (or the close) means the server has dealt with all of them.
        // The ones let in stay open (keep-alive).
        let started = ContinuousClock.now
        var flood: [TestClient] = []
        for _ in 0..<400 {
            flood.append(try await TestClient.connect(port: staffPort, sending: "GET /health HTTP/1.1\r\nHost: staff\r\n\r\n"))
        }
        var answered = 0
        for client in flood {
            if try await client.readLine() != nil { answered += 1 }
        }
        // 24 at once from one address (the console's cap), each place held until the header deadline (10 s) closes
        // its connection, answered and idle or not yet read: a place serves at most one connection per 10 s, so the
        // seconds the flood took bound how many were answered (on a quiet machine, about 24). A fixed bound (150) was
        // passed under CI-like load, where the 400 connections took minutes. Before the cap, all until the process
        // had no descriptor left (about 200), and the rest never; and the cap says in the log that it turned some away.
        let seconds = Int((ContinuousClock.now - started).components.seconds)
        #expect(answered >= 1 && answered <= 24 * (seconds / 10 + 1), "\(answered) answered in \(seconds) s")
        #expect(
            await server.waitForError(matching: "connections refused: too many open") != nil, "\(server.errorOutput)")

        let visitor = try await TestClient.connect(port: jsonPort)
        #expect(try await visitor.readLine() != nil, "greeted")
        #expect(try await visitor.ask("what if i relapsed").intent == "faq_relapse")
        let crisis = try await visitor.ask("i want to kill myself")
        #expect(crisis.crisis == true)
        #expect(crisis.text?.contains("988") == true, "\(crisis.text ?? "-")")
        await visitor.close()
        for client in flood { await client.close() }
        await server.stop(SIGTERM)
        #expect(server.process.terminationStatus == 0, "\(server.errorOutput)")
    }
}
