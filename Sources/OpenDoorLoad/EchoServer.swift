import Logging
import NIOCore
import NIOPosix
import OpenDoorServer

/// A line-echo server on the chat server's own NIO pipeline: the baseline `opendoor load` compares against.
///
/// Everything a connection goes through before the conversation is the same as in ``ChatServer``: the
/// bootstrap options, the idle handlers, the `NIOAsyncChannel` with its backpressure watermarks, a task per
/// connection in a discarding task group, ``LineFrameDecoder`` framing and one awaited write per answer.
/// What is missing is the work that makes it a chat: no UTF-8 check, no JSON, no conversation, no
/// rendering, no logging. It sends a one-line greeting on connect (as the chat server sends its greeting),
/// then each line back with `\n`. So the difference in a load test is what OpenDoor's own work costs on
/// top of the socket.
public struct EchoServer: Sendable {
    /// The greeting sent on connect, so that a client's flow is the same as with the chat server.
    public static let greeting = "hello\n"

    /// The address to listen on.
    public var host: String
    /// The port, 0 for any free port.
    public var port: Int
    /// The longest line echoed; a longer one is answered with `line too long`.
    public var maximumLineLength: Int
    private let logger: Logger

    /// Creates a server; nothing listens until ``run(onListening:)``.
    public init(host: String = "127.0.0.1", port: Int = 0, maximumLineLength: Int = 4096, logger: Logger) {
        self.host = host
        self.port = port
        self.maximumLineLength = maximumLineLength
        self.logger = logger
    }

    /// Listens, reports the bound port to `onListening`, and echoes lines until the task is cancelled.
    public func run(onListening: @Sendable (Int) -> Void = { _ in }) async throws {
        let listener = try await LineListener.bind(
            group: MultiThreadedEventLoopGroup.singleton, host: host, port: port,
            timeouts: .init(ServerConfiguration()))
        let bound = listener.port ?? port
        onListening(bound)
        logger.info("echo server listening", metadata: ["port": "\(bound)"])
        // As `ChatServer` does: each connection's task runs on its channel's event loop.
        try await listener.serve(stopsOnGracefulShutdown: false) { accepted in
            await echo(accepted.channel)
        }
    }

    private func echo(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: Self.greeting))
                for try await frame in inbound.decode(using: LineFrameDecoder(maximumLength: maximumLineLength)) {
                    switch frame {
                    case .line(let line):
                        var answer = ByteBuffer()
                        answer.reserveCapacity(line.readableBytes + 1)
                        answer.writeImmutableBuffer(line)
                        answer.writeInteger(UInt8(ascii: "\n"))
                        try await outbound.write(answer)
                    case .tooLong:
                        try await outbound.write(ByteBuffer(string: "line too long\n"))
                    }
                }
            }
        } catch {
            logger.debug("echo connection error", metadata: ["error": "\(error)"])
        }
    }
}
