import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdCore
import Logging
import NIOCore
import OpenDoorKit
import OpenDoorServer
import ServiceLifecycle
import Synchronization

/// The staff console: a web page where staff work the callback list, try what a visitor would hear, see the
/// knowledge's health and the counts (never a message's text).
///
/// ```swift
/// let console = StaffConsole(store: store, assistant: assistant, health: health, dataDirectory: data, logger: logger)
/// try await console.makeApplication().runService()
/// ```
///
/// Every page but `/health`, `/metrics` and the sign-in page needs a signed-in staff account (see
/// ``StaffAccounts``). Sessions live in memory (a restart signs everyone out); the cookie is `HttpOnly`,
/// `SameSite=Strict` and, with ``StaffConfiguration/secureCookies``, `Secure`. Every form carries the session's
/// token and a POST without it is refused. Logs hold account names, reference codes and statuses: never a
/// visitor's name, number or words.
public struct StaffConsole: Sendable {
    /// Where the requests are, and where status changes are recorded.
    public var store: any CallbackAuditStore
    /// The knowledge and safety rules "Try a message" answers with (see ``replaceKnowledge(with:health:)``).
    public var assistant: Assistant { loaded.current }
    /// Shared by every copy of the console, so that a reload reaches the routes already serving.
    private let loaded: SharedAssistant
    /// What the knowledge page shows (the lint and the scores arrive once worked out).
    public var health: KnowledgeHealthReport
    /// The folder of the staff password file (`staff-users`), read again at every sign-in so that an account
    /// added with `opendoor staff-user add` works at once.
    public var dataDirectory: URL
    /// The Prometheus text served at `/metrics` (empty by default).
    public var metricsText: @Sendable () async -> String
    /// How the console runs.
    public var configuration: StaffConfiguration
    /// Where events go: sign-ins, status changes, failures.
    public var logger: Logger

    /// Creates a console; nothing listens until ``makeApplication(onServerRunning:)``'s application runs.
    public init(
        store: any CallbackAuditStore,
        assistant: Assistant,
        health: KnowledgeHealthReport,
        dataDirectory: URL,
        configuration: StaffConfiguration = StaffConfiguration(),
        metricsText: @escaping @Sendable () async -> String = { "" },
        logger: Logger
    ) {
        self.store = store
        self.loaded = SharedAssistant(assistant)
        self.health = health
        self.dataDirectory = dataDirectory
        self.configuration = configuration
        self.metricsText = metricsText
        self.logger = logger
    }

    /// Answers with `assistant` from now on (for a server that reloads its knowledge: `serve`'s SIGHUP), and shows
    /// `health` on the knowledge page; the lint and the scores are worked out again in the background.
    public func replaceKnowledge(with assistant: Assistant, health: KnowledgeHealth) {
        loaded.replace(with: assistant)
        self.health.show(health, checkingWith: assistant)
    }

