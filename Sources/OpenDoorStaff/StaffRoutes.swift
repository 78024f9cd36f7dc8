import Foundation
import Hummingbird
import HummingbirdAuth
import Logging
import NIOPosix
import OpenDoorKit

/// The console's pages and forms.
struct StaffRoutes: Sendable {
    /// The session cookie's name.
    static let cookieName = "opendoor_staff"
    /// The sign-in form's cookie: its token, sent back with the form (a double-submit token), so that showing the
    /// form keeps nothing on the server. Anyone may ask for the form any number of times; a session is made only at
    /// a successful sign-in.
    static let signInCookieName = "opendoor_sign_in"
    /// The header a reverse proxy names the client in; read only from ``StaffConfiguration/trustedProxies``.
    static let forwardedFor = "X-Forwarded-For"

    let console: StaffConsole
    let throttle: SignInThrottle

    init(console: StaffConsole) {
        self.console = console
        throttle = SignInThrottle(
            maximumFailures: console.configuration.maximumFailures, lockout: console.configuration.lockout,
            maximumChecks: console.configuration.maximumConcurrentSignIns,
            maximumChecksPerAddress: console.configuration.maximumConcurrentSignInsPerAddress,
            now: console.configuration.now, uptime: console.configuration.uptime)
    }

    var logger: Logger { console.logger }

