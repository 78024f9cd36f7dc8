import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TCP client that behaves like `nc`: plain blocking sockets, independent of SwiftNIO.
///
/// Every socket call runs on the client's own serial dispatch queue (a thread of its own, as such queues get), or
/// for a connect on a new thread (``offThePool(_:)``), never on Swift's cooperative pool (two
/// threads on a two-core machine), and every read gives up after `timeout`, so a broken server fails a
/// test instead of hanging it. The timeout is a guard against hangs, not a measure of speed: on a machine at
/// load average 24 a read that takes a second when quiet can take ten, and a test process has stalled for over a
/// minute at load 20, so it is generous (3 minutes; the whole run is bounded by Scripts/test-watchdog).
public final class TestClient: @unchecked Sendable {
    /// Why a client call failed.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    private let descriptor: Int32
    private let queue = DispatchQueue(label: "opendoor.test-client")
    // Only touched on `queue`.
    private var pending: [UInt8] = []
    private var closed = false

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        if !closed { _ = Glibc.close(descriptor) }
    }

    /// How long a read or write waits before the client gives up on the server, in seconds.
    public static let defaultTimeout: TimeInterval = 180

    /// Connects to 127.0.0.1:`port`, from `source` when given (another loopback address, such as 127.0.0.2: Linux
    /// routes all of 127.0.0.0/8 on `lo`, so a test can play several clients' addresses).
    public static func connect(
        port: Int, from source: String? = nil, timeout: TimeInterval = defaultTimeout
    ) async throws -> TestClient {
        let descriptor = try await onIOThread { try connectedSocket(port: port, timeout: timeout, from: source) }
        return TestClient(descriptor: descriptor)
    }

    /// Connects to 127.0.0.1:`port` and sends `text` at once, on the thread that connected.
    ///
    /// For tests with a short idle timeout: the server counts idle time from the moment it accepts the connection,
    /// and between a ``connect(port:timeout:)`` and a ``send(_:)`` the test's task can wait seconds for a thread of
    /// Swift's cooperative pool on a busy machine, which the server would take for a visitor gone quiet.
    public static func connect(
        port: Int, sending text: String, timeout: TimeInterval = defaultTimeout
    ) async throws -> TestClient {
        try await onIOThread {
            let client = TestClient(descriptor: try connectedSocket(port: port, timeout: timeout))
            // No one else has the client yet: sending here, off its queue, races nothing.
            try client.sendNow(Array(text.utf8))
            return client
        }
    }

    /// Connects, reads the greeting, then sends `bytes` one byte at a time, pausing `interval` between bytes
    /// and starting over at the end, until the server closes the connection; returns every line read, the
    /// greeting first. Throws if the connection is still open after `limit` seconds.
    ///
    /// All of it runs on one thread of its own: a slowloris client, which a server must not let hold a slot.
    ///
    /// `first` is sent at once, before the greeting is read (a WebSocket handshake, whose answer's status line is
    /// then the "greeting").
    public static func trickle(
        port: Int, bytes: [UInt8], every interval: TimeInterval, limit: TimeInterval, first: [UInt8] = []
    ) async throws -> [String] {
        try await onIOThread {
            let client = TestClient(descriptor: try connectedSocket(port: port, timeout: defaultTimeout))
            defer { client.closeNow() }
            if !first.isEmpty { try client.sendNow(first) }
            guard let greeting = try client.nextLine() else { throw Failure(description: "no greeting") }
            var lines = [greeting]
            let deadline = Date().addingTimeInterval(limit)
            var next = 0
            while Date() < deadline {
                usleep(useconds_t(interval * 1_000_000))
                var byte = bytes[next % bytes.count]
                next += 1
                let sent = Glibc.send(client.descriptor, &byte, 1, Int32(MSG_NOSIGNAL))
                // What the server wrote so far, without waiting for more.
                var chunk = [UInt8](repeating: 0, count: 4096)
                let count = chunk.withUnsafeMutableBytes {
                    recv(client.descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
                }
                if count > 0 { client.pending += chunk[..<count] }
                if sent < 0 || count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                    while let line = try? client.nextLine() { lines.append(line) }
                    return lines
                }
            }
            throw Failure(description: "the server kept a trickling connection open for \(limit) s")
        }
    }

    /// A blocking socket connected to 127.0.0.1:`port` (from `source`, an IPv4 address, when given), whose reads and
    /// writes give up after `timeout`.
    public static func connectedSocket(port: Int, timeout: TimeInterval, from source: String? = nil) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard bound == 0 else {
                let code = errno
                _ = Glibc.close(descriptor)
                throw Failure(description: "bind to \(source) failed: errno \(code)")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            _ = Glibc.close(descriptor)
            throw Failure(description: "connect to port \(port) failed: errno \(code)")
        }
        return descriptor
    }

    /// Sends text as UTF-8.
    public func send(_ text: String) async throws {
        try await send(bytes: Array(text.utf8))
    }

    /// Sends raw bytes.
    public func send(bytes: [UInt8]) async throws {
        try await run { try self.sendNow(bytes) }
    }

    /// The next line without its `\n`, or nil at end of input.
    public func readLine() async throws -> String? {
        try await run { try self.nextLine() }
    }

    /// The next `count` bytes, or nil if the server closes the connection before they have all come.
    public func read(count: Int) async throws -> [UInt8]? {
        try await run { try self.nextBytes(count) }
    }

    /// The next text-protocol reply: its lines up to the blank line that ends it; nil at end of input.
    public func readTextReply() async throws -> [String]? {
        try await run {
            var lines: [String] = []
            while let line = try self.nextLine() {
                if line.isEmpty { return lines }
                lines.append(line)
            }
            return lines.isEmpty ? nil : lines
        }
    }

    /// The next JSON-lines object.
    public func readJSON() async throws -> ServerLine {
        guard let line = try await readLine() else { throw Failure(description: "end of input, expected JSON") }
        do {
            return try JSONDecoder().decode(ServerLine.self, from: Data(line.utf8))
        } catch {
            throw Failure(description: "not a server object: \(line)")
        }
    }

    /// Everything until the server closes the connection.
    public func readToEnd() async throws -> String {
        try await run {
            var lines: [String] = []
            while let line = try self.nextLine() { lines.append(line) }
            return lines.joined(separator: "\n")
        }
    }

    /// Whether the server closed the connection (reads end-of-input next).
    public func isAtEnd() async throws -> Bool {
        try await readLine() == nil
    }

    /// Closes the sending side, like `nc -q1` at the end of its input.
    public func finishSending() async throws {
        try await run { _ = shutdown(self.descriptor, Int32(SHUT_WR)) }
    }

    /// Closes the connection.
    public func close() async {
        try? await run { self.closeNow() }
    }

    private func closeNow() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(descriptor)
    }

    private func sendNow(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    private func nextLine() throws -> String? {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeSubrange(...end)
                return line
            }
            guard try receive() else {
                guard !pending.isEmpty else { return nil }
                defer { pending.removeAll() }
                return String(decoding: pending, as: UTF8.self)
            }
        }
    }

    private func nextBytes(_ count: Int) throws -> [UInt8]? {
        while pending.count < count {
            guard try receive() else { return nil }
        }
        defer { pending.removeSubrange(..<count) }
        return Array(pending[..<count])
    }

    /// Reads what the server sent into `pending`; false at the end of input (or a reset).
    private func receive() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count == 0 { return false }
        if count < 0 {
            if errno == ECONNRESET { return false }
            throw Failure(description: errno == EAGAIN ? "timed out waiting for the server" : "recv: errno \(errno)")
        }
        pending += chunk[..<count]
        return true
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Connects (and trickles) on a thread of its own: not `DispatchQueue.global()`, whose threads on Linux are the
    /// ones Swift's concurrency runs on, so four hundred blocking connects queued there starved every test.
    private static func onIOThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await offThePool(body)
    }
}

/// Any object the JSON-lines protocol sends; fields that don't apply are nil.
public struct ServerLine: Decodable, Sendable {
    public var type: String
    public var text: String?
    public var intent: String?
    public var source: String?
    public var confidence: Double?
    public var options: [String]?
    public var state: String?
    public var crisis: Bool?
    public var code: String?
    public var message: String?
    public var reason: String?
    public var version: Int?
    public var maxLineBytes: Int?
}
