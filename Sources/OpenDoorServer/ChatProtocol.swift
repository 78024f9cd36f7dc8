/// The ways to chat over a socket; docs/PROTOCOL.md describes them.
public enum ChatProtocol: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Plain text for people using nc or telnet: a line in, a reply and a blank line out.
    case text
    /// One JSON object per line, for programs.
    case jsonLines = "json"
    /// JSON lines carried in WebSocket frames, for the web widget (a frame may hold part of a line, or several).
    case webSocket = "websocket"

    /// What a conversation speaks on this protocol's connections: a WebSocket carries JSON lines.
    var lines: ChatProtocol { self == .webSocket ? .jsonLines : self }

    /// The protocol's name, as logs and messages show it.
    public var description: String { rawValue }
}

/// Where the server listens for one protocol, with the real port once bound (never 0).
public struct ListenerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The protocol spoken on this port.
    public var chatProtocol: ChatProtocol
    /// The address bound, e.g. `127.0.0.1`.
    public var host: String
    /// The port bound.
    public var port: Int

    /// Creates an address.
    public init(chatProtocol: ChatProtocol, host: String, port: Int) {
        self.chatProtocol = chatProtocol
        self.host = host
        self.port = port
    }

    /// `text 127.0.0.1:7460`.
    public var description: String { "\(chatProtocol) \(host):\(port)" }
}
