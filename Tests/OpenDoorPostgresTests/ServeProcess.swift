import Foundation
import OpenDoorKit
import OpenDoorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `opendoor serve` (the built binary) on a callback store, serving JSON lines on a free loopback port.
///
/// Its log (standard error) is read by a thread of its own as it is written: ``waitForLog(_:)`` wakes on
/// each write, never on a timer. A watchdog kills the process after `limit`, so a hung server fails the
/// test instead of hanging it. A hang guard, not a measure: 15 minutes (the test run's own bound is 25), as the
/// whole of a test that runs two servers and 200 visitors (or waits out HAProxy's checks) on a starved machine
/// must fit under it: a server killed by its watchdog mid-test looks like a server that failed.
final class ServeProcess: @unchecked Sendable {  // the log is guarded by `condition`
    let process = ChildProcess()
    /// Its standard input: while this process holds it, the server runs (it exits when the test process dies).
    private let input: StandardInput
    /// The JSON-lines port, read from the "listening" log line.
    private(set) var port = 0
    private let condition = NSCondition()
    private var log = Data()
    private var logEnded = false

    /// Starts `opendoor serve --store STORE --no-text --json-port 0` with rate limits raised (and `arguments`), and
    /// waits until it listens; with `reachable`, also until its store is reached (a test that starts it with the
    /// database away passes false).
    init(store: String, arguments: [String] = [], reachable: Bool = true, limit: TimeInterval = 900) throws {
        let binary = PrivatePostgres.root.appendingPathComponent(".build/debug/opendoor")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw CallbackStoreError.cannotOpen(path: binary.path, reason: "build first: swift build")
        }
        process.executableURL = binary
        process.arguments = [
            "serve", "--store", store, "--no-text", "--json-port", "0", "--log-level", "info",
            "--max-connections", "1000", "--message-burst", "1000", "--messages-per-minute", "100000",
            "--knowledge", PrivatePostgres.root.appendingPathComponent("Knowledge").path,
        ] + arguments
        process.environment = ChildProcesses.environment(removing: ["OPENDOOR_DATA", "OPENDOOR_STORE"])
        let errors = Pipe()
        input = try StandardInput()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try ChildProcesses.run(process, input: input)
        let reading = errors.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let chunk = reading.nextChunk()
                condition.lock()
                if chunk.isEmpty { logEnded = true } else { log.append(chunk) }
                condition.broadcast()
                condition.unlock()
                if chunk.isEmpty { return }
            }
        }
        let process = process
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        guard let line = waitForLog(#"json_port=\d+"#), let port = Int(line.dropFirst("json_port=".count)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CallbackStoreError.cannotOpen(path: store, reason: "serve did not listen; its log: \(logText)")
        }
        self.port = port
        // The store is opened before the port: on a starved machine its first connection can take longer than
        // the service's start window, and the server then starts without the database (visitors get the center's
        // number) while the store keeps trying. The tests are about a reachable store: wait until it is reached.
        if reachable, logText.contains("The callback store can't be reached"),
            waitForLog("The callback store can be reached again") == nil
        {
            kill(process.processIdentifier, SIGKILL)
            throw CallbackStoreError.cannotOpen(path: store, reason: "the store was never reached; its log: \(logText)")
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Everything logged so far.
    var logText: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: log, as: UTF8.self)
    }

    /// Waits until the log holds a match of the regular expression `pattern` and returns it; nil when the
    /// log ends (the process exited) without one.
    ///
    /// With `occurrence` n, waits for the n-th match (an event that happens again, like a reconnection).
    @discardableResult
    func waitForLog(_ pattern: String, occurrence: Int = 1) -> String? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            let text = String(decoding: log, as: UTF8.self)
            var found: [Range<String.Index>] = []
            var start = text.startIndex
            while found.count < occurrence,
                let range = text.range(of: pattern, options: .regularExpression, range: start..<text.endIndex)
            {
                found.append(range)
                start = range.upperBound
            }
            if found.count == occurrence, let last = found.last { return String(text[last]) }
            if logEnded { return nil }
            condition.wait()
        }
    }

    /// Like ``waitForLog(_:occurrence:)``, off Swift's concurrency pool.
    @discardableResult
    func awaitLog(_ pattern: String, occurrence: Int = 1) async throws -> String? {
        await offThePool { self.waitForLog(pattern, occurrence: occurrence) }
    }

    /// Sends `signal` and waits until the process has ended; returns its exit status.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        return await offThePool {
            self.process.waitUntilExit()
            return self.process.terminationStatus
        }
    }
}

