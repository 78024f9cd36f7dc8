import NIOCore
import NIOPosix
import ServiceLifecycle

/// A listening socket of a line server, with the socket options, timeouts and backpressure every connection
/// gets, and the accept loop that hands each connection to a task of its own.
///
/// The chat server and the load benchmark's echo baseline both listen through here, so the baseline
/// measures the same pipeline the chat runs on.
package struct LineListener: Sendable {
    /// How long a connection may stay quiet, or take over one line, before it is closed.
    package struct Timeouts: Sendable {
        /// No complete line from the visitor, and no reply to them, for this long: the chat is idle.
        package var idle: TimeAmount
        /// The longest a line may take from its first byte to its line break.
        package var line: TimeAmount
        /// How long a connection being closed gets to write its goodbye before it is cut off.
        package var closeGracePeriod: TimeAmount

        /// Timeouts as given.
        package init(idle: TimeAmount, line: TimeAmount, closeGracePeriod: TimeAmount) {
            self.idle = idle
            self.line = line
            self.closeGracePeriod = closeGracePeriod
        }

        /// Timeouts from a server configuration.
        package init(_ configuration: ServerConfiguration) {
            idle = TimeAmount(configuration.idleTimeout)
            line = TimeAmount(configuration.lineTimeout)
            closeGracePeriod = TimeAmount(configuration.closeGracePeriod)
        }
    }

    private let channel: NIOAsyncChannel<AcceptedConnection, Never>
    private let handover: ConnectionHandover

    /// The port bound.
    package var port: Int? { channel.channel.localAddress?.port }

    /// Binds `host:port` (0 for any free port).
    package static func bind(
        group: any EventLoopGroup, host: String, port: Int, timeouts: Timeouts
    ) async throws -> LineListener {
        let handover = ConnectionHandover()
        let channel = try await ServerBootstrap(group: group)
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
                    try handover.hold(channel) {
                        let stop = ConnectionStop()
                        try channel.pipeline.syncOperations.addHandler(
                            IdleTimeoutHandler(stop: stop, timeouts: timeouts))
                        let connection = try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
                            wrappingChannelSynchronously: channel,
                            configuration: .init(backPressureStrategy: .init(lowWatermark: 2, highWatermark: 4)))
                        return AcceptedConnection(channel: connection, stop: stop)
                    }
                }
            }
        return LineListener(channel: channel, handover: handover)
    }

    /// Accepts connections and runs `handle` for each in a task of its own, on the connection's event loop,
    /// until the listener closes, the task is cancelled or (when `stopsOnGracefulShutdown`) graceful
    /// shutdown begins. Then closes the listening socket, closes the connections accepted but not yet
    /// handed out, and waits for every `handle` to return.
    ///
    /// `handle` owns its connection and must end it with `executeThenClose`.
    package func serve(
        stopsOnGracefulShutdown: Bool, _ handle: @escaping @Sendable (AcceptedConnection) async -> Void
    ) async throws {
        do {
            try await withThrowingDiscardingTaskGroup { connections in
                try await channel.executeThenClose { inbound in
                    if stopsOnGracefulShutdown {
                        try await accept(inbound.cancelOnGracefulShutdown(), into: &connections, handle)
                    } else {
                        try await accept(inbound, into: &connections, handle)
                    }
                }
                await closeUnclaimed()
            }
        } catch {
            await closeUnclaimed()
            throw error
        }
    }

    /// Closes the listening socket without serving, and any connection it accepted meanwhile.
    package func close() async {
        try? await channel.executeThenClose { _ in }
        await closeUnclaimed()
    }

    private func accept<Connections: AsyncSequence<AcceptedConnection, any Error>>(
        _ inbound: Connections, into connections: inout ThrowingDiscardingTaskGroup<any Error>,
        _ handle: @escaping @Sendable (AcceptedConnection) async -> Void
    ) async throws {
        for try await connection in inbound where handover.take(connection) {
            // On the connection's own event loop: no thread hop between reading, answering and writing.
            let executor = EventLoopTaskExecutor(connection.channel.channel.eventLoop)
            connections.addTask(executorPreference: executor) { await handle(connection) }
        }
    }

    private func closeUnclaimed() async {
        for connection in handover.close() {
            try? await connection.channel.executeThenClose { _, _ in }
        }
    }
}
