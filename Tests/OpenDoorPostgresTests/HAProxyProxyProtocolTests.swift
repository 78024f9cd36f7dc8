import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `Scripts/haproxy --send-proxy` in front of `opendoor serve --proxy-protocol` (each on a SQLite folder of its own; no
/// PostgreSQL needed): each visitor behind HAProxy has their own rate limit (QA29 S1-3), and a full server tells a new
/// visitor it is busy, with 988, instead of being marked DOWN and HAProxy closing the visitor without a word (QA29 S2-7).
@Suite("HAProxy with the PROXY protocol (QA29 S1-3, S2-7)", .serialized)
struct HAProxyProxyProtocolTests {
    /// Runs `body` with two servers started with `arguments` and HAProxy in front of them (`options`); stops all after.
    static func withProxy(
        servers arguments: [String], options: [String],
        _ body: ([ServeProcess], HAProxy) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-proxy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let servers = try await offThePool {
            try (1...2).map { number in
                let data = folder.appendingPathComponent("data\(number)")
                try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
                // HAProxy connects from 127.0.0.1; the test's visitors from 127.0.0.2 and on are not proxies.
                // At debug, every connection's close is logged, past the budget of lines the checks' connections spend.
                return try ServeProcess(
                    store: "sqlite:\(data.path)",
                    arguments: ["--trusted-proxy", "127.0.0.1", "--proxy-protocol", "--log-level", "debug"] + arguments)
            }
        }
        let proxy = try await HAProxy.startOrSkip(checkInterval: 100, backends: servers.map(\.port), options: options)
        do {
            try await proxy.waitUntil("both servers are up") { $0["opendoor1"]?.status == "UP" && $0["opendoor2"]?.status == "UP" }
            try await body(servers, proxy)
        } catch {
            await proxy.stop()
            for server in servers { _ = try? await server.stop(SIGKILL) }
            throw error
        }
        await proxy.stop()
        for server in servers { #expect(try await server.stop() == 0) }
    }

    static let message = #"{"type":"message","text":"what if i relapsed"}"# + "\n"

    /// A connection's close with a refused line, as the log writes it: metadata first, then the message.
    static let flooderClosed = #"refused=1 [^\n]*\] connection closed"#

    /// A visitor from `source` through HAProxy sends `lines` messages at once; the answers' types up to the first refusal.
    static func session(port: Int, from source: String, lines: Int) async throws -> [String] {
        let client = try await TestClient.connect(port: port, from: source)
        _ = try await client.readJSON()
        try await client.send(String(repeating: message, count: lines))
        let types = try await client.answerTypes(count: lines)
        await client.close()
        return types
    }

    // Round 25 saw "closed before the greeting after ~4 min" here and disabled it; the server was right all along. The
    // wait for each server's log of the flooder's close looked for "connection closed.*refused=1", but a log line puts
    // its metadata before its message ("… refused=1 replies=0 [OpenDoorServer] connection closed"), so the wait never
    // ended; the servers' watchdog killed them after 240 s, and the next visitor found HAProxy with no server up.
    @Test("v1 and v2: a flooder's spent budget stays its own; another visitor through HAProxy gets a full burst")
    func budgetsPerVisitor() async throws {
        for header in ["--send-proxy", "--send-proxy-v2"] {
            try await Self.withProxy(servers: ["--message-burst", "3", "--messages-per-minute", "1"], options: [header]) {
                servers, proxy in
                // Round robin: the flooder's two connections reach each server once, each leaving its budget spent there.
                for _ in 0..<2 {
                    #expect(try await Self.session(port: proxy.port, from: "127.0.0.2", lines: 4) == ["reply", "reply", "reply", "rate_limited"])
                }
                // Each server has logged the flooder's close (with its refused line), so its budget is left there.
                for server in servers {
                    let closed = try await server.awaitLog(Self.flooderClosed)
                    try #require(closed != nil, "the server ended before logging the flooder's close: \(server.logText)")
                }
                // Back on each server: the budget it left there, spent (the header named the same visitor).
                for _ in 0..<2 {
                    #expect(try await Self.session(port: proxy.port, from: "127.0.0.2", lines: 1) == ["rate_limited"], "\(header)")
                }
                // Another visitor behind the same HAProxy: a full burst on either server.
                for _ in 0..<2 {
                    #expect(try await Self.session(port: proxy.port, from: "127.0.0.3", lines: 3) == ["reply", "reply", "reply"], "\(header)")
                }
            }
        }
    }

    @Test("two full servers stay UP and tell a new visitor they are busy, with 988; a crisis then is answered")
    func fullServersSayBusy() async throws {
        try await Self.withProxy(
            servers: ["--max-connections", "3", "--evict-silent-after", "0", "--max-connections-per-address", "10"],
            options: ["--send-proxy"]
        ) { servers, proxy in
            // Six visitors from six addresses fill both servers (round robin, three each). A check holds a place for
            // a moment: a visitor it crowds out tries again from the next address.
            var held: [TestClient] = []
            var number = 2
            while held.count < 6, number < 40 {
                let client = try await TestClient.connect(port: proxy.port, from: "127.0.0.\(number)")
                number += 1
                if try await client.readJSON().type == "reply" { held.append(client) } else { await client.close() }
            }
            #expect(held.count == 6)
            // The checks on the full servers get busy (each server logs it) and pass: busy is alive. HAProxy's states
            // read twenty times (each a run of the script, longer than a check interval) never show a server failing.
            for server in servers { try await server.awaitLog("connections refused: chat full") }
            for _ in 0..<20 {
                let states = try await proxy.states()
                #expect(states.values.allSatisfy { $0.status == "UP" }, "\(states)")
            }
            // Three new visitors: each hears the chat is full, with the numbers; a crisis sent then is answered.
            for number in number..<(number + 3) {
                let client = try await TestClient.connect(port: proxy.port, from: "127.0.0.\(number)")
                let busy = try await client.readJSON()
                #expect(busy.type == "bye" && busy.reason == "busy", "\(busy)")
                #expect((busy.text ?? "").contains("988"), "\(busy)")
                let crisis = try await client.ask("i want to kill myself")
                #expect(crisis.type == "reply" && crisis.crisis == true, "\(crisis)")
                await client.close()
            }
            for client in held { await client.close() }
        }
    }
}
