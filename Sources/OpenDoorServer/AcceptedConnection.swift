import NIOCore

/// A connection as the accept loop hands it over: its channel and the switch that stops its reading.
struct AcceptedConnection: Sendable {
    /// The connection, as bytes in and bytes out.
    var channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    /// Set by the idle handler or on shutdown.
    var stop: ConnectionStop
}
