import Foundation
import Logging
import OpenDoorSQLite
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

    @Test("QA13 D1: with a PostgreSQL store, --data names the accounts' folder; without it staff-user and staff refuse")
    func accountsWithPostgres() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Nothing listens on port 1: neither command gets as far as the database.
        let store = "postgres://opendoor@127.0.0.1:1/opendoor"
        for command in [["staff-user", "add", "pgstaff"], ["staff-user", "list"], ["staff", "--port", "0"]] {
            let refused = try await OpenDoorProcess.run(
                command + ["--store", store], input: "a long password\na long password\n", directory: folder)
            #expect(refused.status == 1, "\(command): \(refused.error)")
            #expect(refused.error.contains("--data DIR next to --store"), "\(refused.error)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "\(command)")
        }
        let accounts = folder.appendingPathComponent("accounts")
        let added = try await OpenDoorProcess.run(
            ["staff-user", "add", "pgstaff", "--store", store, "--data", accounts.path, "--create-folder"],
            input: "a long password\na long password\n", directory: folder)
        #expect(added.status == 0, "\(added.error)")
        #expect(added.error.contains("Staff accounts: \(accounts.path)/staff-users (data folder chosen by --data)"))
        let listed = try await OpenDoorProcess.run(["staff-user", "list", "--store", store, "--data", accounts.path])
        #expect(listed.output == "pgstaff", "\(listed.error)")
        // sqlite:DIR next to --data would be two stores.
        let two = try await OpenDoorProcess.run(["staff-user", "list", "--store", "sqlite:\(folder.path)", "--data", accounts.path])
        #expect(two.status != 0)
        #expect(two.error.contains("give one of them"), "\(two.error)")
    }

    @Test("staff-user add reads the password twice, keeps a bcrypt hash in a 0600 file, and says where")
    func addUser() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let added = try await OpenDoorProcess.run(
            ["staff-user", "add", "dana", "--data", data.path, "--create-folder"], input: "a long password\na long password\n")
        #expect(added.status == 0, "\(added.error)")
        #expect(added.output.contains("Added dana."))
        #expect(added.error.contains("Staff accounts: \(data.path)/staff-users (data folder chosen by --data)"))
        let file = data.appendingPathComponent("staff-users")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.hasPrefix("dana:$2") && !text.contains("a long password"))

        let differ = try await OpenDoorProcess.run(
            ["staff-user", "add", "sam", "--data", data.path], input: "a long password\nanother password\n")
        #expect(differ.status == 1)
        #expect(differ.error.contains("differ"))

        let listed = try await OpenDoorProcess.run(["staff-user", "list", "--data", data.path])
        #expect(listed.output == "dana")
        #expect(listed.error.contains(data.path))
        let removed = try await OpenDoorProcess.run(["staff-user", "remove", "nobody", "--data", data.path])
        #expect(removed.status == 1)
        #expect(removed.error.contains(data.path) && removed.error.contains("no account nobody"))
    }

    @Test("a password file others may read stops staff-user and staff with the command that fixes it")
    func wrongPermissions() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try await Self.makeStore(in: data)
        _ = try await OpenDoorProcess.run(
            ["staff-user", "add", "dana", "--data", data.path, "--create-folder"], input: "a long password\na long password\n")
        let file = data.appendingPathComponent("staff-users")
        chmod(file.path, 0o644)
        for command in [["staff-user", "list"], ["staff", "--port", "0", "--knowledge", OpenDoorProcess.knowledge.path]] {
            let result = try await OpenDoorProcess.run(command + ["--data", data.path])
            #expect(result.status == 1)
            #expect(result.error.contains("chmod 600 \(file.path)"), "\(result.error)")
        }
    }

    @Test("a --trusted-proxy that is not an address is a usage error that says what to give")
    func trustedProxyChecked() async throws {
        for command in [
            ["staff", "--trusted-proxy", "proxy.internal"],
            ["serve", "--staff-port", "0", "--staff-trusted-proxy", "proxy.internal"],
        ] {
            let result = try await OpenDoorProcess.run(command)
            #expect(result.status == 64, "\(result.error)")
            #expect(result.error.contains("“proxy.internal” is not an IP address"), "\(result.error)")
        }
        let alone = try await OpenDoorProcess.run(["serve", "--staff-trusted-proxy", "127.0.0.1"])
        #expect(alone.status == 64)
        #expect(alone.error.contains("add --staff-port"), "\(alone.error)")
    }

    @Test("staff serves on the port it prints, health answers, the inbox needs sign-in, SIGTERM stops it")
    func serves() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try await Self.makeStore(in: data)
        let console = try OpenDoorProcess(["staff", "--port", "0", "--data", data.path])
        let announced = try #require(await console.waitForError(matching: "http://127.0.0.1:[0-9]+/"), "\(console.errorOutput)")
        #expect(console.errorOutput.contains("No staff accounts yet"))
        // The log line comes through the buffered log writer: waited for, not assumed to be there already.
        let loaded = await console.waitForError(matching: "[^\n]*knowledge loaded")
        #expect(loaded?.contains("center=The Carter Treatment Center") == true, "\(console.errorOutput)")
        let port = try #require(Int(announced.split(separator: ":").last!.dropLast()))
        #expect(try await Self.fetch(port: port, path: "/health").status == 200)
        let inbox = try await Self.fetch(port: port, path: "/")
        #expect(inbox.status == 303)
        await console.stop(SIGTERM)
        #expect(console.process.terminationStatus == 0, "\(console.errorOutput)")
    }

    /// An empty callback store in `folder`, as `serve` leaves it.
    static func makeStore(in folder: URL) async throws {
        let store = try SQLiteCallbackStore(directory: folder, logger: Logger(label: "test"))
        try await store.close()
    }

    @Test("staff on a port in use says so as serve does, not in NIO's words")
    func portInUse() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try await Self.makeStore(in: data)
        let first = try OpenDoorProcess(["staff", "--port", "0", "--data", data.path])
        let announced = try #require(await first.waitForError(matching: "http://127.0.0.1:[0-9]+/"), "\(first.errorOutput)")
        let port = try #require(Int(announced.split(separator: ":").last!.dropLast()))
        let second = try await OpenDoorProcess.run(
            ["staff", "--port", "\(port)", "--data", data.path, "--knowledge", OpenDoorProcess.knowledge.path])
        #expect(second.status == 1)
        #expect(
            second.error.contains("Could not listen on 127.0.0.1:\(port) for the staff console: Address already in use."),
            "\(second.error)")
        #expect(second.error.contains("choose another port with --port"))
        #expect(!second.error.contains("errno"), "\(second.error)")
        await first.stop(SIGTERM)
    }

    @Test("staff on an address beyond loopback without --secure-cookies warns that passwords would travel in clear text")
    func warnsBeyondLoopback() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try await Self.makeStore(in: data)
        // A documentation address (TEST-NET-1) no machine has: the warning comes, then listening fails.
        let exposed = try await OpenDoorProcess.run(
            ["staff", "--host", "192.0.2.1", "--port", "0", "--data", data.path, "--knowledge",
             OpenDoorProcess.knowledge.path])
        #expect(exposed.error.contains("Warning: the staff console listens on 192.0.2.1 over plain HTTP"), "\(exposed.error)")
        #expect(exposed.error.contains("put a TLS proxy in front"))
        #expect(exposed.status == 1)
        #expect(exposed.error.contains("Could not listen on 192.0.2.1:0 for the staff console"), "\(exposed.error)")
        let secure = try await OpenDoorProcess.run(
            ["staff", "--host", "192.0.2.1", "--port", "0", "--secure-cookies", "--data", data.path, "--knowledge",
             OpenDoorProcess.knowledge.path])
        #expect(!secure.error.contains("Warning"), "\(secure.error)")
    }

    @Test("staff opens an existing store only: a mistyped --data is refused with the folder and what chose it")
    func staffRefusesMissingStore() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let typo = folder.appendingPathComponent("dtaa")
        let result = try await OpenDoorProcess.run(["staff", "--port", "0", "--data", typo.path])
        #expect(result.status == 1)
        #expect(result.error.contains("\(typo.path)/callbacks.sqlite"), "\(result.error)")
        #expect(result.error.contains("chosen by --data"), "\(result.error)")
        #expect(!FileManager.default.fileExists(atPath: typo.path), "nothing was created")
    }

    @Test("staff-user add refuses a data folder that isn't there unless --create-folder asks for it")
    func staffUserRefusesMissingFolder() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let typo = folder.appendingPathComponent("dtaa")
        let refused = try await OpenDoorProcess.run(
            ["staff-user", "add", "dana", "--data", typo.path], input: "a long password\na long password\n")
        #expect(refused.status == 1)
        #expect(refused.error.contains("There is no data folder at \(typo.path)"), "\(refused.error)")
        #expect(refused.error.contains("--create-folder"))
        #expect(!FileManager.default.fileExists(atPath: typo.path), "nothing was created")
        let created = try await OpenDoorProcess.run(
            ["staff-user", "add", "dana", "--data", typo.path, "--create-folder"],
            input: "a long password\na long password\n")
        #expect(created.status == 0, "\(created.error)")
        let again = try await OpenDoorProcess.run(
            ["staff-user", "add", "sam", "--data", typo.path], input: "a long password\na long password\n")
        #expect(again.status == 0, "an existing folder needs no flag: \(again.error)")
    }

    @Test("serve --staff-port runs the console in the server's process, with the server's metrics at /metrics")
    func insideServe() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let server = try OpenDoorProcess(
            ["serve", "--data", data.path, "--no-text", "--json-port", "0", "--staff-port", "0"])
        let announced = try #require(await server.waitForError(matching: "http://127.0.0.1:[0-9]+/"), "\(server.errorOutput)")
        let staffPort = try #require(Int(announced.split(separator: ":").last!.dropLast()))
        let listening = await server.waitForError(matching: #"json_port=\d+"#)
        let jsonPort = try #require(
            listening.flatMap { Int($0.dropFirst("json_port=".count)) }, "\(server.errorOutput)")

        // The knowledge is read once for the chat and the console (QA24 S3-5): the ports are open, so its one line
        // was written before them.
        let loads = server.errorOutput.components(separatedBy: "knowledge loaded").count - 1
        #expect(loads == 1, "\(server.errorOutput)")

        // The client's own hang guard (3 minutes): 30 s was shorter than a starved machine's pauses.
        let client = try await TestClient.connect(port: jsonPort)
        _ = try await client.readLine()
        #expect(try await client.ask("what if i relapsed").intent == "faq_relapse")
        #expect(try await client.hello().type == "hello", "answered once the reply before it is counted")
        await client.close()

        #expect(try await Self.fetch(port: staffPort, path: "/").status == 303, "the inbox needs sign-in")
        let metrics = try await Self.fetch(port: staffPort, path: "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.head.contains(#"opendoor_replies_total{intent="faq_relapse"} 1"#), "\(metrics.head)")
        await server.stop(SIGTERM)
        #expect(server.process.terminationStatus == 0, "\(server.errorOutput)")
    }

    @Test("serve --staff-port opens the callback store once for the chat and the console, and closes it once")
    func storeOpenedOnce() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let server = try OpenDoorProcess(
            ["serve", "--data", data.path, "--no-text", "--json-port", "0", "--staff-port", "0"])
        #expect(await server.waitForError(matching: "http://127.0.0.1:[0-9]+/") != nil, "\(server.errorOutput)")
        #expect(await server.waitForError(matching: #"json_port=\d+"#) != nil, "\(server.errorOutput)")
        await server.stop(SIGTERM)
        #expect(server.process.terminationStatus == 0, "\(server.errorOutput)")
        // Each open and each close of a SQLite store is one line of the log (the store's own, at info).
        let log = server.errorOutput
        #expect(log.components(separatedBy: "Opened the callback store").count - 1 == 1, "\(log)")
        #expect(log.components(separatedBy: "Closed the callback store").count - 1 == 1, "\(log)")
    }

    @Test("SIGHUP to serve --staff-port reloads the console's knowledge too: try-a-message answers from it")
    func reloadReachesConsole() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let knowledge = folder.appendingPathComponent("Knowledge")
        try FileManager.default.copyItem(at: OpenDoorProcess.knowledge, to: knowledge)
        let added = try await OpenDoorProcess.run(
            ["staff-user", "add", "dana", "--data", data.path, "--create-folder"], input: "a long password\na long password\n")
        #expect(added.status == 0, "\(added.error)")
        let server = try OpenDoorProcess(
            ["serve", "--knowledge", knowledge.path, "--data", data.path, "--no-text", "--json-port", "0",
             "--staff-port", "0"], knowledge: false)
        let announced = try #require(await server.waitForError(matching: "http://127.0.0.1:[0-9]+/"), "\(server.errorOutput)")
        let port = try #require(Int(announced.split(separator: ":").last!.dropLast()))
        _ = await server.waitForError(matching: #"json_port=\d+"#)
        var session = try await ConsoleSession.signIn(port: port, account: "dana", password: "a long password")
        let inbox = try await session.get("/")
        #expect(inbox.contains("Requests are read from \(data.path)/callbacks.sqlite (chosen by --data)."), "\(inbox)")
        let old = "Relapse is a common part of many people’s healing process."
        #expect(try await session.tryMessage("what if i relapsed").contains(old))

        let faq = knowledge.appendingPathComponent("intents/faq.yaml")
        let text = try String(contentsOf: faq, encoding: .utf8)
        try text.replacingOccurrences(of: old, with: "A reloaded answer about relapse.")
            .write(to: faq, atomically: true, encoding: .utf8)
        // The log says which folder and which center the service answers from, at start and after each reload.
        let loaded = await server.waitForError(matching: "[^\n]*knowledge loaded")
        #expect(loaded?.contains(knowledge.standardizedFileURL.path) == true, "\(server.errorOutput)")
        let center = knowledge.appendingPathComponent("center.yaml")
        try String(contentsOf: center, encoding: .utf8)
            .replacingOccurrences(of: "name: The Carter Treatment Center", with: "name: Oak House")
            .write(to: center, atomically: true, encoding: .utf8)
        kill(server.process.processIdentifier, SIGHUP)
        #expect(await server.waitForError(matching: "knowledge reloaded") != nil, "\(server.errorOutput)")
        #expect(await server.waitForError(matching: "center=Oak House .*knowledge loaded") != nil, "\(server.errorOutput)")
        let reloaded = try await session.tryMessage("what if i relapsed")
        #expect(reloaded.contains("A reloaded answer about relapse."), "\(reloaded)")
        await server.stop(SIGTERM)
        #expect(server.process.terminationStatus == 0, "\(server.errorOutput)")
    }

    /// One GET over the shared TCP test client (no redirects followed): the status code.
    ///
    /// The request goes out as the client connects, on the thread that connected: the console closes a connection
    /// whose request hasn't come within its header deadline (10 s in the process), and between a connect and a send
    /// from the test's task a starved machine can pass that (as StaffFloodTests saw).
    static func fetch(port: Int, path: String) async throws -> (status: Int, head: String) {
        let client = try await TestClient.connect(
            port: port, sending: "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let head = try await client.readToEnd()
        await client.close()
        let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, head)
    }
}

