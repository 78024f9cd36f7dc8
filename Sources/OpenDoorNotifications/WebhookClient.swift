import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 POST per connection, on SwiftNIO: just what the webhook needs, no pooling, no redirects, no TLS.
struct WebhookClient: Sendable {
    /// How long one attempt may take, from connecting to the end of the response.
    var timeout: Duration

    /// POSTs `body` as JSON to `url` and returns the response's status.
    ///
    /// - Throws: ``WebhookDeliveryError`` when the attempt timed out or the receiver closed without answering; the
    ///   system's error when it could not connect.
    func post(_ body: ByteBuffer, to url: WebhookURL) async throws -> HTTPResponseStatus {
        try await withThrowingTaskGroup(of: HTTPResponseStatus.self) { group in
            group.addTask { try await exchange(body, with: url) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw WebhookDeliveryError.timedOut
            }
            defer { group.cancelAll() }
            guard let status = try await group.next() else { throw WebhookDeliveryError.noResponse }
            return status
        }
    }

    private func exchange(_ body: ByteBuffer, with url: WebhookURL) async throws -> HTTPResponseStatus {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(timeout))
            .connect(host: url.host, port: url.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: url.hostHeader)
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: "\(body.readableBytes)")
            headers.add(name: "User-Agent", value: "OpenDoor")
            headers.add(name: "Connection", value: "close")
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: url.target, headers: headers)
            try await outbound.write(contentsOf: [.head(head), .body(.byteBuffer(body)), .end(nil)])
            var status: HTTPResponseStatus?
            for try await part in inbound {
                switch part {
                case .head(let response) where response.status.code >= 200:
                    status = response.status
                case .head, .body:
                    continue
                case .end:
                    if let status { return status }
                }
            }
            throw WebhookDeliveryError.noResponse
        }
    }
}

/// Why one delivery attempt failed, when it wasn't the system's own error.
struct WebhookDeliveryError: Error, Hashable, Sendable, CustomStringConvertible {
    let description: String

    /// The attempt took longer than the timeout.
    static let timedOut = Self(description: "timed out")
    /// The receiver closed the connection without a response.
    static let noResponse = Self(description: "closed without a response")
}
