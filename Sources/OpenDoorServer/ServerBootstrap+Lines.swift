import NIOCore
import NIOPosix

extension ServerBootstrap {
    /// Binds a line server: the socket options, idle handlers and backpressure every connection gets.
    ///
    /// The chat server and the load benchmark's echo baseline both listen through here, so the baseline
    /// measures the same pipeline the chat runs on.
    static func bindLineServer(
        group: any EventLoopGroup, host: String, port: Int, idleTimeout: TimeAmount, closeGracePeriod: TimeAmount
    ) async throws -> NIOAsyncChannel<AcceptedConnection, Never> {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Without this a client that half-closes after sending (`nc -q1`) gets no reply.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Small reads: with the inbound stream's watermark this bounds what one connection buffers.
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 16384)
            )
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let stop = ConnectionStop()
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(
                        IdleTimeoutHandler(stop: stop, grace: closeGracePeriod))
                    let connection = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                        wrappingChannelSynchronously: channel,
                        configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4)))
                    return AcceptedConnection(channel: connection, stop: stop)
                }
            }
    }
}
