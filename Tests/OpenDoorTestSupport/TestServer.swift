import Foundation
import Logging
import OpenDoorKit
import OpenDoorServer
import ServiceLifecycle

extension ServerConfiguration {
    /// The defaults, with both protocols on free ports and SIGHUP left alone.
    ///
    /// The close grace period is long: it is how long a closing connection (idle, shutdown) has to write its
    /// goodbye before it is cut off, and on a busy machine a session can wait seconds for a thread, so the
    /// default 5 s would sometimes cut off the very goodbye a test reads. Test clients read what they are sent,
    /// so the grace period never holds a test up.
    public static var forTests: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.textPort = 0
        configuration.jsonPort = 0
        configuration.reloadsOnHangup = false
        configuration.closeGracePeriod = .seconds(120)
        // Every test client connects from 127.0.0.1: tests of the per-address cap and of proxies set these.
        configuration.trustedProxies = .loopback
        // A visitor turned away is closed right after the goodbye, unless a test waits for a line from one.
        configuration.refusedLineWait = .zero
        // Deadlines a loaded machine can miss are long here (a busy 2-core machine has stalled a test process for over a
        // minute): a WebSocket's handshake, a line, the interval between refusal summaries. The tests of these set
        // their own values.
        configuration.webSocketHandshakeTimeout = .seconds(600)
        configuration.lineTimeout = .seconds(600)
        configuration.refusalLogInterval = .seconds(3600)
        return configuration
    }
}

/// A server running for one test, with what the test needs to talk to it.
public struct RunningServer: Sendable {
    /// The server.
    public var server: ChatServer
    /// The group running it; ``stop()`` shuts it down gracefully.
    public var group: ServiceGroup
    /// The text protocol's real port.
    public var textPort: Int
    /// The JSON-lines protocol's real port.
    public var jsonPort: Int
    /// The server's store.
    public var store: InMemoryCallbackStore
    /// Everything the server logged.
    public var logs: LogRecorder

    /// A connected text client.
    public func textClient() async throws -> TestClient { try await TestClient.connect(port: textPort) }
    /// A connected JSON-lines client.
    public func jsonClient() async throws -> TestClient { try await TestClient.connect(port: jsonPort) }
    /// A connected JSON-lines client whose connection comes from `source` (a loopback address such as 127.0.0.2).
    public func jsonClient(from source: String) async throws -> TestClient {
        try await TestClient.connect(port: jsonPort, from: source)
    }
    /// A text client that sent `text` as soon as it connected (see ``TestClient/connect(port:sending:timeout:)``).
    public func textClient(sending text: String) async throws -> TestClient {
        try await TestClient.connect(port: textPort, sending: text)
    }
    /// A JSON-lines client that sent `text` as soon as it connected.
    public func jsonClient(sending text: String) async throws -> TestClient {
        try await TestClient.connect(port: jsonPort, sending: text)
    }

    /// Triggers graceful shutdown, as SIGTERM would.
    public func stop() async { await group.triggerGracefulShutdown() }
}

/// Runs a server on 127.0.0.1, with both protocols on free ports, for the length of `body`; then shuts it
/// down gracefully and waits until it has stopped, whether `body` passed or threw.
///
/// `metrics` and `observe` (which wraps the store, e.g. in an `ObservedCallbackStore`) are for the operator tests.
public func withServer(
    _ configuration: ServerConfiguration = .forTests,
    store: InMemoryCallbackStore = InMemoryCallbackStore(),
    reloadAssistant: (@Sendable () throws -> Assistant)? = nil,
    metrics: any ChatServerMetrics = NoChatServerMetrics(),
    observe: (any CallbackStore) -> any CallbackStore = { $0 },
    _ body: (RunningServer) async throws -> Void
) async throws {
    let logs = LogRecorder()
    let logger = logs.logger()
    let server = ChatServer(
        configuration: configuration, assistant: ShippedKnowledge.assistant, store: observe(store), logger: logger,
        reloadAssistant: reloadAssistant, metrics: metrics)
    let group = ServiceGroup(services: [server], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let running = RunningServer(
                server: server, group: group, textPort: try await server.port(for: .text) ?? 0,
                jsonPort: try await server.port(for: .jsonLines) ?? 0, store: store, logs: logs)
            try await body(running)
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

extension RunningServer {
    /// A connected JSON-lines client whose greeting has been read.
    public func greetedJSONClient(from source: String? = nil) async throws -> TestClient {
        let client = if let source { try await jsonClient(from: source) } else { try await jsonClient() }
        _ = try await client.readJSON()
        return client
    }
}

extension TestClient {
    /// Sends `text` as a JSON-lines message and reads the one line answering it.
    public func ask(_ text: String) async throws -> ServerLine {
        let data = try JSONEncoder().encode(["type": "message", "text": text])
        try await send(String(decoding: data, as: UTF8.self) + "\n")
        return try await readJSON()
    }

    /// Reads the answers to `count` lines sent at once, up to and with the first `rate_limited` (the lines after it are
    /// dropped unanswered): each answer's type, or an error's code.
    public func answerTypes(count: Int) async throws -> [String] {
        var types: [String] = []
        for _ in 0..<count {
            let line = try await readJSON()
            types.append(line.type == "error" ? line.code ?? "error" : line.type)
            if line.code == "rate_limited" { break }
        }
        return types
    }

    /// Sends a JSON-lines hello and reads the line answering it: once it is read, the server has finished with
    /// every line sent before it.
    public func hello() async throws -> ServerLine {
        try await send(#"{"type":"hello"}"# + "\n")
        return try await readJSON()
    }
}
