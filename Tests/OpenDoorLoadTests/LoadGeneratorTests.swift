import Logging
import NIOPosix
import OpenDoorServer
import OpenDoorTestSupport
import Testing

@testable import OpenDoorLoad

/// The load generator against the echo server, in-process: every message is sent and answered once.
@Suite("Load generator")
struct LoadGeneratorTests {
    /// Runs `body` with an echo server listening on a free port, then stops it.
    ///
    /// Waits for the server to report its port, however long a busy machine takes to get there; if the
    /// server fails to start, its error ends the wait.
    private func withEchoServer(_ body: (Int) async throws -> Void) async throws {
        let (ports, reported) = AsyncThrowingStream.makeStream(of: Int.self)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do {
                    try await EchoServer(port: 0, logger: Logger(label: "echo") { _ in SwiftLogNoOpLogHandler() })
                        .run { reported.yield($0) }
                    reported.finish()
                } catch {
                    reported.finish(throwing: error)
                }
            }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(try await iterator.next())
            defer { tasks.cancelAll() }
            try await body(port)
        }
    }

    @Test(
        "paced and saturated runs send every message and count every answer",
        arguments: [LoadGenerator.Shape.paced(perSecond: 100), .saturated])
    func runs(shape: LoadGenerator.Shape) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        try await withEchoServer { port in
            let generator = LoadGenerator(group: group, connections: 20, messagesPerConnection: 10, shape: shape)
            let clock = ContinuousClock()
            let started = clock.now
            let result = try await generator.run(
                against: .init(port: port, framing: .lines), messages: LoadGenerator.jsonLines())
            #expect(result.connections == 20)
            #expect(result.sent == 200)
            #expect(result.answers == 200)
            #expect(result.errors == 0)
            #expect(result.failedConnections == 0)
            #expect(result.latency.samples == 200)
            if case .paced = shape {
                // Ten messages 10 ms apart: the last is due 90 ms after the start, and none is sent early.
                #expect(clock.now - started >= .milliseconds(90))
                #expect(result.elapsed >= .milliseconds(90))
            }
        }
        try await group.shutdownGracefully()
    }

    @Test("answers of the text protocol are counted at their blank line, over both protocols' ports")
    func chatServer() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = ServerConfiguration.forTests
        configuration.messageBurst = 1000
        try await withServer(configuration) { server in
            let generator = LoadGenerator(group: group, connections: 3, messagesPerConnection: 5, shape: .saturated)
            let text = try await generator.run(
                against: .init(port: server.textPort, framing: .blankLine), messages: LoadGenerator.textLines())
            let json = try await generator.run(
                against: .init(port: server.jsonPort, framing: .lines), messages: LoadGenerator.jsonLines())
            for result in [text, json] {
                #expect(result.answers == 15)
                #expect(result.errors == 0)
                #expect(result.failedConnections == 0)
            }
        }
        try await group.shutdownGracefully()
    }

    @Test("a visitor who asks for calls makes each request on a new connection, and every one is saved")
    func callbacksReconnect() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = ServerConfiguration.forTests
        configuration.messageBurst = 1000
        try await withServer(configuration) { server in
            let script = LoadGenerator.Callbacks.shippedScript
            // 4 connections, one in two asks for calls: 2 visitors × 3 requests of 7 messages (21 messages each).
            let generator = LoadGenerator(
                group: group, connections: 4, messagesPerConnection: script.count * 3, shape: .paced(perSecond: 200))
            let callbacks = LoadGenerator.Callbacks(script: script, share: 0.5, savedMarker: "Your reference is")
            let result = try await generator.run(
                against: .init(port: server.jsonPort, framing: .lines), messages: LoadGenerator.jsonLines(),
                callbacks: callbacks)
            #expect(result.failedConnections == 0 && result.errors == 0)
            #expect(result.savesExpected == 6)
            #expect(result.saveLatency.samples == 6)
            #expect(result.savesNotConfirmed == 0 && result.savesUnanswered == 0)
            #expect(result.answers == 4 * 21)
            #expect(try await server.store.list(status: nil).count == 6)
        }
        try await group.shutdownGracefully()
    }

    @Test("idle connections stay open until closed")
    func idle() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withEchoServer { port in
            let generator = LoadGenerator(group: group, connections: 5, messagesPerConnection: 0, shape: .saturated)
            let connections = try await generator.openIdle(5, to: .init(port: port, framing: .lines))
            #expect(await connections.stillOpen() == 5)
            await connections.close()
        }
        try await group.shutdownGracefully()
    }
}
