import Foundation
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// The WebSocket endpoint of `opendoor serve` over real sockets on 127.0.0.1, with a client that writes its frames by
/// hand (as QA's `ws.py` did), so that what goes over the wire is what is tested.
@Suite("WebSocket endpoint")
struct WebSocketTests {
    static func configuration(_ change: (inout ServerConfiguration) -> Void = { _ in }) -> ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        configuration.webSocketPort = 0
        change(&configuration)
        return configuration
    }

    @Test("a WebSocket handshake, the greeting, an answer and a crisis reply through it, then a clean close")
    func chatThroughWebSocket() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (status, headers, socket) = try await WebSocketClient.open(port: port)
            #expect(status.hasPrefix("HTTP/1.1 101"), "\(status)")
            // RFC 6455's own example key and the answer it gives.
            #expect(headers.contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "\(headers)")
            #expect(headers.contains("sec-websocket-protocol: binary"), "\(headers)")
            let greeting = try await socket.readJSON()
            #expect(greeting.type == "reply" && greeting.crisis == false, "\(greeting)")
            #expect(socket.lastOpcode == WebSocketClient.binary)

            // A message split over two frames, the way websockify's bytes could come: one line all the same.
            let line = Array(#"{"type":"message","text":"what are your hours"}"#.utf8) + [0x0A]
            try await socket.send(Array(line[..<10]), opcode: WebSocketClient.binary)
            try await socket.send(Array(line[10...]), opcode: WebSocketClient.binary)
            let answer = try await socket.readJSON()
            #expect(answer.type == "reply" && answer.crisis == false, "\(answer)")

            try await socket.send(Array((#"{"type":"message","text":"i want to kill myself tonight"}"# + "\n").utf8))
            let crisis = try await socket.readJSON()
            #expect(crisis.type == "reply" && crisis.crisis == true, "\(crisis)")
            #expect(crisis.text?.contains("988") == true, "\(crisis.text ?? "")")

            try await socket.send([0x03, 0xE8], opcode: WebSocketClient.close)
            try await socket.expectNormalClose()
        }
    }

    @Test(
        "a last line sent without its line break, then a close frame: answered, then the close (QA27 S3-2)",
        arguments: [[0x03, 0xE8] as [UInt8], [0x03, 0xE9], []])
    func lastLineBeforeClose(closePayload: [UInt8]) async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (_, _, socket) = try await WebSocketClient.open(port: port)
            _ = try await socket.readJSON()
            // Both frames in one write, as a page closing right after its last send.
            let line = Array(#"{"type":"message","text":"i want to kill myself"}"#.utf8)
            try await socket.send(
                bytes: WebSocketClient.frame(Array(line[..<40]), opcode: WebSocketClient.binary)
                    + WebSocketClient.frame(Array(line[40...]), opcode: WebSocketClient.binary)
                    + WebSocketClient.frame(closePayload, opcode: WebSocketClient.close))
            let crisis = try await socket.readJSON()
            #expect(crisis.type == "reply" && crisis.crisis == true, "\(crisis)")
            #expect(crisis.text?.contains("988") == true, "\(crisis.text ?? "")")
            let closing = try await socket.readFrame()
            #expect(closing?.opcode == WebSocketClient.close, "\(String(describing: closing))")
            #expect(closing?.payload == (closePayload.isEmpty ? [0x03, 0xE8] : closePayload), "its code is echoed")
            #expect(try await socket.readFrame() == nil)
            await socket.close()
        }
    }

    @Test("a server stopping says goodbye over the WebSocket, then sends a close frame and closes")
    func goodbyeOnShutdown() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (_, _, socket) = try await WebSocketClient.open(port: port)
            _ = try await socket.readJSON()
            await running.stop()
            let bye = try await socket.readJSON()
            #expect(bye.type == "bye" && bye.reason == "shutdown", "\(bye)")
            try await socket.expectNormalClose()
        }
    }

    @Test("a frame longer than the cap is refused from its header: close code 1009, then the connection closes")
    func oversizedFrame() async throws {
        try await withServer(Self.configuration { $0.maximumWebSocketFrameSize = 1024 }) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (_, _, socket) = try await WebSocketClient.open(port: port)
            _ = try await socket.readJSON()
            // The header of a 1 TB frame and a few bytes of it: the server must not wait for (or buffer) the rest.
            try await socket.sendHeader(opcode: WebSocketClient.binary, length: 1 << 40, then: Array("{\"type\"".utf8))
            let closing = try await socket.readFrame()
            #expect(closing?.opcode == WebSocketClient.close, "\(String(describing: closing))")
            #expect(closing.map { Array($0.payload.prefix(2)) } == [0x03, 0xF1], "1009: \(String(describing: closing))")
            #expect(try await socket.readFrame() == nil)
            await socket.close()

            // Others chat on.
            let (_, _, next) = try await WebSocketClient.open(port: port)
            #expect(try await next.readJSON().type == "reply")
            await next.close()
        }
    }

    @Test("pings are answered with the same payload; a text-frame client gets text frames")
    func pingAndText() async throws {
        try await withServer(Self.configuration()) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (_, headers, socket) = try await WebSocketClient.open(port: port, subprotocol: nil)
            #expect(!headers.contains { $0.hasPrefix("sec-websocket-protocol") }, "\(headers)")
            _ = try await socket.readJSON()
            #expect(socket.lastOpcode == WebSocketClient.text)
            try await socket.send(Array("are you there".utf8), opcode: WebSocketClient.ping)
            let pong = try await socket.readFrame()
            #expect(pong?.opcode == WebSocketClient.pong && pong?.payload == Array("are you there".utf8))
            try await socket.send(Array((#"{"type":"hello"}"# + "\n").utf8), opcode: WebSocketClient.text)
            #expect(try await socket.readJSON().type == "hello")
            await socket.close()
        }
    }

    @Test("only the pages allowed may open it; plain HTTP is told to upgrade")
    func originCheck() async throws {
        let configuration = Self.configuration { $0.webSocketOrigins = ["https://www.example.org/"] }
        try await withServer(configuration) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (refused, _, other) = try await WebSocketClient.open(port: port, origin: "https://elsewhere.example")
            #expect(refused.hasPrefix("HTTP/1.1 403"), "\(refused)")
            await other.close()

            let (allowed, _, center) = try await WebSocketClient.open(port: port, origin: "https://WWW.example.org")
            #expect(allowed.hasPrefix("HTTP/1.1 101"), "\(allowed)")
            #expect(try await center.readJSON().type == "reply")
            await center.close()

            let plain = try await TestClient.connect(port: port)
            try await plain.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let status = try await plain.readLine()
            #expect(status?.hasPrefix("HTTP/1.1 426") == true, "\(status ?? "nil")")
            await plain.close()
        }
    }

    @Test("a connection that never sends its handshake holds a place until the line timeout closes it (QA27 S1-A)")
    func handshakeTimeout() async throws {
        // Long enough that the silent connection still holds its place when the turned-away visitor comes on a loaded
        // machine; the test then waits for the close, whenever it comes.
        let configuration = Self.configuration {
            $0.lineTimeout = .seconds(20)
            $0.webSocketHandshakeTimeout = .seconds(20)
            $0.maximumConnections = 1
        }
        let places = OpenPlaces()
        try await withServer(configuration, metrics: places) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let silent = try await TestClient.connect(port: port)
            try #require(await places.wait(until: 1))
            // Counted from the accept: the chat is full for a visitor on the JSON port meanwhile.
            let turnedAway = try await running.jsonClient()
            #expect(try await turnedAway.readJSON().reason == "busy")
            await turnedAway.close()
            #expect(try await silent.readLine() == nil, "closed without a word")
            await silent.close()
            try #require(await places.wait(until: 0))
            let visitor = try await running.greetedJSONClient()
            #expect(try await visitor.hello().type == "hello")
            await visitor.close()
        }
    }

    @Test("a frame trickled a byte at a time is closed at the line timeout, as a line on the text port (QA25 S2-2)")
    func frameTrickle() async throws {
        let configuration = Self.configuration {
            // The handshake must come within the line timeout too (sent at once, but read whenever a loaded machine
            // gets to it; 5 s was no margin for a starved server): 20 s, well inside the 50 s the frame takes.
            $0.lineTimeout = .seconds(20)
            $0.idleTimeout = .seconds(600)
        }
        try await withServer(configuration) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let handshake =
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: binary\r\n\r\n"
            // One binary frame of 125 bytes, header and all, a byte every 0.4 s: 50 s to send whole.
            let frame = WebSocketClient.frame(Array(repeating: UInt8(ascii: "a"), count: 125), opcode: WebSocketClient.binary)
            let lines = try await TestClient.trickle(
                port: port, bytes: frame, every: 0.4, limit: 300, first: Array(handshake.utf8))
            #expect(lines.first?.hasPrefix("HTTP/1.1 101") == true, "\(lines)")
            #expect(lines.joined().contains("line_timeout"), "\(lines)")
        }
    }

    @Test("WebSockets share the chat's per-address cap with the JSON-lines port")
    func sharedPerAddressCap() async throws {
        let configuration = Self.configuration {
            $0.maximumConnectionsPerAddress = 1
            $0.trustedProxies = .none
            $0.silentEvictionAge = nil
        }
        try await withServer(configuration) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let json = try await running.greetedJSONClient()
            let (status, _, socket) = try await WebSocketClient.open(port: port)
            #expect(status.hasPrefix("HTTP/1.1 101"), "\(status)")
            let refused = try await socket.readJSON()
            #expect(refused.type == "bye", "\(refused)")
            await socket.close()
            await json.close()
        }
    }
}

