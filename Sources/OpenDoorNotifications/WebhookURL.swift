import Foundation

/// Where notifications are POSTed: an `http://` URL, checked when it is given.
///
/// Only plain HTTP: point it at the center's system on this machine or its private network, or at a local relay
/// that forwards over HTTPS. Its path and query may hold a secret token, so logs name only its host and port.
public struct WebhookURL: Sendable, Hashable, CustomStringConvertible {
    /// The host to connect to.
    public let host: String
    /// The port (80 when the URL names none).
    public let port: Int
    /// The path with its query, as sent on the request line.
    public let target: String

    /// Reads `text`, or throws what is wrong with it in words a person can act on.
    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw WebhookURLError("\(text.prefix(80)) is not a URL; write http://HOST[:PORT]/PATH.")
        }
        guard scheme == "http" else {
            throw WebhookURLError(
                "\(scheme):// is not supported; only http:// (for HTTPS, run a local relay such as nginx or stunnel "
                    + "and give its http:// address).")
        }
        guard let host = components.host, !host.isEmpty else {
            throw WebhookURLError("the URL has no host; write http://HOST[:PORT]/PATH.")
        }
        guard components.user == nil && components.password == nil else {
            throw WebhookURLError("a user or password in the URL is not supported; put a token in its path or query.")
        }
        let port = components.port ?? 80
        guard (1...65_535).contains(port) else { throw WebhookURLError("the port must be from 1 to 65535.") }
        self.host = host
        self.port = port
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        self.target = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
    }

    /// The `Host` header's value.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    /// Host and port only: the path may hold a secret.
    public var description: String { "http://\(hostHeader)" }
}

/// Why a webhook URL can't be used.
public struct WebhookURLError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to write instead.
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
