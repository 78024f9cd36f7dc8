import Foundation
import Hummingbird
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorTestSupport
import Testing

@testable import OpenDoorStaff

/// A console as `opendoor staff` runs it (its real application: connection cap, request timer, header limits),
/// listening on 127.0.0.1 at a free port, talked to with plain sockets.
struct LiveConsole: Sendable {
    let port: Int
    let logs: LogRecorder
    let directory: URL

    /// Runs `body` against a console on a new data folder with one account; the console stops afterwards.
    static func run(
        configure: (inout StaffConfiguration) -> Void = { _ in },
        _ body: @Sendable (LiveConsole) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { directory in
            try StaffAccounts.set(name: testAccount, password: testPassword, in: directory, cost: 4)
            let logs = LogRecorder()
            let store = try SQLiteCallbackStore(directory: directory, logger: quietLogger)
            var configuration = StaffConfiguration()
            configuration.host = "127.0.0.1"
            configuration.port = 0
            // Deadlines no test run meets unless it sets its own: a full parallel run can starve a request for
            // longer than the console's 10 s.
            configuration.headerTimeout = .seconds(300)
            configuration.bodyTimeout = .seconds(300)
            configure(&configuration)
            let console = StaffConsole(
                store: store, assistant: ShippedKnowledge.assistant,
                health: KnowledgeHealthReport(StaffFixtures.health), dataDirectory: directory,
                configuration: configuration, logger: logs.logger(label: "opendoor.staff.test"))
            let (ports, reportPort) = AsyncStream.makeStream(of: Int.self)
            let application = console.makeApplication { reportPort.yield($0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await application.runService(gracefulShutdownSignals: []) }
                var iterator = ports.makeAsyncIterator()
                let port = try #require(await iterator.next())
                defer { group.cancelAll() }
                try await body(LiveConsole(port: port, logs: logs, directory: directory))
            }
            try await store.close()
        }
    }

    /// Sends `request` (its lines joined with CRLF, then a blank line and `body`) on a new connection and reads the
    /// response to the end (the request asks for `Connection: close`).
    func send(_ lines: [String], body: String = "") async throws -> HTTPReply {
        let client = try await TestClient.connect(port: port)
        var head = lines
        head.append("Connection: close")
        if !body.isEmpty { head.append("Content-Length: \(body.utf8.count)") }
        try await client.send(head.joined(separator: "\r\n") + "\r\n\r\n" + body)
        let reply = HTTPReply(try await client.readToEnd())
        await client.close()
        return reply
    }

    /// The sign-in form's token, which goes in its cookie and in the form.
    func signInToken() async throws -> String {
        let page = try await send(["GET /sign-in HTTP/1.1", "Host: staff"])
        return try #require(page.cookies[StaffRoutes.signInCookieName], "\(page.head)")
    }

    /// Posts the sign-in form with `password`, as the client at `forwardedFor` behind a proxy when given.
    func signIn(password: String, token: String, forwardedFor: String? = nil) async throws -> HTTPReply {
        var lines = [
            "POST /sign-in HTTP/1.1", "Host: staff", "Content-Type: application/x-www-form-urlencoded",
            "Cookie: \(StaffRoutes.signInCookieName)=\(token)",
        ]
        if let forwardedFor { lines.append("X-Forwarded-For: \(forwardedFor)") }
        let form = "token=\(token)&account=\(testAccount)&password=\(StaffClient.encode(password))"
        return try await send(lines, body: form)
    }

    /// The session cookie of a successful sign-in (as `name=value`).
    func session() async throws -> String {
        let reply = try await signIn(password: testPassword, token: try await signInToken())
        #expect(reply.status == 303, "\(reply.head)")
        return "\(StaffRoutes.cookieName)=\(try #require(reply.cookies[StaffRoutes.cookieName]))"
    }
}

/// An HTTP response as read off a socket.
struct HTTPReply: Sendable {
    /// The status line and headers.
    let head: [String]
    let body: String

    init(_ text: String) {
        // "\r\n" is one Character in Swift: split on newlines, not on "\n".
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let blank = lines.firstIndex(of: "") ?? lines.count
        head = Array(lines[..<blank])
        body = lines.dropFirst(blank + 1).joined(separator: "\n")
    }

    /// The status code; 0 when nothing came back (the server closed the connection).
    var status: Int { head.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0 }

    /// The first value of the header `name`.
    func header(_ name: String) -> String? {
        for line in head.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }

    /// The cookies set, by name.
    var cookies: [String: String] {
        var cookies: [String: String] = [:]
        for line in head.dropFirst() where line.lowercased().hasPrefix("set-cookie:") {
            let pair = line.dropFirst("set-cookie:".count).trimmingCharacters(in: .whitespaces).prefix { $0 != ";" }
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { cookies[String(parts[0])] = String(parts[1]) }
        }
        return cookies
    }
}
