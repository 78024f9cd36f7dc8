import Foundation
import OpenDoorTestSupport
import Testing

@testable import OpenDoorServer

/// The WebSocket port behind a TCP proxy (HAProxy `mode tcp` with `send-proxy`): X-Forwarded-For comes only from an
/// HTTP proxy, so every WebSocket counted as the proxy's address. With `--proxy-protocol` the header a trusted proxy
/// sends before the handshake names the visitor, as on the JSON-lines port. Real sockets on 127.0.0.1, the clients
/// standing for the proxy (127.0.0.1 is trusted).
@Suite("PROXY protocol on the WebSocket port")
struct WebSocketProxyProtocolTests {
    static func configuration(proxyProtocol: Bool = true, trusted: TrustedProxies = .loopback) -> ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        configuration.webSocketPort = 0
        configuration.trustedProxies = trusted
        configuration.proxyProtocol = proxyProtocol
        configuration.maximumConnections = 20
        configuration.maximumConnectionsPerAddress = 1
        configuration.silentEvictionAge = nil
        return configuration
    }

    /// A WebSocket opened through the proxy, `prefix` first; its first line (the greeting, or `bye` busy).
    static func open(
        _ port: Int, prefix: [UInt8], headers: [String] = []
    ) async throws -> (WebSocketClient, ServerLine) {
        let (status, _, socket) = try await WebSocketClient.open(port: port, headers: headers, prefix: prefix)
        #expect(status.hasPrefix("HTTP/1.1 101"), "\(status)")
        return (socket, try await socket.readJSON())
    }

    static func v1(_ source: String) -> [UInt8] { Array(ProxyProtocolTests.v1(source).utf8) }

    @Test("each WebSocket is the visitor its v1 or v2 header names: the per-address cap holds per visitor, not per proxy")
    func capPerNamedVisitor() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (first, greeting) = try await Self.open(port, prefix: Self.v1("203.0.113.9"))
            #expect(greeting.type == "reply", "\(greeting)")
            // The same visitor again, in v2: held to its cap of one.
            let (again, refused) = try await Self.open(port, prefix: ProxyProtocolTests.v2("203.0.113.9"))
            #expect(refused.type == "bye" && refused.reason == "busy", "\(refused)")
            await again.close()
            // Others through the same proxy: let in, in v1 and v2.
            let (other, otherGreeting) = try await Self.open(port, prefix: Self.v1("203.0.113.10"))
            #expect(otherGreeting.type == "reply", "\(otherGreeting)")
            let (third, thirdGreeting) = try await Self.open(port, prefix: ProxyProtocolTests.v2("198.51.100.7"))
            #expect(thirdGreeting.type == "reply", "\(thirdGreeting)")
            // An HTTP proxy on a trusted address sends no header: its X-Forwarded-For names the visitor, as before.
            let (forwarded, forwardedGreeting) = try await Self.open(
                port, prefix: [], headers: ["X-Forwarded-For: 198.51.100.9"])
            #expect(forwardedGreeting.type == "reply", "\(forwardedGreeting)")
            // The health check's own connection (v2 LOCAL), then plain HTTP: answered as any request without an upgrade.
            let check = try await TestClient.connect(port: port)
            try await check.send(bytes: ProxyHeader.signature + [0x20, 0x00, 0x00, 0x00] + Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            #expect(try await check.readLine()?.hasPrefix("HTTP/1.1 426") == true)
            await check.close()
            for socket in [first, other, third, forwarded] { await socket.close() }
        }
    }

    @Test("X-Forwarded-For counts only from a trusted proxy the header names (a TLS proxy in front of HAProxy), never from a visitor")
    func forwardedOnlyFromANamedProxy() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            // A visitor writing its own X-Forwarded-For through the TCP proxy is still the address the header names.
            let (visitor, greeting) = try await Self.open(
                port, prefix: Self.v1("203.0.113.9"), headers: ["X-Forwarded-For: 203.0.113.77"])
            #expect(greeting.type == "reply", "\(greeting)")
            let (again, refused) = try await Self.open(port, prefix: Self.v1("203.0.113.9"))
            #expect(refused.reason == "busy", "\(refused)")
            await again.close()
            // The TLS proxy (on loopback, trusted) named by the header: its X-Forwarded-For names each visitor.
            let (a, aGreeting) = try await Self.open(
                port, prefix: Self.v1("127.0.0.5"), headers: ["X-Forwarded-For: 203.0.113.50"])
            #expect(aGreeting.type == "reply", "\(aGreeting)")
            let (sameA, sameRefused) = try await Self.open(
                port, prefix: Self.v1("127.0.0.5"), headers: ["X-Forwarded-For: 203.0.113.50"])
            #expect(sameRefused.reason == "busy", "\(sameRefused)")
            await sameA.close()
            let (b, bGreeting) = try await Self.open(
                port, prefix: Self.v1("127.0.0.5"), headers: ["X-Forwarded-For: 203.0.113.51"])
            #expect(bGreeting.type == "reply", "\(bGreeting)")
            for socket in [visitor, a, b] { await socket.close() }
        }
    }

    @Test("the header is read only with --proxy-protocol and only from a --trusted-proxy; a broken one closes the connection")
    func onlyFromTrustedProxies() async throws {
        for configuration in [
            Self.configuration(proxyProtocol: false),
            Self.configuration(trusted: try TrustedProxies(["192.0.2.1"])),
        ] {
            try await withServer(configuration) { running in
                let port = try #require(try await running.server.port(for: .webSocket))
                let (status, _, socket) = try await WebSocketClient.open(port: port, prefix: Self.v1("203.0.113.9"))
                #expect(status.hasPrefix("HTTP/1.1 400"), "not read: the request is not HTTP then, \(status)")
                await socket.close()
            }
        }
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let client = try await TestClient.connect(port: port)
            try await client.send("PROXY TCP4 nonsense\r\nGET / HTTP/1.1\r\n\r\n")
            #expect(try await client.isAtEnd(), "closed, unanswered")
            await client.close()
        }
    }
}
