import Foundation
import Logging
import OpenDoorKit
import OpenDoorServer
import ServiceLifecycle
import Synchronization

/// The shipped knowledge, the assistant built from it, and a way to run a server for one test.
enum ServerFixtures {
    /// The repository's root, found from this file.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()

    /// The shipped knowledge folder.
    static let knowledgeDirectory = root.appendingPathComponent("Knowledge", isDirectory: true)

    /// The assistant every test server starts with, loaded once.
    static let assistant: Assistant = {
        do {
            return try loadAssistant(from: knowledgeDirectory)
        } catch {
            fatalError("shipped knowledge: \(error)")
        }
    }()

    /// The center's phone number as the knowledge writes it.
    static var centerPhone: String { assistant.knowledge.center.phone }

    /// An assistant from a knowledge folder, as `opendoor serve` builds it.
    static func loadAssistant(from directory: URL) throws -> Assistant {
        let knowledge = try Knowledge.load(from: directory)
        let rules = try SafetyRules.load(from: directory.appendingPathComponent("safety.yaml"))
        return Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
    }
}

extension ServerConfiguration {
    /// The defaults, with both protocols on free ports and SIGHUP left alone.
    static var forTests: ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.textPort = 0
        configuration.jsonPort = 0
        configuration.reloadsOnHangup = false
        return configuration
    }
}

/// A server running for one test, with what the test needs to talk to it.
struct RunningServer: Sendable {
    /// The server.
    var server: ChatServer
    /// The group running it; ``stop()`` shuts it down gracefully.
    var group: ServiceGroup
    /// The text protocol's real port.
    var textPort: Int
    /// The JSON-lines protocol's real port.
    var jsonPort: Int
    /// The server's store.
    var store: InMemoryCallbackStore
    /// Everything the server logged.
    var logs: LogRecorder

    /// A connected text client.
    func textClient() async throws -> TestClient { try await TestClient.connect(port: textPort) }
    /// A connected JSON-lines client.
    func jsonClient() async throws -> TestClient { try await TestClient.connect(port: jsonPort) }

    /// Triggers graceful shutdown, as SIGTERM would.
    func stop() async { await group.triggerGracefulShutdown() }
}

/// Runs a server on 127.0.0.1, with both protocols on free ports, for the length of `body`; then shuts it
/// down gracefully and waits until it has stopped, whether `body` passed or threw.
func withServer(
    _ configuration: ServerConfiguration = .forTests,
    store: InMemoryCallbackStore = InMemoryCallbackStore(),
    reloadAssistant: (@Sendable () throws -> Assistant)? = nil,
    _ body: (RunningServer) async throws -> Void
) async throws {
    let logs = LogRecorder()
    let logger = Logger(label: "opendoor.test") { _ in RecordingLogHandler(recorder: logs) }
    let server = ChatServer(
        configuration: configuration, assistant: ServerFixtures.assistant, store: store, logger: logger,
        reloadAssistant: reloadAssistant)
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

/// Keeps every log line in memory, to check what the server logs (and what it never logs).
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// Every line so far: level, message and metadata.
    var all: [String] { lines.withLock { $0 } }
}

/// A log handler writing to a ``LogRecorder``.
struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        recorder.append("\(event.level) \(event.message) \(fields)")
    }
}
