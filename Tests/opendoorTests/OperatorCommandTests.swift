import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// The operator's side of the command line: `--version`, `serve --metrics-port`, `--notify-url`, and staff
/// commands that say which store they opened.
@Suite("Operator commands", .serialized)
struct OperatorCommandTests {
    @Test("--version prints the version; serve logs it when it starts")
    func version() async throws {
        let result = try await OpenDoorProcess.run(["--version"])
        #expect(result.status == 0, "\(result.error)")
        let version = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(version.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil, "\(version)")

        let data = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-ops-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try OpenDoorProcess(["serve", "--data", data.path, "--no-text", "--json-port", "0"])
        // The log line's metadata comes before its message: `… version=0.14.0 [opendoor] opendoor starting`.
        let started = await server.waitForError(matching: #"version=\S+ .*opendoor starting"#)
        #expect(started?.hasPrefix("version=\(version) ") == true, "\(server.errorOutput)")
        #expect(await server.waitForError(matching: #"json_port=\d+"#) != nil, "\(server.errorOutput)")
        await server.stop(SIGTERM)
        #expect(server.process.terminationStatus == 0, "\(server.errorOutput)")
    }

    @Test("serve --metrics-port answers GET /metrics with the counts of what the server did")
    func metricsPort() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-ops-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        let server = try OpenDoorProcess(
            ["serve", "--data", data.path, "--no-text", "--json-port", "0", "--metrics-port", "0"])
        let metricsLine = await server.waitForError(matching: #"metrics_port=\d+"#)
        let metricsPort = try #require(metricsLine.flatMap { Int($0.dropFirst("metrics_port=".count)) })
        let listening = await server.waitForError(matching: #"json_port=\d+"#)
        let jsonPort = try #require(
            listening.flatMap { Int($0.dropFirst("json_port=".count)) }, "\(server.errorOutput)")

        // The client's own hang guard (3 minutes): 30 s was shorter than a starved machine's pauses.
        let client = try await TestClient.connect(port: jsonPort)
        _ = try await client.readLine()
        #expect(try await client.ask("i took too many pills").crisis == true)
        #expect(try await client.ask("what if i relapsed").intent == "faq_relapse")
        #expect(try await client.hello().type == "hello", "answered once the replies before it are counted")
        await client.close()

        let scraper = try await TestClient.connect(
            port: metricsPort, sending: "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let response = try await scraper.readToEnd()
        #expect(response.hasPrefix("HTTP/1.1 200 OK"), "\(response)")
        let overdose = #"opendoor_crisis_events_total{category="overdose",level="crisis"} 1"#
        #expect(response.contains(overdose), "\(response)")
        #expect(response.contains(#"opendoor_replies_total{intent="faq_relapse"} 1"#), "\(response)")
        #expect(response.contains("# TYPE opendoor_reply_duration_seconds histogram"), "\(response)")
        await server.stop(SIGTERM)
        #expect(server.process.terminationStatus == 0, "\(server.errorOutput)")
    }

    @Test("--notify-url must be http:// with a host; --metrics-port must be a port")
    func validation() async throws {
        let https = try await OpenDoorProcess.run(["serve", "--notify-url", "https://intake.example/hook"])
        #expect(https.status == 64 && https.error.contains("only http://"), "\(https.error)")
        let port = try await OpenDoorProcess.run(["serve", "--metrics-port", "70000"])
        #expect(port.status == 64 && port.error.contains("--metrics-port"), "\(port.error)")
    }

    @Test("A chat whose webhook can't be reached still saves and gives the reference, then gives the notice up")
    func chatWithUnreachableWebhook() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-ops-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        // Port 9 (discard) on loopback: nothing listens there.
        let chat = try OpenDoorProcess(
            ["chat", "--json", "--data", data.path, "--notify-url", "http://127.0.0.1:9/hook"])
        _ = try await chat.nextReply()
        let replies = try await chat.exchange(FaultTests.script(phone: "470 555 0142"))
        let reference = try #require(replies.last.flatMap(FaultTests.reference(in:)), "\(replies.last?.text ?? "-")")
        #expect(await chat.finish() == 0)
        await chat.waitForErrorEnd()
        let log = chat.errorOutput
        #expect(log.contains("callback notification given up") && log.contains(reference), "\(log)")
        #expect(!log.mentionsPhone("4705550142") && !log.contains("/hook"), "\(log)")
    }

    @Test("staff commands say which store they opened and what chose it; crisis-counts reads the server's store")
    func staffSayWhichStore() async throws {
        let folder = try StaffCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try await StaffCommandTests.makeStore(data, count: 1)
        let list = try await OpenDoorProcess.run(["callbacks", "list", "--data", data.path])
        #expect(list.status == 0, "\(list.error)")
        #expect(list.error.contains("Store: \(data.path)") && list.error.contains("chosen by --data"), "\(list.error)")
        let counts = try await OpenDoorProcess.run(["crisis-counts", "--data", data.path])
        #expect(counts.status == 0, "\(counts.error)")
        #expect(counts.error.contains("Store: \(data.path)"), "\(counts.error)")
        // The server's PostgreSQL store is the one read (it keeps the counts of every server): when it can't be
        // reached that is said, naming it, and no SQLite folder is read instead.
        let shared = try await OpenDoorProcess.run(
            ["crisis-counts", "--store", "postgres://opendoor@127.0.0.1:1/opendoor"], directory: folder)
        #expect(shared.status == 1, "\(shared.error)")
        #expect(shared.error.contains("postgres://opendoor@127.0.0.1:1/opendoor") && shared.error.contains("--store"))
        #expect(!shared.error.contains("Store: \(folder.path)"), "\(shared.error)")
    }
}
