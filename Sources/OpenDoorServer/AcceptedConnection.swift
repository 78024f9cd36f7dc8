import NIOCore

/// A connection as the accept loop hands it over: its channel and the switch that stops its reading.
package struct AcceptedConnection: Sendable {
    /// The connection, as bytes in and bytes out.
    package var channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    /// Set by the timeout handler or on shutdown.
    var stop: ConnectionStop
}