    /// The HTTP application, bound to ``StaffConfiguration/host`` and ``StaffConfiguration/port``;
    /// `onServerRunning` is told the port really bound (for port 0).
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let sessions = MemoryPersistDriver()
        return Application(
            router: makeRouter(sessions: sessions),
            server: .http1(configuration: connectionConfiguration()),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            services: [sessions],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// How each connection is held to ``StaffConfiguration``'s limits: counted against the connection cap (a
    /// trusted proxy against the total only), timed at each step of a request, its headers bounded.
    func connectionConfiguration() -> HTTP1Channel.Configuration {
        let proxies = configuration.trustedProxies
        let cap = ConnectionCap(
            limits: configuration.connectionLimits, name: "staff console", logger: logger,
            isExempt: { proxies.contains($0) })
        let timeouts = StaffRequestTimer.Timeouts(
            header: configuration.headerTimeout, body: configuration.bodyTimeout,
            response: configuration.responseTimeout)
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionCapHandler(cap: cap), StaffRequestTimer(timeouts: timeouts)],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: configuration.maximumHeaderBytes,
                maxHeaderListSize: configuration.maximumHeaderBytes,
                maxHeaderFieldCount: configuration.maximumHeaderFields))
    }

    /// The application as a service for a `ServiceGroup` (which handles signals and shutdown).
    /// At shutdown the knowledge check still running (see ``KnowledgeHealthReport``) is stopped.
    public func makeService(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> any Service {
        ConsoleService(application: makeApplication(onServerRunning: onServerRunning), health: health)
    }

    /// The routes, for the application and for tests.
    func makeRouter(sessions: some PersistDriver) -> Router<StaffRequestContext> {
        let routes = StaffRoutes(console: self)
        let router = Router(context: StaffRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(
            middleware: SessionMiddleware(
                storage: sessions,
                configuration: .init(
                    sessionCookieParameters: .init(
                        name: StaffRoutes.cookieName, path: "/", secure: configuration.secureCookies, sameSite: .strict),
                    keyPrefix: "staff.",
                    defaultSessionExpiration: configuration.sessionLifetime
                )
            ))
        router.add(middleware: NotFoundMiddleware())
        routes.addPublic(to: router)
        routes.addSignedIn(to: router.group().add(middleware: RequireSignInMiddleware()))
        return router
    }
}

/// The assistant the console answers with, behind a lock.
final class SharedAssistant: Sendable {
    private let state: Mutex<Assistant>

    init(_ assistant: Assistant) { state = Mutex(assistant) }

    var current: Assistant { state.withLock { $0 } }

    func replace(with assistant: Assistant) { state.withLock { $0 = assistant } }
}

/// Sends anyone not signed in to the sign-in page.
struct RequireSignInMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: StaffRequestContext,
        next: (Request, StaffRequestContext) async throws -> Response
    ) async throws -> Response {
        guard context.account != nil else { return Response.redirect(to: "/sign-in", type: .normal) }
        return try await next(request, context)
    }
}

/// A path that leads nowhere: signed out, the sign-in page like every other page (nothing tells a stranger which
/// paths exist); signed in, a page that says so with the menu, rather than a bare "Not Found".
struct NotFoundMiddleware: RouterMiddleware {
    func handle(
        _ request: Request, context: StaffRequestContext,
        next: (Request, StaffRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard context.account != nil else { return Response.redirect(to: "/sign-in", type: .normal) }
            let message = error.body ?? "There is no page at this address."
            return StaffPage.response(
                title: "Not found — OpenDoor staff", section: nil, session: context.sessions.session,
                status: .notFound,
                body: """
                    <div class="card narrow"><h1>Not found</h1><p>\(message)</p>\
                    <p><a href="/">Back to the callback list</a></p></div>
                    """)
        }
    }
}

/// The headers every response carries: a content security policy that allows nothing but this console's own
/// stylesheet and forms (no script at all, no frames), no sniffing, no referrer, and no caching of pages that
/// hold names and numbers.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = StaffRequestContext

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'"

    func handle(
        _ request: Request, context: StaffRequestContext,
        next: (Request, StaffRequestContext) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.init("Referrer-Policy")!] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

extension StaffConsole {
    /// What to say when the console could not listen (`error` from running its application), as `serve` says it,
    /// or nil when `error` is not about listening.
    public static func listenFailure(_ error: any Error, host: String, port: Int, option: String = "--port") -> String? {
        let reason: String
        if let error = error as? IOError {
            reason = String(cString: strerror(error.errnoCode))
        } else if error is SocketAddressError {
            reason = "the host is not an IP address or a name that resolves"
        } else {
            return nil
        }
        let said = "Could not listen on \(host):\(port) for the staff console: \(reason). "
        guard (error as? IOError)?.errnoCode == EADDRINUSE else {
            return said + "Check --host (an address of this machine, such as 127.0.0.1) and \(option)."
        }
        return said
            + "Another program (perhaps another opendoor staff) may be using it: stop it, or choose another port "
            + "with \(option)."
    }
}

/// The console's application, stopping the knowledge check when the service shuts down.
private struct ConsoleService<Wrapped: Service>: Service {
    let application: Wrapped
    let health: KnowledgeHealthReport

    func run() async throws {
        defer { health.stop() }
        try await withGracefulShutdownHandler {
            try await application.run()
        } onGracefulShutdown: {
            health.stop()
        }
    }
}
