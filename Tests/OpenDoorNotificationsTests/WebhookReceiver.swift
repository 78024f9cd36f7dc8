import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The center's system in a test: an HTTP server on 127.0.0.1 (a free port) that records every request and
/// answers as the test scripts it, by the request's number (0 for the first).
final class WebhookReceiver: Sendable {
    /// A request as received.
    struct Request: Sendable {
        var method: HTTPMethod
        var uri: String
        var headers: HTTPHeaders
        var body: String
    }

    /// How to answer one request.
    enum Answer: Sendable {
        /// A response with this status and no body.
        case status(HTTPResponseStatus)
        /// No response at all; the connection stays open until the client gives up or the receiver stops.
        case hold
    }

    /// Every request, as it arrives.
    let requests: AsyncStream<Request>
    /// The port bound.
    let port: Int
    private let channel: any Channel

    private init(requests: AsyncStream<Request>, channel: any Channel) {
        self.requests = requests
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
    }

    /// Starts listening; `answer` says how to answer request number N.
    static func start(answer: @escaping @Sendable (Int) -> Answer) async throws -> WebhookReceiver {
        let (requests, received) = AsyncStream.makeStream(of: Request.self)
        let numbers = RequestNumbers()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Handler(received: received) { answer(numbers.next()) })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return WebhookReceiver(requests: requests, channel: channel)
    }

    /// Stops listening.
    func stop() async {
        try? await channel.close()
    }

    /// Numbers requests in the order they end, across connections.
    private final class RequestNumbers: Sendable {
        private let count = Mutex(0)

        func next() -> Int {
            count.withLock { count in
                defer { count += 1 }
                return count
            }
        }
    }

    /// One connection's requests; runs on its event loop only.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private let received: AsyncStream<Request>.Continuation
        private let answer: @Sendable () -> Answer
        private var head: HTTPRequestHead?
        private var body = ""

        init(received: AsyncStream<Request>.Continuation, answer: @escaping @Sendable () -> Answer) {
            self.received = received
            self.answer = answer
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = ""
            case .body(let buffer):
                body += String(buffer: buffer)
            case .end:
                guard let head else { return }
                received.yield(Request(method: head.method, uri: head.uri, headers: head.headers, body: body))
                guard case .status(let status) = answer() else { return }
                var headers = HTTPHeaders()
                headers.add(name: "Content-Length", value: "0")
                headers.add(name: "Connection", value: "close")
                let response = HTTPResponseHead(version: head.version, status: status, headers: headers)
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
