import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// A listening socket of a line server, with the socket options, timeouts and framing every connection gets.
///
/// Each connection's pipeline is the idle and line timeouts (``IdleTimeoutHandler``), ``LineFramingHandler``
/// framing (which the last handler can hold, to stop reading a connection that sends too fast), then the
/// handler the listener was given: it answers lines on the connection's event loop, with no task and no
/// thread hop per line. The chat server and the load benchmark's echo baseline both listen
/// through here, so the baseline measures the same pipeline the chat runs on.
package struct LineListener: Sendable {
    /// How long a connection may stay quiet, or take over one line, before it is closed.
    package struct Timeouts: Sendable {
        /// No complete line from the visitor, and no reply to them, for this long: the chat is idle.
        package var idle: TimeAmount
        /// The longest a line may take from its first byte to its line break.
        package var line: TimeAmount
        /// How long a connection being closed gets to write its goodbye before it is cut off.
        package var closeGracePeriod: TimeAmount
        /// The longest a WebSocket's handshake may take from the accept (never longer than ``line``).
        package var handshake: TimeAmount

        /// Timeouts as given; the handshake's is the line timeout unless given.
        package init(idle: TimeAmount, line: TimeAmount, closeGracePeriod: TimeAmount, handshake: TimeAmount? = nil) {
            self.idle = idle
            self.line = line
            self.closeGracePeriod = closeGracePeriod
            self.handshake = min(handshake ?? line, line)
        }

        /// Timeouts from a server configuration.
        package init(_ configuration: ServerConfiguration) {
            self.init(
                idle: TimeAmount(configuration.idleTimeout), line: TimeAmount(configuration.lineTimeout),
                closeGracePeriod: TimeAmount(configuration.closeGracePeriod),
                handshake: TimeAmount(configuration.webSocketHandshakeTimeout))
        }
    }

    /// Makes the last handler of a new connection's pipeline, which takes ``LineFrame``s; called on the
    /// connection's event loop. The handler answers, closes the connection when it is done, and, once
    /// ``ConnectionStop/reason`` is set and its input closed, says goodbye and closes. `client` is, on a WebSocket,
    /// the visitor's address a trusted proxy named in its handshake (``WebSocketEndpoint``), or on another port in its
    /// PROXY protocol header; nil otherwise.
    package typealias MakeHandler = @Sendable (_ channel: any Channel, _ client: String?) throws -> any ChannelHandler

    /// Called on a connection's event loop as soon as it is accepted, on every port (a WebSocket's handshake hasn't
    /// come yet): counts the connection in (its `closeFuture` says when it is gone) and returns what makes its last
    /// handler once its line pipeline is built, or nil to close it at once.
    package typealias Accept = @Sendable (_ channel: any Channel, _ stop: ConnectionStop) throws -> MakeHandler?

    private let channel: any Channel
    private let connections: ConnectionRegistry

    /// Thrown from a new connection's initializer when ``Accept`` refused it: NIO closes it before it is served.
    struct Refused: Error {}

    /// The port bound.
    package var port: Int? { channel.localAddress?.port }

    /// Binds `host:port` (0 for any free port); every connection accepted gets a pipeline that ends in
    /// `makeHandler`'s handler. A connection from one of `proxyHeaders` must begin with a PROXY protocol header
    /// (``ProxyHeader``), whose visitor is the `client` its handler is made for; on the WebSocket port the header is
    /// read when one comes (a TCP proxy), and its visitor is the peer whose handshake names the client. When accepting fails (the open file limit), accepting stops for `acceptPause`, and
    /// `logger` gets summaries (``AcceptErrorLog``). With `webSocket`, each connection starts with a WebSocket
    /// handshake (``WebSocketEndpoint``), which must come within the handshake timeout, and its pipeline is built on
    /// the open WebSocket. `accept` sees every connection when it is accepted, before any handshake.
    package static func bind(
        group: any EventLoopGroup, host: String, port: Int, timeouts: Timeouts, maximumLineLength: Int,
        webSocket: WebSocketEndpoint? = nil, proxyHeaders: TrustedProxies = .none,
        acceptPause: TimeAmount = .milliseconds(100),
        logger: Logger = Logger(label: "opendoor.listener", factory: { _ in SwiftLogNoOpLogHandler() }),
        accept: @escaping Accept
    ) async throws -> LineListener {
        let connections = ConnectionRegistry(closeGracePeriod: timeouts.closeGracePeriod)
        let headerFailures = SharedRefusalLog(
            interval: .seconds(60), logger: logger,
            message: "connections from a trusted proxy closed: no PROXY protocol header",
            metadata: ["fix": "give the proxy's server lines send-proxy (or send-proxy-v2), or leave out --proxy-protocol"])
        let headerFailed: @Sendable () -> Void = { headerFailures.refused("no_proxy_header") }
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                // Without a pause a failed accept is tried again at once, in a loop, for as long as no descriptor
                // is free (NIO's AcceptBackoffHandler doesn't stop that loop: see AcceptPauseHandler).
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(AcceptPauseHandler(pause: acceptPause))
                    try pipeline.addHandler(AcceptErrorLog(logger: logger))
                }
            }
            // Without this a client that half-closes after sending (`nc -q1`) gets no reply.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            // Small reads: with the handler's pausing of reads this bounds what one connection buffers.
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 1024, maximum: 16384)
            )
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let stop = ConnectionStop()
                    try connections.add(channel, stop: stop)
                    // Counted from the accept on every port (QA27 S1-A): a WebSocket that never finishes its
                    // handshake holds a descriptor all the same, so it holds a place (or is closed) like any other.
                    guard let makeHandler = try accept(channel, stop) else { throw Refused() }
                    let lines: @Sendable (any Channel, String?) throws -> Void = { channel, client in
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(IdleTimeoutHandler(stop: stop, timeouts: timeouts))
                        try pipeline.addHandler(LineFramingHandler(maximumLength: maximumLineLength))
                        try pipeline.addHandler(makeHandler(channel, client))
                    }
                    let proxied = channel.remoteAddress?.ipAddress.map(proxyHeaders.contains) ?? false
                    if let webSocket, proxied {
                        // A TCP proxy (HAProxy `mode tcp`) names the visitor before the handshake; an HTTP proxy's
                        // request comes without a header and names the visitor in X-Forwarded-For, as before.
                        try channel.pipeline.syncOperations.addHandler(
                            ProxyHeaderHandler(timeout: timeouts.handshake, optional: true, onFailure: headerFailed) {
                                channel, introduction in
                                try webSocket.configure(
                                    channel, handshakeTimeout: timeouts.handshake, introduction: introduction,
                                    upgraded: lines)
                            })
                    } else if let webSocket {
                        // The line pipeline only once the handshake is done.
                        try webSocket.configure(channel, handshakeTimeout: timeouts.handshake, upgraded: lines)
                    } else if proxied {
                        // A trusted proxy's connection names its visitor first (`--proxy-protocol`); the line
                        // pipeline once it has.
                        try channel.pipeline.syncOperations.addHandler(
                            ProxyHeaderHandler(timeout: timeouts.handshake, onFailure: headerFailed) {
                                channel, introduction in
                                guard case .header(let client) = introduction else { throw Refused() }
                                try lines(channel, client)
                            })
                    } else {
                        try lines(channel, nil)
                    }
                }
            }
            .bind(host: host, port: port).get()
        return LineListener(channel: channel, connections: connections)
    }

    /// Serves until the listening socket closes, the task is cancelled or (when `stopsOnGracefulShutdown`)
    /// graceful shutdown begins. Then closes the listening socket, stops every connection (reason
    /// ``ByeReason/shutdown``: its input is closed, so it answers what it has read, says goodbye and closes;
    /// one that doesn't read its goodbye is cut off after the close grace period) and waits until all are closed.
    package func serve(stopsOnGracefulShutdown: Bool) async {
        let stopped = StopSignal()
        channel.closeFuture.whenComplete { _ in stopped.fire() }
        await withTaskCancellationHandler {
            if stopsOnGracefulShutdown {
                await withGracefulShutdownHandler {
                    await stopped.wait()
                } onGracefulShutdown: {
                    stopped.fire()
                }
            } else {
                await stopped.wait()
            }
        } onCancel: {
            stopped.fire()
        }
        await close()
    }

    /// Closes the listening socket, stops every connection as ``serve(stopsOnGracefulShutdown:)`` does at its
    /// end, and waits until they have all closed.
    package func close() async {
        try? await channel.close()
        connections.stopAll()
        await connections.waitUntilEmpty()
    }
}