/// A signed-in session of the staff console over raw HTTP/1.1 (one connection per request), as a browser keeps it:
/// the session cookie, and each form's token.
struct ConsoleSession {
    let port: Int
    var cookie: String?

    static func signIn(port: Int, account: String, password: String) async throws -> ConsoleSession {
        var session = ConsoleSession(port: port, cookie: nil)
        let page = try await session.get("/sign-in")
        _ = try await session.post("/sign-in", form: [
            ("token", try #require(token(in: page))), ("account", account), ("password", password),
        ])
        return session
    }

    /// The reply the "try a message" page shows for `message` (the page's HTML).
    mutating func tryMessage(_ message: String) async throws -> String {
        let page = try await get("/try")
        return try await post("/try", form: [("token", try #require(Self.token(in: page))), ("message", message)])
    }

    mutating func get(_ path: String) async throws -> String {
        try await send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(cookieLine)Connection: close\r\n\r\n")
    }

    mutating func post(_ path: String, form: [(String, String)]) async throws -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map {
            "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
        return try await send(
            "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(cookieLine)"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n"
                + "Connection: close\r\n\r\n\(body)")
    }

    private var cookieLine: String { cookie.map { "Cookie: \($0)\r\n" } ?? "" }

    /// Sends `request` as the connection opens (see ``StaffConsoleCommandTests/fetch(port:path:)`` for why).
    private mutating func send(_ request: String) async throws -> String {
        let client = try await TestClient.connect(port: port, sending: request)
        let response = try await client.readToEnd()
        await client.close()
        for line in response.split(separator: "\r\n") where line.lowercased().hasPrefix("set-cookie:") {
            let pair = line.dropFirst("set-cookie:".count).trimmingCharacters(in: .whitespaces)
            cookie = String(pair.prefix { $0 != ";" })
        }
        return response
    }

    static func token(in page: String) -> String? {
        guard let range = page.range(of: "name=\"token\" value=\"") else { return nil }
        return String(page[range.upperBound...].prefix { $0 != "\"" })
    }
}
