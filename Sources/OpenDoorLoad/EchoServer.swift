import Logging
import NIOCore
import NIOPosix
import OpenDoorServer

/// A line-echo server on the chat server's own NIO pipeline: the baseline `opendoor load` compares against.
///
/// Everything a connection goes through before the conversation is the same as in `ChatServer`: the
/// bootstrap options, the idle and line timeouts, ``LineFrameDecoder`` framing, a handler that answers on
/// the connection's event loop and flushes once per read. What is missing is the work that makes it a chat:
/// no UTF-8 check, no JSON, no conversation, no rendering, no logging. It sends a one-line greeting on
/// connect (as the chat server sends its greeting), then each line back with `\n`. So the difference in a
/// load test is what OpenDoor's own work costs on top of the socket.
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
            timeouts: .init(ServerConfiguration()), maximumLineLength: maximumLineLength
        ) { [logger] _, _ in { _, _ in EchoHandler(logger: logger) } }
        let bound = listener.port ?? port
        onListening(bound)
        logger.info("echo server listening", metadata: ["port": "\(bound)"])
        await listener.serve(stopsOnGracefulShutdown: false)
    }
}

/// Sends the greeting, then each line back; closes once the input has closed and the writes are done.
private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = LineFrame
    typealias OutboundOut = ByteBuffer

    private let logger: Logger
    private var greeted = false
    private var unflushed = false

    init(logger: Logger) {
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { greet(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        greet(context: context)
        context.fireChannelActive()
    }

    private func greet(context: ChannelHandlerContext) {
        guard !greeted else { return }
        greeted = true
        context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer(string: EchoServer.greeting)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var answer: ByteBuffer
        switch Self.unwrapInboundIn(data) {
        case .line(let line):
            answer = context.channel.allocator.buffer(capacity: line.readableBytes + 1)
            answer.writeImmutableBuffer(line)
            answer.writeInteger(UInt8(ascii: "\n"))
        case .tooLong:
            answer = ByteBuffer(string: "line too long\n")
        }
        context.write(Self.wrapOutboundOut(answer), promise: nil)
        unflushed = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        guard unflushed else { return }
        unflushed = false
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event as? ChannelEvent == .inputClosed {
            let channel = context.channel
            context.writeAndFlush(Self.wrapOutboundOut(ByteBuffer())).whenComplete { _ in channel.close(promise: nil) }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("echo connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