/// A WebSocket client over ``TestClient``: masked frames built by hand, frames read one by one.
final class WebSocketClient: @unchecked Sendable {  // one test's, one call at a time
    static let continuation: UInt8 = 0x0, text: UInt8 = 0x1, binary: UInt8 = 0x2
    static let close: UInt8 = 0x8, ping: UInt8 = 0x9, pong: UInt8 = 0xA

    private let socket: TestClient
    private var lines: [UInt8] = []
    /// The opcode of the last data frame read.
    private(set) var lastOpcode: UInt8?

    private init(socket: TestClient) {
        self.socket = socket
    }

    /// Connects and sends the handshake (RFC 6455's example key), after `prefix` (a TCP proxy's PROXY header) in the
    /// same write; returns the status line, the headers (names in lower case) and the client.
    static func open(
        port: Int, origin: String? = nil, subprotocol: String? = "binary", method: String = "GET",
        headers extra: [String] = [], prefix: [UInt8] = []
    ) async throws -> (String, [String], WebSocketClient) {
        let socket = try await TestClient.connect(port: port)
        var request = "\(method) / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        for header in extra { request += header + "\r\n" }
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let subprotocol { request += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
        if let origin { request += "Origin: \(origin)\r\n" }
        try await socket.send(bytes: prefix + Array((request + "\r\n").utf8))
        let status = try await socket.readLine() ?? ""
        var headers: [String] = []
        while let line = try await socket.readLine(), line != "\r" {
            let (name, value) = (line.prefix { $0 != ":" }, line.drop { $0 != ":" }.dropFirst())
            headers.append(name.lowercased() + ": " + value.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (status.trimmingCharacters(in: .newlines), headers, WebSocketClient(socket: socket))
    }

    /// Sends one masked frame.
    func send(_ payload: [UInt8], opcode: UInt8 = binary, fin: Bool = true) async throws {
        try await sendHeader(opcode: opcode, length: UInt64(payload.count), then: payload, fin: fin)
    }

    /// A masked frame's bytes, to send many in one write.
    static func frame(_ payload: [UInt8], opcode: UInt8, fin: Bool = true) -> [UInt8] {
        let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        precondition(payload.count < 126)
        return [(fin ? 0x80 : 0) | opcode, 0x80 | UInt8(payload.count)] + mask
            + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    /// Sends bytes as they are (frames built with ``frame(_:opcode:fin:)``).
    func send(bytes: [UInt8]) async throws {
        try await socket.send(bytes: bytes)
    }

    /// Sends a masked frame's header declaring `length` bytes, then `payload` (masked), which may be shorter.
    func sendHeader(opcode: UInt8, length: UInt64, then payload: [UInt8], fin: Bool = true) async throws {
        let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if length < 126 {
            bytes.append(0x80 | UInt8(length))
        } else if length <= 0xFFFF {
            bytes += [0x80 | 126, UInt8(length >> 8), UInt8(length & 0xFF)]
        } else {
            bytes.append(0x80 | 127)
            bytes += (0..<8).reversed().map { UInt8((length >> (8 * UInt64($0))) & 0xFF) }
        }
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try await socket.send(bytes: bytes)
    }

    /// The next frame other than the server's own pings (it pings a quiet connection every 30 s, which a slow run can
    /// reach), or nil once the server has closed the connection.
    func readFrame() async throws -> (opcode: UInt8, payload: [UInt8])? {
        while let frame = try await readAnyFrame() {
            if frame.opcode != Self.ping { return frame }
        }
        return nil
    }

    /// The next frame, or nil once the server has closed the connection.
    func readAnyFrame() async throws -> (opcode: UInt8, payload: [UInt8])? {
        guard let head = try await socket.read(count: 2) else { return nil }
        #expect(head[1] & 0x80 == 0, "a server's frames are not masked")
        var length = UInt64(head[1] & 0x7F)
        if length == 126 {
            guard let bytes = try await socket.read(count: 2) else { return nil }
            length = bytes.reduce(0) { $0 << 8 | UInt64($1) }
        } else if length == 127 {
            guard let bytes = try await socket.read(count: 8) else { return nil }
            length = bytes.reduce(0) { $0 << 8 | UInt64($1) }
        }
        guard let payload = length == 0 ? [] : try await socket.read(count: Int(length)) else { return nil }
        return (head[0] & 0x0F, payload)
    }

    /// The next JSON line, from as many data frames as it takes (pings skipped).
    func readJSON() async throws -> ServerLine {
        while true {
            if let end = lines.firstIndex(of: 0x0A) {
                let line = Array(lines[..<end])
                lines.removeSubrange(...end)
                return try JSONDecoder().decode(ServerLine.self, from: Data(line))
            }
            guard let frame = try await readFrame() else {
                throw Unexpected(description: "the server closed the WebSocket; expected JSON")
            }
            switch frame.opcode {
            case Self.text, Self.binary, Self.continuation:
                lastOpcode = frame.opcode
                lines += frame.payload
            default:
                throw Unexpected(description: "expected JSON, got opcode \(frame.opcode) \(frame.payload)")
            }
        }
    }

    func close() async { await socket.close() }

    /// Reads a close frame with code 1000, then the end of the connection, and closes.
    func expectNormalClose() async throws {
        let closing = try await readFrame()
        #expect(closing?.opcode == Self.close && closing?.payload == [0x03, 0xE8], "\(String(describing: closing))")
        #expect(try await readFrame() == nil)
        await close()
    }

    /// The server sent something a test did not expect.
    struct Unexpected: Error, CustomStringConvertible {
        var description: String
    }
}