/// The connections of one listener, so that shutdown can reach each and wait for all.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: (channel: any Channel, stop: ConnectionStop)] = [:]
        var stopped = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let closeGracePeriod: TimeAmount

    /// Thrown by ``add(_:stop:)`` once the listener has stopped: the connection is closed before it is served.
    struct Stopped: Error {}

    init(closeGracePeriod: TimeAmount) {
        self.closeGracePeriod = closeGracePeriod
    }

    /// Adds a new connection, and removes it when it closes; after ``stopAll()``, throws ``Stopped`` instead.
    func add(_ channel: any Channel, stop: ConnectionStop) throws {
        let id = ObjectIdentifier(channel)
        try state.withLock { state in
            guard !state.stopped else { throw Stopped() }
            state.open[id] = (channel, stop)
        }
        channel.closeFuture.whenComplete { _ in self.remove(id) }
    }

    private func remove(_ id: ObjectIdentifier) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open[id] = nil
            guard state.stopped, state.open.isEmpty else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Stops taking connections and asks every open one to stop (reason ``ByeReason/shutdown``).
    func stopAll() {
        let open = state.withLock { state in
            state.stopped = true
            return Array(state.open.values)
        }
        for (channel, stop) in open {
            Self.stop(channel, closingInput: stop.request(.shutdown), grace: closeGracePeriod)
        }
    }

    /// Stops a connection whose ``ConnectionStop`` reason was just set: closes its input (when `closingInput`), so
    /// its handler answers what it has read, says goodbye and closes; and closes it outright after `grace`, since a
    /// visitor who doesn't read can't be written to and must not hold anything up.
    static func stop(_ channel: any Channel, closingInput: Bool, grace: TimeAmount) {
        if closingInput {
            // Closing the input of a channel whose registration hasn't finished (accepted in the same tick as
            // the shutdown) trips NIO's `isRegisteredFully` assertion (a test crash at 5e53638): such a
            // connection, never greeted, is closed whole instead.
            channel.eventLoop.execute {
                if channel.isActive {
                    channel.close(mode: .input, promise: nil)
                } else {
                    channel.close(promise: nil)
                }
            }
        }
        let forced = channel.eventLoop.scheduleTask(in: grace) { channel.close(promise: nil) }
        channel.closeFuture.whenComplete { _ in forced.cancel() }
    }

    /// Returns once ``stopAll()`` was called and every connection has closed.
    func waitUntilEmpty() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state in
                guard state.stopped, state.open.isEmpty else {
                    state.waiters.append(waiter)
                    return false
                }
                return true
            }
            if done { waiter.resume() }
        }
    }
}

/// A one-shot signal: ``wait()`` returns once ``fire()`` has been called, before or after.
final class StopSignal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { state in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let fired = state.withLock { state in
                if !state.fired { state.waiters.append(waiter) }
                return state.fired
            }
            if fired { waiter.resume() }
        }
    }
}
