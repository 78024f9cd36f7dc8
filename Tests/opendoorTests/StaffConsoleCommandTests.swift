import Foundation
import OpenDoorTestSupport
import Testing

/// `opendoor staff-user` and `opendoor staff` as an administrator runs them.
@Suite("Staff console commands", .serialized)
struct StaffConsoleCommandTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-console-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("staff-user add reads the password twice, keeps a bcrypt hash in a 0600 file, and says where")
    func addUser() throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let added = try OpenDoorProcess.run(
            ["staff-user", "add", "dana", "--data", data.path], input: "a long password\na long password\n")
        #expect(added.status == 0, "\(added.error)")
        #expect(added.output.contains("Added dana."))
        #expect(added.error.contains("Staff accounts: \(data.path)/staff-users (data folder chosen by --data)"))
        let file = data.appendingPathComponent("staff-users")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("dana:$2") && !text.contains("a long password"))

        let differ = try OpenDoorProcess.run(
            ["staff-user", "add", "sam", "--data", data.path], input: "a long password\nanother password\n")
        #expect(differ.status == 1)
        #expect(differ.error.contains("differ"))

        let listed = try OpenDoorProcess.run(["staff-user", "list", "--data", data.path])
        #expect(listed.output == "dana")
        #expect(listed.error.contains(data.path))
        let removed = try OpenDoorProcess.run(["staff-user", "remove", "nobody", "--data", data.path])
        #expect(removed.status == 1)
        #expect(removed.error.contains(data.path) && removed.error.contains("no account nobody"))
    }

    @Test("a password file others may read stops staff-user and staff with the command that fixes it")
    func wrongPermissions() throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try OpenDoorProcess.run(
            ["staff-user", "add", "dana", "--data", data.path], input: "a long password\na long password\n")
        let file = data.appendingPathComponent("staff-users")
        chmod(file.path, 0o644)
        for command in [["staff-user", "list"], ["staff", "--port", "0", "--knowledge", OpenDoorProcess.knowledge.path]] {
            let result = try OpenDoorProcess.run(command + ["--data", data.path])
            #expect(result.status == 1)
            #expect(result.error.contains("chmod 600 \(file.path)"), "\(result.error)")
        }
    }

    @Test("a --trusted-proxy that is not an address is a usage error that says what to give")
    func trustedProxyChecked() throws {
        for command in [
            ["staff", "--trusted-proxy", "proxy.internal"],
            ["serve", "--staff-port", "0", "--staff-trusted-proxy", "proxy.internal"],
        ] {
            let result = try OpenDoorProcess.run(command)
            #expect(result.status == 64, "\(result.error)")
            #expect(result.error.contains("“proxy.internal” is not an IP address"), "\(result.error)")
        }
        let alone = try OpenDoorProcess.run(["serve", "--staff-trusted-proxy", "127.0.0.1"])
        #expect(alone.status == 64)
        #expect(alone.error.contains("add --staff-port"), "\(alone.error)")
    }

    @Test("staff serves on the port it prints, health answers, the inbox needs sign-in, SIGTERM stops it")
    func serves() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let console = try OpenDoorProcess(["staff", "--port", "0", "--data", data.path])
        let announced = try #require(console.waitForError(matching: "http://127.0.0.1:[0-9]+/"), "\(console.errorOutput)")
        #expect(console.errorOutput.contains("No staff accounts yet"))
        let port = try #require(Int(announced.split(separator: ":").last!.dropLast()))
        #expect(try await Self.fetch(port: port, path: "/health").status == 200)
        let inbox = try await Self.fetch(port: port, path: "/")
        #expect(inbox.status == 303)
        console.stop(SIGTERM)
        #expect(console.process.terminationStatus == 0, "\(console.errorOutput)")
    }

    @Test("serve --staff-port runs the console in the server's process, with the server's metrics at /metrics")
    func insideServe() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let server = try OpenDoorProcess(
            ["serve", "--data", data.path, "--no-text", "--json-port", "0", "--staff-port", "0"])
        let announced = try #require(server.waitForError(matching: "http://127.0.0.1:[0-9]+/"), "\(server.errorOutput)")
        let staffPort = try #require(Int(announced.split(separator: ":").last!.dropLast()))
        let listening = server.waitForError(matching: #"json_port=\d+"#)
        let jsonPort = try #require(
            listening.flatMap { Int($0.dropFirst("json_port=".count)) }, "\(server.errorOutput)")

        let client = try await TestClient.connect(port: jsonPort, timeout: 30)
        _ = try await client.readLine()
        #expect(try await client.ask("what if i relapsed").intent == "faq_relapse")
        #expect(try await client.hello().type == "hello", "answered once the reply before it is counted")
        await client.close()

        #expect(try await Self.fetch(port: staffPort, path: "/").status == 303, "the inbox needs sign-in")
        let metrics = try await Self.fetch(port: staffPort, path: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.head.contains(#"opendoor_replies_total{intent="faq_relapse"} 1"#), "\(metrics.head)")
        server.stop(SIGTERM)
        #expect(server.process.terminationStatus == 0, "\(server.errorOutput)")
    }

    /// One GET over the shared TCP test client (no redirects followed): the status code.
    static func fetch(port: Int, path: String) async throws -> (status: Int, head: String) {
        let client = try await TestClient.connect(port: port)
        try await client.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let head = try await client.readToEnd()
        await client.close()
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, head)
    }
}