    /// What anyone may reach: health, metrics, the stylesheet, signing in.
    func addPublic(to router: Router<StaffRequestContext>) {
        router.get("/health") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "{\"status\":\"ok\"}\n")))
        }
        router.get("/metrics") { _, _ in
            let text = await console.metricsText()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/staff.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: StaffPage.stylesheet)))
        }
        router.get("/sign-in") { request, context in
            if context.account != nil { return Response.redirect(to: "/", type: .normal) }
            return signInPage(request, context: context, notice: nil, status: .ok)
        }
        router.post("/sign-in") { request, context in try await signIn(request, context: context) }
        router.post("/sign-out") { request, context in
            let form = try await FormFields.read(request, context: context)
            guard let session = context.sessions.session, session.accepts(token: form["token"]) else {
                return staleForm(context: context)
            }
            if let account = session.account { logger.info("Signed out", metadata: ["account": "\(account)"]) }
            context.sessions.clearSession()
            return Response.redirect(to: "/sign-in", type: .normal)
        }
    }

    /// The pages behind sign-in.
    func addSignedIn(to group: RouterGroup<StaffRequestContext>) {
        group.get("/") { request, context in try await inbox(request, context: context) }
        group.post("/callbacks/{reference}/mark") { request, context in
            try await mark(request, context: context)
        }
        group.get("/try") { _, context in tryPage(context: context, message: nil) }
        group.post("/try") { request, context in try await tryMessage(request, context: context) }
        group.get("/knowledge") { _, context in knowledgePage(context: context) }
        group.get("/counts") { _, context in try await countsPage(context: context) }
    }

    // MARK: - Signing in

    /// The sign-in form. Its token goes in the form and in a cookie of its own (``signInCookieName``), which the
    /// form must send back: nothing is kept on the server until someone signs in. A browser that already has that
    /// cookie keeps its token: a second sign-in page loaded meanwhile (a browser's favicon request is sent here by
    /// the redirect of a signed-out visit) must not make the first page's form out of date.
    func signInPage(
        _ request: Request, context: StaffRequestContext, notice: String?, status: HTTPResponse.Status
    ) -> Response {
        var token = StaffSession.newToken()
        if let carried = request.cookies[Self.signInCookieName]?.value, Self.isFormToken(carried) { token = carried }
        let session = context.sessions.session ?? StaffSession(account: nil, formToken: token)
        var response = signInForm(session, notice: notice, status: status)
        if context.sessions.session == nil {
            response.setCookie(
                Cookie(
                    name: Self.signInCookieName, value: session.formToken, maxAge: 60 * 60, path: "/sign-in",
                    secure: console.configuration.secureCookies, httpOnly: true, sameSite: .strict))
        }
        return response
    }

    /// Whether a sign-in form came back with its token: the session's, or the one in the form's own cookie.
    func signInFormAccepted(_ request: Request, context: StaffRequestContext, token: String?) -> Bool {
        if let session = context.sessions.session, session.accepts(token: token) { return true }
        guard let cookie = request.cookies[Self.signInCookieName]?.value, Self.isFormToken(cookie) else { return false }
        return StaffSession(account: nil, formToken: cookie).accepts(token: token)
    }

    /// Whether `text` looks like a token ``StaffSession/newToken()`` makes: 64 lowercase hexadecimal digits.
    static func isFormToken(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private func signInForm(_ session: StaffSession, notice: String?, status: HTTPResponse.Status) -> Response {
        let noticeMarkup: Markup = notice.map { "<p class=\"notice\" role=\"alert\">\($0)</p>" } ?? ""
        return StaffPage.response(
            title: "Sign in — OpenDoor staff", section: nil, session: nil, status: status,
            body: """
                <div class="card narrow">
                <h1>Sign in</h1>
                \(noticeMarkup)
                <form method="post" action="/sign-in">
                \(StaffPage.tokenField(session))
                <label for="account">Name</label>
                <input type="text" id="account" name="account" autocomplete="username" required autofocus>
                <label for="password">Password</label>
                <input type="password" id="password" name="password" autocomplete="current-password" required>
                <p><button type="submit" class="primary">Sign in</button></p>
                </form>
                </div>
                """)
    }

    func signIn(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        guard signInFormAccepted(request, context: context, token: form["token"]) else {
            return staleForm(context: context)
        }
        let account = (form["account"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let address = console.configuration.trustedProxies.clientAddress(
            peer: context.peerAddress, forwardedFor: request.headers[values: .init(Self.forwardedFor)!])
        let ticket: SignInThrottle.Ticket
        switch await throttle.reserve(account: account, address: address) {
        case .locked(let until):
            logger.notice(
                "Sign-in refused while locked", metadata: ["account": "\(safeName(account))", "address": "\(address)"])
            return signInPage(request, context: context, notice: lockedNotice(until), status: .tooManyRequests)
        case .slowed(let until):
            logger.notice(
                "Sign-in refused: the name is being guessed from many addresses",
                metadata: ["account": "\(safeName(account))", "address": "\(address)"])
            return signInPage(request, context: context, notice: slowedNotice(until), status: .tooManyRequests)
        case .busy:
            logger.notice(
                "Sign-in refused: passwords already being checked",
                metadata: ["account": "\(safeName(account))", "address": "\(address)"])
            var response = signInPage(
                request, context: context,
                notice: "Many sign-ins are being checked right now. Please try again in a moment.",
                status: .tooManyRequests)
            response.headers[.retryAfter] = "1"
            return response
        case .granted(let granted):
            ticket = granted
        }
        let verified: Bool
        let accounts: StaffAccounts
        do {
            accounts = try StaffAccounts.load(directory: console.dataDirectory)
            verified = try await NIOThreadPool.singleton.runIfActive {
                accounts.verify(name: account, password: password)
            }
        } catch let error as StaffAccountsError {
            await throttle.finish(ticket, matched: nil)
            logger.error("Sign-in is off: the staff password file can't be used", metadata: ["reason": "\(error)"])
            return signInPage(
                request, context: context,
                notice: "Sign-in is not available: the password file on the server can't be used. "
                    + "The server's log says what to do.",
                status: .serviceUnavailable)
        } catch {
            // Counted: a try that ends without an answer gives a guesser nothing back.
            await throttle.finish(ticket, matched: false)
            throw error
        }
        await throttle.finish(ticket, matched: verified)
        guard verified else {
            logger.notice(
                "Sign-in failed", metadata: ["account": "\(safeName(account, accounts: accounts))", "address": "\(address)"])
            if let locked = ticket.locks {
                // A warning, once per lockout: a staff member who can't sign in, or someone guessing, is for whoever
                // runs OpenDoor to see without reading every notice.
                logger.warning(
                    "Sign-in paused after too many failures",
                    metadata: [
                        "account": "\(safeName(account, accounts: accounts))", "address": "\(address)",
                        "until": "\(locked.formatted(.iso8601))",
                    ])
                return signInPage(request, context: context, notice: lockedNotice(locked), status: .tooManyRequests)
            }
            logSlowing(ticket, account: safeName(account, accounts: accounts), address: address)
            return signInPage(
                request, context: context, notice: "That name and password don't match. Please try again.",
                status: .unauthorized)
        }
        // A new session (new id, new token) at sign-in, so an id given out before it is worth nothing after.
        context.sessions.createSession(StaffSession(account: account, formToken: StaffSession.newToken()))
        logger.info("Signed in", metadata: ["account": "\(account)"])
        return Response.redirect(to: "/", type: .normal)
    }

    /// The warnings a failed try may call for (QA27 S2-2), once each: the name became one guessed from many addresses
    /// (its tries are slowed), or this address's tries for it now wait. No password, nothing typed but a known name.
    private func logSlowing(_ ticket: SignInThrottle.Ticket, account: String, address: String) {
        if ticket.startsAttack {
            logger.warning(
                "Sign-in slowed: a name is failing from many addresses",
                metadata: [
                    "account": "\(account)",
                    "failures": "\(console.configuration.maximumFailures * SignInThrottle.attackFactor)",
                ])
        }
        if let until = ticket.slows {
            logger.warning(
                "Sign-in paused for a name guessed from many addresses",
                metadata: ["account": "\(account)", "address": "\(address)", "until": "\(until.formatted(.iso8601))"])
        }
    }

    /// What a person reads when their address's tries wait because the name is being guessed from many addresses.
    func slowedNotice(_ until: Date) -> String {
        "Sign-in for this name is slowed: it has failed from many computers, and from this one several times. "
            + "You can try again from this computer at \(Self.clockTime(until)), or sign in from another one. "
            + "If you've forgotten your password, ask whoever runs OpenDoor to set a new one."
    }

    func lockedNotice(_ until: Date) -> String {
        "Too many tries that didn't match. Sign-in is paused for this name and this computer until "
            + "\(Self.clockTime(until)). If you've forgotten your password, ask whoever runs OpenDoor "
            + "to set a new one."
    }

    /// A time as the sign-in page says it: hours and minutes.
    private static func clockTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "HH:mm"
        return formatter.string(from: date)
    }

    /// A name typed at sign-in, fit for a log line: logged only when it is one of the accounts (QA24 S3-4: a password
    /// typed in the name box looks like a name as often as not, and was logged).
    func safeName(_ typed: String, accounts: StaffAccounts? = nil) -> String {
        guard StaffAccounts.isValidName(typed),
            let accounts = accounts ?? (try? StaffAccounts.load(directory: console.dataDirectory)),
            accounts.has(name: typed)
        else { return "(not an account)" }
        return typed
    }

    /// A form sent without the session's token (an old tab, or another site posting here): nothing is done.
    func staleForm(context: StaffRequestContext) -> Response {
        StaffPage.response(
            title: "Please try again — OpenDoor staff", section: nil, session: context.sessions.session,
            status: .forbidden,
            body: """
                <div class="card narrow"><h1>Please try again</h1>
                <p>This form was out of date, so nothing was changed. <a href="/">Open the page again</a> and repeat \
                what you did.</p></div>
                """)
    }
}
