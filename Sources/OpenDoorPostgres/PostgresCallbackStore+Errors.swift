import Foundation
import OpenDoorKit
import PostgresNIO

extension PostgresCallbackStore {
    /// What the store was doing when something failed; decides the code for failures with no
    /// better one.
    enum Operation {
        case open
        case save
        case read
    }

    /// Whether trying again on a new connection may succeed: the connection was lost or never made,
    /// the server is starting or stopping, or the server chose this transaction as a deadlock or
    /// serialization victim.
    static func isTransient(_ error: any Error) -> Bool {
        let error = unwrapped(error)
        if error is AttemptTimedOut || error is ConnectionWasClosed { return true }
        // The pool gives up on its own after a minute without a connection (its circuit breaker): from
        // then on a request fails at once, and so does the save, instead of making every visitor wait.
        if isPoolFailure(error) { return false }
        guard let error = error as? PSQLError else {
            // NIO's connect errors (refused, unreachable) reach us bare or wrapped in a PSQLError.
            return error is NIOCore.IOError || String(describing: type(of: error)).contains("Connect")
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            return true
        case .clientClosedConnection:
            // The pool handed out a connection that was closing under it (the server had terminated it, and the
            // close had not reached the pool yet): another connection may work. The store's own close is told
            // apart by the caller (`isClosed`), and a closed pool answers `poolClosed`, which is not retried.
            return true
        case .unexpectedBackendMessage:
            // The server's "terminating connection" notice (pg_terminate_backend, a failover) reached the connection
            // in the middle of a query, where the client's protocol state doesn't expect it: PostgresNIO closes that
            // connection, and another may work. Seen under load when connections are killed: a save failed outright.
            // A save is tried again under its save key, so a try that did commit is not stored twice.
            return true
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            return state.hasPrefix("08")  // connection exception
                || ["57P01", "57P02", "57P03", "40001", "40P01", "53300"].contains(state)
        default:
            return false
        }
    }

    /// Whether `error` means the database can't be reached at all (as opposed to refusing one request).
    static func isUnreachable(_ error: any Error) -> Bool {
        error is ConnectionRefused || isPoolFailure(error) || (isTransient(error) && !isVictim(error))
    }

    /// The connection pool's own failures (`ConnectionPoolError`, from a module PostgresNIO does not
    /// promise to keep): it stopped trying for now after a minute without a connection.
    static func isPoolFailure(_ error: any Error) -> Bool {
        String(reflecting: type(of: error)).hasSuffix("ConnectionPoolError")
    }

    /// A deadlock or serialization victim: the database is there, this transaction lost.
    private static func isVictim(_ error: any Error) -> Bool {
        guard let error = unwrapped(error) as? PSQLError, error.code == .server else { return false }
        return ["40001", "40P01"].contains(error.serverInfo?[.sqlState] ?? "")
    }

    /// The error inside a transaction's wrapper: what failed first (BEGIN, the work, or COMMIT).
    static func unwrapped(_ error: any Error) -> any Error {
        guard let error = error as? PostgresTransactionError else { return error }
        return error.beginError ?? error.closureError ?? error.commitError ?? error
    }

    /// Maps any error to a ``CallbackStoreError`` naming `url` (without its password).
    ///
    /// Reasons are built from SQLSTATE codes, constraint names and connection events, never from the
    /// server's full messages or PostgresNIO's debug descriptions, which may quote a query's
    /// arguments (a name, a number).
    static func storeError(
        _ error: any Error,
        during operation: Operation,
        url: PostgresStoreURL,
        attempts: Int = 1
    ) -> CallbackStoreError {
        let place = url.description
        let error = unwrapped(error)
        if let error = error as? CallbackStoreError {
            return error.naming(path: place)
        }
        if error is NoOpenDoorStore {
            return .cannotOpen(path: place, reason: NoOpenDoorStore.reason)
        }
        let tries = attempts > 1 ? " after \(attempts) tries" : ""
        if error is NoOpenDoorStore {
            return .cannotOpen(path: place, reason: NoOpenDoorStore.reason)
        }
        if error is ConnectionWasClosed {
            return fallback(operation, place: place, reason: connectionLost(tries: tries))
        }
        if error is ConnectionRefused {
            return fallback(
                operation, place: place,
                reason: "PostgreSQL is not reachable: it refused the connection (is it running?)"
                    + "\(Self.backgroundRetry)\(Self.reachAdvice)")
        }
        if error is AttemptTimedOut {
            // Slow is not down: a lock or a long transaction holds a statement up as surely as an outage does.
            return fallback(
                operation, place: place,
                reason: "PostgreSQL did not answer in time\(tries), for one statement: a lock or a long transaction "
                    + "may hold it up (look at pg_stat_activity)\(Self.reachAdvice)")
        }
        if isPoolFailure(error) {
            let reason =
                String(describing: error).contains("CircuitBreaker")
                ? "no connection to PostgreSQL could be made for a minute\(Self.reachAdvice)"
                : "the connection pool is closed"
            return fallback(operation, place: place, reason: reason)
        }
        guard let error = error as? PSQLError else {
            if error is PostgresDecodingError {
                return .damaged(path: place, reason: "a stored request has a value of the wrong type")
            }
            let reason = "could not reach PostgreSQL\(tries) (\(type(of: error)))\(Self.reachAdvice)"
            return fallback(operation, place: place, reason: reason)
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection,
            .unexpectedBackendMessage:
            let underlying = error.underlying.map { " (\(Self.connectionReason($0)))" } ?? ""
            return fallback(operation, place: place, reason: connectionLost(tries: tries, detail: underlying))
        case .poolClosed:
            return .closed()
        case .authMechanismRequiresPassword, .unsupportedAuthMechanism, .saslError:
            return .cannotOpen(
                path: place,
                reason: "PostgreSQL refused the login (\(error.code)); check the user and password in the URL"
            )
        case .sslUnsupported:
            return .cannotOpen(path: place, reason: "the server does not offer TLS; use ?sslmode=prefer or disable")
        case .server:
            return serverError(error.serverInfo, during: operation, place: place, tries: tries)
        default:
            return fallback(operation, place: place, reason: "PostgreSQL client error \(error.code)")
        }
    }

