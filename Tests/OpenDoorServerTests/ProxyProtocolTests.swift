import Foundation
import NIOCore
import OpenDoorTestSupport
import Testing

@testable import OpenDoorServer

/// QA29 S1-3: behind HAProxy (or any proxy on loopback) every visitor came from the proxy's address, and one flooder's
/// spent rate budget went to every visitor after it. With `--proxy-protocol`, a trusted proxy's PROXY header (v1 or v2)
/// names the visitor, whose budget is their own; without it, a trusted proxy's connection keeps its budget to itself.
/// Real sockets on 127.0.0.1.
@Suite("PROXY protocol and budgets behind a proxy (QA29 S1-3)")
struct ProxyProtocolTests {
    static let message = #"{"type":"message","text":"what if i relapsed"}"# + "\n"

    static func configuration(proxyProtocol: Bool) -> ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        configuration.proxyProtocol = proxyProtocol
        configuration.messageBurst = 3
        // One line a minute: nothing refills while the test runs, however slowly the machine runs it.
        configuration.messagesPerMinute = 1
        return configuration
    }

    /// HAProxy's `send-proxy` line for a visitor at `source`.
    static func v1(_ source: String) -> String { "PROXY TCP4 \(source) 127.0.0.1 51000 7461\r\n" }

    /// HAProxy's `send-proxy-v2` header for a visitor at `source` (IPv4).
    static func v2(_ source: String) -> [UInt8] {
        let octets = source.split(separator: ".").map { UInt8($0)! }
        return ProxyHeader.signature + [0x21, 0x11, 0x00, 0x0C] + octets + [127, 0, 0, 1] + [0xC7, 0x38, 0x1D, 0x25]
    }

    /// Connects, sends `header` and then `lines` messages, reads the greeting and an answer for each up to the first
    /// refusal, closes; returns the answers' types once the server has logged the close.
    static func session(
        _ server: RunningServer, header: [UInt8], lines: Int, number: Int
    ) async throws -> [String] {
        let client = try await server.jsonClient()
        try await client.send(bytes: header + Array(String(repeating: message, count: lines).utf8))
        #expect(try await client.readJSON().type == "reply", "the greeting, once the header named the visitor")
        let types = try await client.answerTypes(count: lines)
        await client.close()
        _ = await server.logs.line(containing: "connection closed connection=\(number) ")
        return types
    }

    @Test("headers read: v1 TCP4, TCP6 and UNKNOWN, v2 PROXY and LOCAL; partial ones wait, others are refused")
    func readsHeaders() {
        func read(_ bytes: [UInt8]) -> ProxyHeader.Reading {
            ProxyHeader.read(ByteBuffer(bytes: bytes).readableBytesView)
        }
        let line = Array(Self.v1("203.0.113.5").utf8)
        #expect(read(line + Array("{}".utf8)) == .header(length: line.count, client: "203.0.113.5"))
        #expect(read(Array(line.prefix(9))) == .incomplete)
        #expect(read(Array("PROXY TCP6 2001:db8::1 ::1 1 2\r\n".utf8)) == .header(length: 32, client: "2001:db8::1"))
        #expect(read(Array("PROXY UNKNOWN\r\n".utf8)) == .header(length: 15, client: nil))
        #expect(read(Array("PROXY TCP4 nonsense 127.0.0.1 1 2\r\n".utf8)) == .invalid)
        #expect(read(Array("PROXY TCP4 1.2.3.4 127.0.0.1 1 2\n".utf8)) == .invalid)
        #expect(read(Array(#"{"type":"hello"}"#.utf8)) == .invalid)
        #expect(read(Array(repeating: UInt8(ascii: "A"), count: 3)) == .invalid)
        let v2 = Self.v2("198.51.100.7")
        #expect(read(v2 + [0x7B]) == .header(length: 28, client: "198.51.100.7"))
        #expect(read(Array(v2.prefix(20))) == .incomplete)
        #expect(read(ProxyHeader.signature + [0x20, 0x00, 0x00, 0x00]) == .header(length: 16, client: nil))
        #expect(read(ProxyHeader.signature + [0x13, 0x11, 0x00, 0x00]) == .invalid)
    }

    @Test("with --proxy-protocol each visitor behind the proxy has their own budget; a flooder reconnecting keeps its own")
    func budgetPerVisitor() async throws {
        try await withServer(Self.configuration(proxyProtocol: true)) { server in
            let flooder = Array(Self.v1("203.0.113.5").utf8)
            // Each connection has two numbers: its hold until the header (as a handshake's), then the visitor's place.
            #expect(try await Self.session(server, header: flooder, lines: 4, number: 2) == ["reply", "reply", "reply", "rate_limited"])
            // The same visitor again: its budget, spent.
            #expect(try await Self.session(server, header: flooder, lines: 1, number: 4) == ["rate_limited"])
            // Others behind the same proxy, in v1 and v2: a full burst each.
            #expect(try await Self.session(server, header: Array(Self.v1("203.0.113.6").utf8), lines: 3, number: 6) == ["reply", "reply", "reply"])
            #expect(try await Self.session(server, header: Self.v2("198.51.100.7"), lines: 3, number: 8) == ["reply", "reply", "reply"])
            // The health check's own connection (v2 LOCAL) is greeted.
            let check = try await server.jsonClient()
            try await check.send(bytes: ProxyHeader.signature + [0x20, 0x00, 0x00, 0x00])
            #expect(try await check.readJSON().type == "reply")
            await check.close()
        }
    }

    @Test("with --proxy-protocol a trusted proxy's connection without a header is closed, and the log says why")
    func noHeaderClosed() async throws {
        try await withServer(Self.configuration(proxyProtocol: true)) { server in
            let client = try await server.jsonClient()
            try await client.send(Self.message)
            #expect(try await client.isAtEnd(), "closed, unanswered: anyone could name any address")
            let line = await server.logs.line(containing: "no PROXY protocol header")
            #expect(line.contains("send-proxy"), "\(line)")
            await client.close()
        }
    }

    @Test("without the header, a trusted proxy's flooder leaves its spent budget to nobody behind the proxy")
    func budgetPerProxyConnection() async throws {
        try await withServer(Self.configuration(proxyProtocol: false)) { server in
            #expect(try await Self.session(server, header: [], lines: 4, number: 1) == ["reply", "reply", "reply", "rate_limited"])
            // The next visitor through the proxy: a full burst, not the flooder's spent one.
            #expect(try await Self.session(server, header: [], lines: 3, number: 2) == ["reply", "reply", "reply"])
            // A PROXY line is just a line when the option is off: an invalid one, answered as such.
            let client = try await server.greetedJSONClient()
            try await client.send(Self.v1("203.0.113.5"))
            #expect(try await client.readJSON().code == "invalid_json")
            await client.close()
        }
    }
}
