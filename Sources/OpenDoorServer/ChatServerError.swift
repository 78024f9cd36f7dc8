import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Why the chat server could not start or answer, with what the person running it can do.
public struct ChatServerError: Error, Hashable, Sendable {
    /// The kind of problem: compare with `==` (`error.code == .cannotListen`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum _Code: Hashable, Sendable {
            case cannotListen
            case alreadyStarted
            case notListening
            case cannotReload
            case safetyModelMissing
        }

        private var code: _Code

        private init(_ code: _Code) {
            self.code = code
        }

        /// The code's name, like `cannotListen`.
        public var description: String {
            switch code {
            case .cannotListen: "cannotListen"
            case .alreadyStarted: "alreadyStarted"
            case .notListening: "notListening"
            case .cannotReload: "cannotReload"
            case .safetyModelMissing: "safetyModelMissing"
            }
        }

        /// A port could not be bound.
        public static let cannotListen = Code(.cannotListen)
        /// ``ChatServer/run()`` was called a second time.
        public static let alreadyStarted = Code(.alreadyStarted)
        /// The server stopped, or failed to start, before it was listening.
        public static let notListening = Code(.notListening)
        /// The server was made without a way to reload the knowledge.
        public static let cannotReload = Code(.cannotReload)
        /// A reload would have dropped the safety model the server runs with (`safety-model.tsv` is gone).
        public static let safetyModelMissing = Code(.safetyModelMissing)
    }

    /// The kind of problem. The only thing `==` and hashing look at.
    public let code: Code
    /// The listener concerned, when there is one.
    public let address: ListenerAddress?
    /// What the system said, when it helps (like "Address already in use").
    public let reason: String?

    private init(_ code: Code, address: ListenerAddress? = nil, reason: String? = nil) {
        self.code = code
        self.address = address
        self.reason = reason
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The server could not listen at `address`.
    public static func cannotListen(_ address: ListenerAddress, reason: String) -> Self {
        Self(.cannotListen, address: address, reason: reason)
    }

    /// What the system said about a failed bind, in its words ("Address already in use"), without NIO's
    /// call names and numbers.
    public static func systemReason(_ error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        if error is SocketAddressError { return "the host is not an IP address or a name that resolves" }
        return "\(error)"
    }

    /// The server was already started once.
    public static let alreadyStarted = Self(.alreadyStarted)

    /// The server is not listening: it stopped or never started.
    public static let notListening = Self(.notListening)

    /// The server has no way to reload the knowledge.
    public static let cannotReload = Self(.cannotReload)

    /// The reload was refused: the knowledge folder no longer has the safety model the server runs with.
    public static let safetyModelMissing = Self(.safetyModelMissing)
}

extension ChatServerError: CustomStringConvertible {
    /// What happened and what to do.
    public var description: String {
        switch code {
        case .cannotListen:
            let place = address.map { "\($0.host):\($0.port) for the \($0.chatProtocol) protocol" } ?? "the port"
            let option =
                switch address?.chatProtocol {
                case .jsonLines: "--json-port"
                case .webSocket: "--websocket-port"
                default: "--port"
                }
            let said = "Could not listen on \(place)" + (reason.map { ": \($0)" } ?? "") + ". "
            guard reason == String(cString: strerror(EADDRINUSE)) else {
                return said + "Check --host (an address of this machine, such as 127.0.0.1 or 0.0.0.0) and \(option)."
            }
            return said
                + "Another program (perhaps another opendoor serve) may be using it: stop it, or choose another port "
                + "with \(option)."
        case .alreadyStarted:
            return "This chat server was already started; make a new one to serve again."
        case .notListening:
            return "The chat server is not listening: it stopped, or it could not start (see the log)."
        case .cannotReload:
            return "This chat server was started without a way to reload the knowledge; restart it instead."
        case .safetyModelMissing:
            return "safety-model.tsv is missing (or disabled) in the knowledge folder, but the server runs with one: "
                + "without it the crisis check would run on the rules alone and miss more people in distress. "
                + "Put the model back (Scripts/train-safety-model, or copy it again) and reload; to run on the rules "
                + "alone on purpose, restart the server instead."
        default:
            return "Chat server error \(code)."
        }
    }
}