    /// Why an operation failed when the connection to the database broke or could not be made: the store goes on
    /// trying in the background by itself (``PostgresCallbackStore/recheck()``), so nobody needs to restart anything.
    static func connectionLost(tries: String, detail: String = "") -> String {
        "the database connection was lost or could not be made\(tries)\(detail)\(backgroundRetry)" + Self.reachAdvice
    }

    /// Said of a lost connection: true of a server's store, which goes on trying; a one-shot command that exits
    /// leaves it out of what it prints.
    public static let backgroundRetry = "; retrying in the background"

    /// The part of an error message that says where to look when the database cannot be reached.
    static let reachAdvice = "; check that PostgreSQL is running and accepts connections at this address"

    private static func serverError(
        _ info: PSQLError.ServerInfo?,
        during operation: Operation,
        place: String,
        tries: String
    ) -> CallbackStoreError {
        let state = info?[.sqlState] ?? "?????"
        let constraint = info?[.constraintName].map { " on \($0)" } ?? ""
        switch state {
        case "53100":
            return .diskFull(path: place)
        case "25006":
            return .readOnly(path: place)
        case "42501":
            return .cannotOpen(
                path: place,
                reason: "permission denied (SQLSTATE 42501); grant this user SELECT, INSERT, UPDATE and DELETE "
                    + "on callback_request, and CREATE on the schema for the first start"
            )
        case "55P03", "40001", "40P01", "57014":
            return .locked(path: place)
        case "XX001", "XX002":
            return .damaged(path: place, reason: "PostgreSQL reports damaged data (SQLSTATE \(state))")
        case "3D000":
            return .cannotOpen(
                path: place, reason: "\(said(info))the database does not exist; create it with createdb or fix the URL")
        case "28000", "28P01":
            return .cannotOpen(
                path: place,
                reason: "\(said(info))PostgreSQL refused the login (SQLSTATE \(state)); check the user and password in "
                    + "the URL and the server's pg_hba.conf"
            )
        case "57P01", "57P02", "57P03":
            // 57P01 is also what a connection ended by pg_terminate_backend (a failover tool, an administrator) hears.
            let detail = " (SQLSTATE \(state): PostgreSQL ended the connection, or is shutting down or starting up)"
            return fallback(operation, place: place, reason: connectionLost(tries: tries, detail: detail))
        case "53300":
            return fallback(
                operation,
                place: place,
                reason: "PostgreSQL has too many connections (SQLSTATE 53300)\(tries); raise max_connections "
                    + "or lower the servers' connection limit"
            )
        default:
            if state.hasPrefix("08") {
                return fallback(
                    operation,
                    place: place,
                    reason: connectionLost(tries: tries, detail: " (SQLSTATE \(state))")
                )
            }
            return fallback(operation, place: place, reason: "PostgreSQL error SQLSTATE \(state)\(constraint)")
        }
    }

    /// PostgreSQL's own words for a refused connection (`database "nodb" does not exist`, `role "x" does not
    /// exist`), then "; ". Only for these start-up errors: they name the database and user of the URL, never
    /// anything a query carried.
    private static func said(_ info: PSQLError.ServerInfo?) -> String {
        guard let message = info?[.message], !message.isEmpty else { return "" }
        return "PostgreSQL says: \(message.prefix(200)); "
    }

    /// A short reason for a connection failure: the system's words ("Connection refused"), never
    /// anything a query carried.
    private static func connectionReason(_ error: any Error) -> String {
        if let error = error as? NIOCore.IOError {
            return String(cString: strerror(error.errnoCode))
        }
        if let error = error as? NIOConnectionError, let first = error.connectionErrors.first?.error {
            return connectionReason(first)
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("ECONNREFUSED") || text.contains("Connection refused") {
            return "connection refused"
        }
        if text.contains("Timeout") || text.contains("timeout") { return "timed out" }
        return "\(type(of: error))"
    }

    static func fallback(_ operation: Operation, place: String, reason: String) -> CallbackStoreError {
        switch operation {
        case .open: .cannotOpen(path: place, reason: reason)
        case .save: .saveFailed(reason: reason, path: place)
        case .read: .readFailed(reason: reason, path: place)
        }
    }
}

/// One try at an operation took longer than its share of the retry window.
struct AttemptTimedOut: Error {}