/// One visitor's JSON-lines conversation over a blocking socket, run on a thread of its own (two hundred at
/// once would starve Swift's concurrency pool, which has a thread per core).
struct Visitor: Sendable {
    /// Why a conversation ended early.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int

    /// The messages of one callback request, ending with the confirmation.
    static func callbackScript(phone: String) -> [String] {
        ["i want to come back", "yes", "skip", phone, "evening", "no", "yes"]
    }

    /// A distinct test phone number for visitor `index` (0…999).
    static func phone(_ index: Int) -> String {
        "470 555 " + String(format: "%04d", index)
    }

    /// Connects, reads the greeting, sends each message and reads its reply; returns the replies. Throws
    /// when the connection can't be made or ends before the last reply.
    func converse(_ messages: [String], timeout: Int = 180) async throws -> [ServerLine] {
        try await offThePool { try converseBlocking(messages, timeout: timeout) }
    }

    /// The same, on the calling thread; `afterEach` sees each reply as it comes.
    func converseBlocking(
        _ messages: [String], timeout: Int = 180, afterEach: (ServerLine) -> Void = { _ in }
    ) throws -> [ServerLine] {
        let connection = try open(timeout: timeout)
        defer { connection.close() }
        return try messages.map { message in
            let reply = try connection.say(message)
            afterEach(reply)
            return reply
        }
    }

    /// Connects and reads the greeting, for a conversation held open across events (use it from one thread
    /// at a time, off Swift's concurrency pool).
    func open(timeout: Int = 180) throws -> Connection {
        let connection = Connection(socket: try TestClient.connectedSocket(port: port, timeout: TimeInterval(timeout)))
        guard try connection.lines.next() != nil else {
            connection.close()
            throw Failure(description: "closed before the greeting")
        }
        return connection
    }

    /// An open conversation.
    final class Connection: @unchecked Sendable {  // used by one thread at a time
        fileprivate var lines: SocketLines
        private var replies = 0

        fileprivate init(socket: Int32) { lines = SocketLines(socket: socket) }

        /// Sends a message and reads its reply.
        func say(_ message: String) throws -> ServerLine {
            let line = Array(#"{"type":"message","text":"\#(message)"}"#.utf8) + [UInt8(ascii: "\n")]
            let sent = line.withUnsafeBytes { send(lines.socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent == line.count else {
                throw Failure(description: "send failed after \(replies) replies: errno \(errno)")
            }
            guard let text = try lines.next() else {
                throw Failure(description: "the connection ended after \(replies) replies")
            }
            replies += 1
            return try JSONDecoder().decode(ServerLine.self, from: Data(text.utf8))
        }

        /// Says each message in turn, off the concurrency pool; returns the replies.
        func say(_ messages: [String]) async throws -> [ServerLine] {
            try await offThePool { try messages.map { try self.say($0) } }
        }

        private var closed = false

        /// Closes the connection; again does nothing.
        func close() {
            guard !closed else { return }
            closed = true
            Glibc.close(lines.socket)
        }
    }
}

/// Lines read from a blocking socket.
fileprivate struct SocketLines {
    let socket: Int32
    private var pending: [UInt8] = []

    init(socket: Int32) { self.socket = socket }

    /// The next line without its line break; nil at the end of the connection.
    mutating func next() throws -> String? {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                defer { pending.removeSubrange(...end) }
                return String(decoding: pending[..<end], as: UTF8.self)
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno == ECONNRESET) { return nil }
            if count < 0 { throw Visitor.Failure(description: "recv: errno \(errno)") }
            pending += chunk[..<count]
        }
    }
}

extension ServerLine {
    /// The reference code a "saved" reply names, like `K7M-3QP`.
    var reference: String? {
        guard let text, let range = text.range(of: #"[2-9B-Z]{3}-[2-9B-Z]{3}"#, options: .regularExpression) else {
            return nil
        }
        return String(text[range])
    }
}
