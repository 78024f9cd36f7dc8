import Foundation
import OpenDoorKit
import PostgresNIO

/// Where a ``PostgresCallbackStore`` connects:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE][&connections=N][&save_timeout=SECONDS]`.
///
/// - `postgresql://` is accepted too; the port defaults to 5432.
/// - `sslmode` is `disable`, `prefer` (the default: TLS when the server offers it) or `require`, as
///   libpq spells them.
/// - `connections` is how many connections the store opens and keeps open (1–1000), so that that many saves
///   commit at once, sharing PostgreSQL's disk flushes, none waiting for a connection or for one to start.
///   Without it the store opens up to ``PostgresCallbackStore/Configuration/maximumConnections`` as saves need
///   them and keeps ``PostgresCallbackStore/Configuration/minimumConnections`` open.
/// - `save_timeout` is how long a service's save (a visitor's confirmed request) keeps trying, in seconds (1–600;
///   default 5, ``PostgresCallbackStore/Configuration/retry``): after it the visitor is told the request could not be
///   saved and is given the center's number. Raise it where a database is known to answer slowly at times (a
///   database far away, or a test machine shared with many jobs); staff commands keep their own, longer window. A host name that starts with `/` (`postgres://me@%2Fvar%2Frun%2Fpostgresql/db`)
///   is a Unix socket folder.
/// - ``description`` never shows the password: it is what logs and error messages print.
public struct PostgresStoreURL: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is encrypted.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, plain otherwise.
        case prefer
        /// TLS or no connection.
        case require
    }

    /// The server's host name or address, or a Unix socket folder (starting with `/`).
    public var host: String
    /// The server's port.
    public var port: Int
    /// The role to log in as.
    public var user: String
    /// The role's password, if the server asks for one.
    public var password: String?
    /// The database holding the callback requests.
    public var database: String
    /// How the connection is encrypted.
    public var tls: TLSMode
    /// The connections the store opens and keeps open (`connections=N`); nil: the store's configuration decides.
    public var connections: Int?
    /// How long a service's save keeps trying, in seconds (`save_timeout=SECONDS`); nil: the store's configuration
    /// decides.
    public var saveTimeout: Int?

    /// Reads a URL, or throws a ``CallbackStoreError/cannotOpen(path:reason:file:line:)`` that says
    /// what is missing (the message never repeats a password).
    public init(_ text: String) throws {
        func invalid(_ reason: String) -> CallbackStoreError {
            .cannotOpen(path: Self.redacted(text), reason: reason)
        }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw invalid("not a URL; write postgres://USER@HOST:PORT/DATABASE")
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw invalid("the scheme must be postgres://, not \(scheme)://")
        }
        guard let user = components.percentEncodedUser?.removingPercentEncoding, !user.isEmpty else {
            throw invalid("no user; write postgres://USER@HOST:PORT/DATABASE")
        }
        // An IPv6 address comes in brackets ([::1]); PostgresNIO wants it bare.
        let bracketed = components.percentEncodedHost?.removingPercentEncoding
        guard let host = bracketed?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty else {
            throw invalid("no host; write postgres://USER@HOST:PORT/DATABASE")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw invalid("no database name; write postgres://USER@HOST:PORT/DATABASE")
        }
        if let port = components.port, !(1...65535).contains(port) {
            throw invalid("the port must be between 1 and 65535")
        }
        var tls = TLSMode.prefer
        var connections: Int?
        var saveTimeout: Int?
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw invalid("sslmode must be disable, prefer or require")
                }
                tls = mode
            case "connections":
                guard let count = item.value.flatMap({ Int($0) }), (1...1000).contains(count) else {
                    throw invalid("connections must be a number from 1 to 1000")
                }
                connections = count
            case "save_timeout":
                guard let seconds = item.value.flatMap({ Int($0) }), (1...600).contains(seconds) else {
                    throw invalid("save_timeout must be a number of seconds from 1 to 600")
                }
                saveTimeout = seconds
            default:
                throw invalid(
                    "unknown parameter \(item.name); only sslmode, connections and save_timeout are understood")
            }
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user
        self.password = components.percentEncodedPassword?.removingPercentEncoding
        self.database = database
        self.tls = tls
        self.connections = connections
        self.saveTimeout = saveTimeout
    }

    /// Whether `text` names a PostgreSQL store (`postgres://` or `postgresql://`), as opposed to a
    /// SQLite folder.
    public static func isPostgres(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://")
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        let hostPart =
            host.hasPrefix("/")
            ? host.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? host
            : host.contains(":") ? "[\(host)]" : host
        let parameters =
            (tls == .prefer ? [] : ["sslmode=\(tls.rawValue)"]) + (connections.map { ["connections=\($0)"] } ?? [])
            + (saveTimeout.map { ["save_timeout=\($0)"] } ?? [])
        let query = parameters.isEmpty ? "" : "?" + parameters.joined(separator: "&")
        return "postgres://\(user)@\(hostPart):\(port)/\(database)\(query)"
    }

    /// PostgresNIO's configuration for this URL.
    func clientConfiguration() -> PostgresClient.Configuration {
        if host.hasPrefix("/") {
            let socket = host.hasSuffix("/") ? "\(host).s.PGSQL.\(port)" : "\(host)/.s.PGSQL.\(port)"
            return PostgresClient.Configuration(
                unixSocketPath: socket,
                username: user,
                password: password,
                database: database
            )
        }
        let tls: PostgresClient.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(
            host: host,
            port: port,
            username: user,
            password: password,
            database: database,
            tls: tls
        )
    }

    /// The same settings for one connection of its own (``PostgresCallbackStore``'s probe at opening, which
    /// sees PostgreSQL's own refusal where the pool would only keep trying).
    func connectionConfiguration(connectTimeout: Duration) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if host.hasPrefix("/") {
            let socket = host.hasSuffix("/") ? "\(host).s.PGSQL.\(port)" : "\(host)/.s.PGSQL.\(port)"
            configuration = PostgresConnection.Configuration(
                unixSocketPath: socket, username: user, password: password, database: database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = PostgresConnection.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: tls)
        }
        let (seconds, attoseconds) = connectTimeout.components
        configuration.options.connectTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return configuration
    }

    /// `text` with anything between `:` and `@` after the scheme (a password) replaced by `***`.
    static func redacted(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://"), let at = text[schemeEnd.upperBound...].firstIndex(of: "@") else {
            return text
        }
        let userInfo = text[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
