import Foundation
import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// QA23 O2, O3, O4 on the WebSocket endpoint, over real sockets on 127.0.0.1 (hand-built frames, as QA's w1–w4).
@Suite("WebSocket endpoint: forwarded visitors, ping floods, RFC 6455 details (QA23)")
struct WebSocketQA23Tests {
    /// Every client connects from 127.0.0.1, the trusted proxy (``TrustedProxies/loopback``), as the TLS proxy does.
    static func configuration(
        total: Int = 20, perAddress: Int = 10, _ change: (inout ServerConfiguration) -> Void = { _ in }
    ) -> ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        configuration.webSocketPort = 0
        configuration.trustedProxies = .loopback
        configuration.maximumConnections = total
        configuration.maximumConnectionsPerAddress = perAddress
        configuration.silentEvictionAge = nil
        change(&configuration)
        return configuration
    }

    /// A WebSocket the proxy opened for a visitor at `address`, greeted (or told the chat is full).
    static func visitor(_ port: Int, _ address: String, header: String = "X-Forwarded-For") async throws -> (
        WebSocketClient, ServerLine
    ) {
        let value = header == "Forwarded" ? "for=\"[\(address)]\"" : "198.51.100.250, \(address)"
        let (status, _, socket) = try await WebSocketClient.open(port: port, headers: ["\(header): \(value)"])
        #expect(status.hasPrefix("HTTP/1.1 101"), "\(status)")
        return (socket, try await socket.readJSON())
    }

    @Test("behind the trusted proxy each visitor is their X-Forwarded-For address: the per-address cap holds")
    func forwardedForCap() async throws {
        try await withServer(Self.configuration(perAddress: 2)) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            var open: [WebSocketClient] = []
            for _ in 0..<2 {
                let (socket, greeting) = try await Self.visitor(port, "203.0.113.9")
                #expect(greeting.type == "reply", "\(greeting)")
                open.append(socket)
            }
            // The same visitor's third: held to the cap, as it would be connecting directly.
            let (third, refused) = try await Self.visitor(port, "203.0.113.9")
            #expect(refused.type == "bye" && refused.reason == "busy", "\(refused)")
            await third.close()
            // Another visitor through the same proxy is let in; `Forwarded` (RFC 7239) is read when there is no XFF.
            let (other, greeting) = try await Self.visitor(port, "2001:db8:7::1", header: "Forwarded")
            #expect(greeting.type == "reply", "\(greeting)")
            let (sameOther, refusedOther) = try await Self.visitor(port, "2001:db8:7::2", header: "Forwarded")
            #expect(refusedOther.type == "reply", "a second in its /64: \(refusedOther)")
            let (thirdOther, cappedOther) = try await Self.visitor(port, "2001:db8:7::3", header: "Forwarded")
            #expect(cappedOther.reason == "busy", "the /64's third: \(cappedOther)")
            for socket in open + [other, sameOther, thirdOther] { await socket.close() }
        }
    }

    @Test("an IPv6 customer spread over the /64s of its /56 can't evict a visitor reading the greeting")
    func ipv6AllocationCantCrowdOut() async throws {
        let configuration = Self.configuration(total: 4, perAddress: 3) { $0.silentEvictionAge = .zero }
        try await withServer(configuration) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            // The visitor, reading the greeting (silent), from another network.
            let (reader, greeting) = try await Self.visitor(port, "2001:db8:aaaa:1::7")
            #expect(greeting.type == "reply")
            // The customer: one chatting connection in each of three /64s of its /56.
            var flood: [WebSocketClient] = []
            for net in 1...3 {
                let (socket, hello) = try await Self.visitor(port, "2001:db8:1:\(net)::1")
                #expect(hello.type == "reply", "\(hello)")
                try await socket.send(Array((#"{"type":"message","text":"what are your hours"}"# + "\n").utf8))
                #expect(try await socket.readJSON().type == "reply")
                flood.append(socket)
            }
            // Its fourth /64 is told the chat is full; the reader keeps the place (QA23 w2: `bye busy` at 7 s).
            let (fourth, refused) = try await Self.visitor(port, "2001:db8:1:4::1")
            #expect(refused.type == "bye" && refused.reason == "busy", "\(refused)")
            await fourth.close()
            try await reader.send(Array((#"{"type":"hello"}"# + "\n").utf8))
            #expect(try await reader.readJSON().type == "hello", "the reader is still there")

            // A new visitor from elsewhere takes a place from the /56 holding three.
            let (newcomer, welcome) = try await Self.visitor(port, "2001:db8:bbbb::9")
            #expect(welcome.type == "reply", "\(welcome)")
            var evicted = 0
            for socket in flood {
                // Each flood connection is either still chatting or was told the chat is full.
                // An evicted one may be closed already: its goodbye is read all the same.
                try? await socket.send(Array((#"{"type":"hello"}"# + "\n").utf8))
                let line = try await socket.readJSON()
                if line.type == "bye" {
                    #expect(line.reason == "busy", "\(line)")
                    evicted += 1
                }
            }
            #expect(evicted == 1)
            for socket in flood + [reader, newcomer] { await socket.close() }
        }
    }

    @Test("a ping flood gets a few pongs, then close code 1008; another visitor is answered at once")
    func pingFlood() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (_, _, flooder) = try await WebSocketClient.open(port: port)
            _ = try await flooder.readJSON()
            let ping = WebSocketClient.frame(Array(repeating: 0x41, count: 125), opcode: WebSocketClient.ping)
            // One more than a second's allowance, in one write: the last is the one that closes (nothing left unread,
            // so the close is a clean FIN, not a reset).
            let count = 51
            try await flooder.send(bytes: Array((0..<count).map { _ in ping }.joined()))
            var pongs = 0
            var closing: (opcode: UInt8, payload: [UInt8])?
            while let frame = try await flooder.readFrame() {
                if frame.opcode == WebSocketClient.pong {
                    pongs += 1
                } else if frame.opcode == WebSocketClient.close {
                    closing = frame
                }
            }
            #expect(closing.map { Array($0.payload.prefix(2)) } == [0x03, 0xF0], "1008: \(String(describing: closing))")
            #expect(pongs <= 5, "at most 5 pongs a second, got \(pongs)")
            #expect(pongs >= 1)
            await flooder.close()

            let (_, _, visitor) = try await WebSocketClient.open(port: port)
            _ = try await visitor.readJSON()
            try await visitor.send(Array((#"{"type":"message","text":"i want to kill myself"}"# + "\n").utf8))
            #expect(try await visitor.readJSON().crisis == true)
            await visitor.close()
        }
    }

    /// Sends `frames` after the greeting and expects the server's close frame with `code`, then the end.
    static func expectClose(_ port: Int, code: [UInt8], after frames: [(payload: [UInt8], opcode: UInt8, fin: Bool)])
        async throws
    {
        let (_, _, socket) = try await WebSocketClient.open(port: port)
        _ = try await socket.readJSON()
        for frame in frames { try await socket.send(frame.payload, opcode: frame.opcode, fin: frame.fin) }
        var closing: (opcode: UInt8, payload: [UInt8])?
        while let frame = try await socket.readFrame() {
            if frame.opcode == WebSocketClient.close { closing = frame }
        }
        #expect(closing.map { Array($0.payload.prefix(2)) } == code, "\(String(describing: closing)) after \(frames)")
        await socket.close()
    }

    @Test("RFC 6455: an unexpected continuation, a new message inside a fragmented one, bad close codes → 1002")
    func protocolDetails() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let hello = Array((#"{"type":"hello"}"# + "\n").utf8)
            let protocolError: [UInt8] = [0x03, 0xEA]
            // A continuation with no message to continue.
            try await Self.expectClose(port, code: protocolError, after: [(hello, WebSocketClient.continuation, true)])
            // A data frame while a fragmented message is open.
            try await Self.expectClose(
                port, code: protocolError,
                after: [(Array(hello.prefix(5)), WebSocketClient.binary, false), (hello, WebSocketClient.binary, true)])
            // A close frame with a 1-byte payload, and with 1005 (which may never be sent).
            try await Self.expectClose(port, code: protocolError, after: [([0x03], WebSocketClient.close, true)])
            try await Self.expectClose(port, code: protocolError, after: [([0x03, 0xED], WebSocketClient.close, true)])
            // A close with 1001 is echoed; with no code, 1000.
            try await Self.expectClose(port, code: [0x03, 0xE9], after: [([0x03, 0xE9], WebSocketClient.close, true)])
            try await Self.expectClose(port, code: [0x03, 0xE8], after: [([], WebSocketClient.close, true)])
            // A close whose reason isn't UTF-8: 1007 (QA24 S3-2); a UTF-8 reason is fine.
            try await Self.expectClose(
                port, code: [0x03, 0xEF], after: [([0x03, 0xE8, 0xC3, 0x28], WebSocketClient.close, true)])
            try await Self.expectClose(
                port, code: [0x03, 0xE8], after: [([0x03, 0xE8] + Array("bye ✓".utf8), WebSocketClient.close, true)])

            // A fragmented message done right is still one line.
            let (_, _, socket) = try await WebSocketClient.open(port: port)
            _ = try await socket.readJSON()
            try await socket.send(Array(hello.prefix(5)), opcode: WebSocketClient.binary, fin: false)
            try await socket.send([], opcode: WebSocketClient.ping)
            try await socket.send(Array(hello.dropFirst(5)), opcode: WebSocketClient.continuation)
            #expect(try await socket.readFrame()?.opcode == WebSocketClient.pong, "the ping between is answered")
            #expect(try await socket.readJSON().type == "hello")
            await socket.close()
        }
    }

    @Test("a handshake or plain request with more than 64 header fields gets 400; 50 fields still open (QA24 S3-3)")
    func tooManyHeaderFields() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let many = (0..<10_000).map { "X-\($0): a" }
            let (status, _, socket) = try await WebSocketClient.open(port: port, headers: many)
            #expect(status.hasPrefix("HTTP/1.1 400"), "\(status)")
            await socket.close()
            let plain = try await TestClient.connect(port: port)
            try await plain.send("GET / HTTP/1.1\r\nHost: x\r\n" + many.prefix(100).joined(separator: "\r\n") + "\r\n\r\n")
            #expect(try await plain.readLine()?.hasPrefix("HTTP/1.1 400") == true)
            await plain.close()
            let (opened, _, client) = try await WebSocketClient.open(port: port, headers: Array(many.prefix(50)))
            #expect(opened.hasPrefix("HTTP/1.1 101"), "\(opened)")
            await client.close()
        }
    }

    @Test("a handshake that isn't a GET is refused with 405")
    func postRefused() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (status, headers, socket) = try await WebSocketClient.open(port: port, method: "POST")
            #expect(status.hasPrefix("HTTP/1.1 405"), "\(status)")
            #expect(headers.contains("allow: GET"), "\(headers)")
            await socket.close()
        }
    }
}

@Suite("Address grouping: IPv6 allocations (QA23 O2)")
struct AddressGroupingLevelsTests {
    @Test("an IPv6 address's groups are its /64, /56 and /48; IPv4 has one")
    func levels() {
        #expect(
            AddressGrouping().groups(of: "2001:db8:1:2ff::1")
                == ["2001:db8:1:2ff::/64", "2001:db8:1:200::/56", "2001:db8:1::/48"])
        #expect(AddressGrouping(ipv6Prefix: 56).groups(of: "2001:db8:1:2ff::1") == ["2001:db8:1:200::/56", "2001:db8:1::/48"])
        #expect(AddressGrouping().groups(of: "192.0.2.7") == ["192.0.2.7"])
        #expect(AddressGrouping().groups(of: "unknown") == ["unknown"])
    }

    @Test("X-Forwarded-For, else Forwarded's for= values")
    func forwardedHops() {
        #expect(TrustedProxies.forwardedHops(xForwardedFor: ["1.2.3.4"], forwarded: ["for=5.6.7.8"]) == ["1.2.3.4"])
        #expect(
            TrustedProxies.forwardedHops(xForwardedFor: [], forwarded: ["for=192.0.2.60;proto=https, For=\"[2001:db8::1]:4711\""])
                == ["192.0.2.60", "[2001:db8::1]:4711"])
        let proxies = TrustedProxies.loopback
        let hops = TrustedProxies.forwardedHops(xForwardedFor: [], forwarded: ["for=\"[2001:db8::1]:4711\""])
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: hops) == "2001:db8::1")
        #expect(proxies.clientAddress(peer: "192.0.2.1", forwardedFor: hops) == "192.0.2.1", "not from a proxy")
    }
}
