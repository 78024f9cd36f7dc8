import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import OpenDoorServer
import ServiceLifecycle

/// A tiny HTTP/1.1 server that answers `GET /metrics` with the Prometheus text, for `opendoor serve
/// --metrics-port` where no staff console runs. Bind it to loopback: it has no sign-in.
///
/// One request per connection (`Connection: close`), so that graceful shutdown never waits on a scraper's
/// idle keep-alive connection. Anything but `GET`/`HEAD /metrics` gets 404 or 405. It runs in the chat's process,
/// so one client must not be able to hold it: at most ``connectionLimits`` connections are open at once (more are
/// closed as they come), and each connection is closed ``connectionLifetime`` after it opened, answered or not
/// (a scraper trickling its request, or not reading the answer).
///
/// ```swift
/// let endpoint = try await MetricsEndpoint.bind(host: "127.0.0.1", port: 9464, render: metrics.render, logger: logger)
/// // endpoint.port is the real port (useful with port 0); run it in the ServiceGroup.
/// ```
public struct MetricsEndpoint: Service, Sendable {
    private typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    private let listener: NIOAsyncChannel<Connection, Never>
    private let render: @Sendable () async -> String
    private let logger: Logger
    /// The default cap: a scraper or two, from anywhere; a handful from one address.
    public static let connectionLimits = ConnectionCap.Limits(total: 16, perAddress: 4)
    /// The default lifetime of a connection: a scrape takes milliseconds, and Prometheus gives up after 10 s; a
    /// starved machine still has time to answer.
    public static let connectionLifetime: Duration = .seconds(30)

    /// The address bound.
    public let host: String
    /// The port bound (the real one when 0 was asked for).
    public let port: Int

    /// Binds `host:port` (0 for any free port); nothing is answered until ``run()``.
    ///
    /// - Throws: the system's error when the address can't be bound (in use, not this machine's).
    public static func bind(
        host: String = "127.0.0.1", port: Int, render: @escaping @Sendable () async -> String, logger: Logger,
        connectionLimits: ConnectionCap.Limits = connectionLimits, connectionLifetime: Duration = connectionLifetime
    ) async throws -> MetricsEndpoint {
        let cap = ConnectionCap(limits: connectionLimits, name: "metrics", logger: logger)
        let lifetime = TimeAmount.nanoseconds(Int64(connectionLifetime / .nanoseconds(1)))
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ConnectionCapHandler(cap: cap))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    let closing = channel.eventLoop.scheduleTask(in: lifetime) { channel.close(promise: nil) }
                    channel.closeFuture.whenComplete { _ in closing.cancel() }
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
        return MetricsEndpoint(
            listener: listener, render: render, logger: logger, host: host,
            port: listener.channel.localAddress?.port ?? port)
    }

    private init(
        listener: NIOAsyncChannel<Connection, Never>, render: @escaping @Sendable () async -> String,
        logger: Logger, host: String, port: Int
    ) {
        self.listener = listener
        self.render = render
        self.logger = logger
        self.host = host
        self.port = port
    }

    /// Answers scrapes until graceful shutdown or cancellation, then closes the port.
    public func run() async throws {
        logger.info("metrics listening", metadata: ["host": "\(host)", "metrics_port": "\(port)"])
        try await withThrowingDiscardingTaskGroup { group in
            try await listener.executeThenClose { inbound in
                for try await connection in inbound.cancelOnGracefulShutdown() {
                    group.addTask { await answer(connection) }
                }
            }
        }
    }

    /// Reads one request and answers it, then closes; never throws (a broken scrape is the scraper's business).
    private func answer(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                for try await part in inbound.cancelOnGracefulShutdown() {
                    switch part {
                    case .head(let head):
                        request = head
                    case .body:
                        continue
                    case .end:
                        guard let request else { return }
                        try await respond(to: request, outbound: outbound, channel: connection.channel)
                        return
                    }
                }
            }
        } catch {
            logger.debug("metrics connection error", metadata: ["error": "\(error)"])
        }
    }

    private func respond(
        to request: HTTPRequestHead, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>,
        channel: any Channel
    ) async throws {
        let path = request.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let status: HTTPResponseStatus
        let body: String
        if path != "/metrics" {
            (status, body) = (.notFound, "Not found: metrics are at /metrics\n")
        } else if request.method != .GET && request.method != .HEAD {
            (status, body) = (.methodNotAllowed, "Only GET /metrics\n")
        } else {
            (status, body) = (.ok, await render())
        }
        var headers = HTTPHeaders()
        headers.add(
            name: "Content-Type", value: status == .ok ? MetricsRegistry.contentType : "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
        let head = HTTPResponseHead(version: request.version, status: status, headers: headers)
        var parts: [HTTPServerResponsePart] = [.head(head)]
        if request.method != .HEAD {
            parts.append(.body(.byteBuffer(ByteBuffer(string: body))))
        }
        try await outbound.write(contentsOf: parts)
        // Written on the channel itself, behind the parts above: it completes only once they have all reached the
        // socket, whereas `executeThenClose` would close at once and drop what a slow scraper hasn't taken yet.
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil)).get()
    }
}
