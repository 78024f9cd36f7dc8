import Foundation
import Hummingbird
import HummingbirdTesting
import OpenDoorKit
import OpenDoorTestSupport
import Testing

@testable import OpenDoorStaff

@Suite("Staff console: signing in")
struct SignInTests {
    @Test("signed out, every page but health, metrics and sign-in sends to the sign-in page", arguments: [
        "/", "/try", "/knowledge", "/counts", "/no-such-page", "/callbacks/ABC-123/mark", "/.env",
    ])
    func signedOutRedirects(path: String) async throws {
        try await withStaffConsole { _, client in
            let response = try await client.get(path)
            #expect(response.status == .seeOther)
            #expect(response.location == "/sign-in")
            #expect(!response.text.contains("Sam"))
        }
    }

    @Test("signed in, a path that leads nowhere says so in the console's frame")
    func signedInNotFound() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            let response = try await client.get("/no-such-page")
            #expect(response.status == .notFound)
            #expect(response.text.contains("<h1>Not found</h1>") && response.text.contains("Signed in as dana"))
            let marked = try await client.submit("/callbacks/ZZZ-999/mark", form: [("status", "closed")])
            #expect(marked.status == .notFound)
            #expect(marked.text.contains("There is no callback request ZZZ-999."))
        }
    }

    @Test("signed out, a form post is refused and changes nothing")
    func signedOutPostRefused() async throws {
        try await withStaffConsole { harness, client in
            let saved = try await harness.saveRequest()
            let response = try await client.post(
                "/callbacks/\(saved.reference)/mark", form: [("status", "closed"), ("token", "x")])
            #expect(response.status == .seeOther)
            #expect(try await harness.store.find(reference: saved.reference)?.status == .new)
            #expect(try await client.post("/try", form: [("message", "hello")]).status == .seeOther)
        }
    }

    @Test("health and metrics answer without signing in")
    func publicRoutes() async throws {
        try await withStaffConsole(metricsText: { "# TYPE opendoor_replies_total counter\nopendoor_replies_total 3\n" }) {
            _, client in
            let health = try await client.get("/health")
            #expect(health.status == .ok)
            #expect(health.text.contains("\"ok\""))
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(metrics.text == "# TYPE opendoor_replies_total counter\nopendoor_replies_total 3\n")
        }
    }

    @Test("metrics are empty until the lead wires a registry in")
    func emptyMetricsByDefault() async throws {
        try await withStaffConsole { _, client in
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.isEmpty)
        }
    }

    @Test("the right password signs in; the cookie is HttpOnly and SameSite=Strict, not Secure by default")
    func signIn() async throws {
        try await withStaffConsole { harness, client in
            let page = try await client.get("/sign-in")
            #expect(page.status == .ok)
            let before = client.sessionCookie
            let response = try await client.signIn()
            #expect(response.status == .seeOther)
            #expect(response.location == "/")
            let cookie = try #require(response.headers[values: .setCookie].first)
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(!cookie.contains("Secure"))
            // A new session id at sign-in: the one handed out with the form is worth nothing.
            #expect(client.sessionCookie != before)
            let inbox = try await client.get("/")
            #expect(inbox.status == .ok)
            #expect(inbox.text.contains("Signed in as dana"))
            #expect(harness.logs.all.contains { $0.contains("Signed in") && $0.contains("dana") })
        }
    }

    @Test("with --secure-cookies the cookie is Secure")
    func secureCookie() async throws {
        try await withStaffConsole(configure: { $0.secureCookies = true }) { _, client in
            let response = try await client.signIn()
            let cookie = try #require(response.headers[values: .setCookie].first)
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        }
    }

    @Test("a wrong password or an unknown name is refused, with the same words, and logs no password")
    func wrongPassword() async throws {
        try await withStaffConsole { harness, client in
            let wrong = try await client.signIn(password: "tr0ub4dor&3 wrong")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("That name and password don&#39;t match"))
            let unknown = try await client.signIn("nobody", password: testPassword)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text.contains("That name and password don&#39;t match"))
            #expect(try await client.get("/").status == .seeOther)
            let logs = harness.logs.all.joined(separator: "\n")
            #expect(!logs.contains("tr0ub4dor"))
            #expect(!logs.contains(testPassword))
        }
    }

    @Test("showing the sign-in form keeps nothing on the server: thousands of GET /sign-in store no session")
    func signInFormIsStateless() async throws {
        let sessions = CountingPersistDriver()
        try await withStaffConsole(sessions: sessions) { (_: StaffHarness, client: StaffClient) async throws in
            for _ in 0..<2_000 {
                client.forgetCookie()
                #expect(try await client.get("/sign-in").status == .ok)
            }
            #expect(sessions.writeCount == 0)
            // The form still works: its token comes back with its own cookie, and only then is a session made.
            #expect(try await client.signIn().status == .seeOther)
            #expect(sessions.writeCount == 1)
            #expect(try await client.get("/").status == .ok)
        }
    }

    @Test("a second sign-in page loaded meanwhile (a browser's favicon, redirected) keeps the first form working")
    func secondSignInPageKeepsTheToken() async throws {
        try await withStaffConsole { _, client in
            let first = try #require(StaffClient.token(in: try await client.get("/sign-in").text))
            // A signed-out browser's favicon request is redirected here too, with the form's cookie.
            #expect(try await client.get("/favicon.ico").status == .seeOther)
            let second = try #require(StaffClient.token(in: try await client.get("/sign-in").text))
            #expect(second == first)
            let signedIn = try await client.post(
                "/sign-in", form: [("token", first), ("account", testAccount), ("password", testPassword)])
            #expect(signedIn.status == .seeOther)
            #expect(try await client.get("/").status == .ok)
        }
    }

    @Test("a sign-in form whose cookie is missing or differs is refused")
    func signInFormNeedsItsCookie() async throws {
        try await withStaffConsole { _, client in
            let page = try await client.get("/sign-in")
            let token = try #require(StaffClient.token(in: page.text))
            #expect(page.headers[values: .setCookie].contains { $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
            client.forgetCookie()
            let without = try await client.post(
                "/sign-in", form: [("token", token), ("account", testAccount), ("password", testPassword)])
            #expect(without.status == .forbidden)
            _ = try await client.get("/sign-in")
            let other = try await client.post(
                "/sign-in", form: [("token", token), ("account", testAccount), ("password", testPassword)])
            #expect(other.status == .forbidden, "another form's token")
            #expect(try await client.get("/").status == .seeOther)
        }
    }

    @Test("a sign-in without the form's token is refused (CSRF)")
    func signInWithoutToken() async throws {
        try await withStaffConsole { _, client in
            _ = try await client.get("/sign-in")
            let response = try await client.post(
                "/sign-in", form: [("token", "0000"), ("account", testAccount), ("password", testPassword)])
            #expect(response.status == .forbidden)
            #expect(try await client.get("/").status == .seeOther)
        }
    }

    @Test("five failures lock the account and the address for 15 minutes, even with the right password")
    func lockout() async throws {
        try await withStaffConsole { harness, client in
            for attempt in 1...4 {
                #expect(try await client.signIn(password: "wrong \(attempt)").status == .unauthorized)
            }
            let fifth = try await client.signIn(password: "wrong 5")
            #expect(fifth.status == .tooManyRequests)
            #expect(harness.logs.all.filter { $0.contains("Sign-in paused") }.count == 1, "one warning per lockout")
            #expect(fifth.text.contains("Sign-in is paused"))
            #expect(try await client.signIn().status == .tooManyRequests)
            // Another name from the same address is refused too.
            #expect(try await client.signIn("sam", password: testPassword).status == .tooManyRequests)
            harness.clock.advance(by: 15 * 60 + 1)
            #expect(try await client.signIn().status == .seeOther)
            #expect(try await client.get("/").status == .ok)
        }
    }

    @Test("the lockout runs on the monotonic clock: a step of the wall clock neither ends nor stretches it")
    func lockoutIgnoresWallClockSteps() async throws {
        let wall = StoreTestClock()
        try await withStaffConsole(configure: { $0.now = { wall.now } }) { harness, client in
            for attempt in 1...5 { _ = try await client.signIn(password: "wrong \(attempt)") }
            #expect(try await client.signIn().status == .tooManyRequests)
            // The wall clock jumps 16 minutes ahead (NTP, a restored snapshot): the lock still holds.
            wall.advance(by: 16 * 60)
            #expect(try await client.signIn().status == .tooManyRequests)
            // It jumps two days back: 15 minutes of real time still end the lock.
            wall.advance(by: -2 * 86_400 - 16 * 60)
            harness.clock.advance(by: 15 * 60 + 1)
            #expect(try await client.signIn().status == .seeOther)
        }
    }

    @Test("signing out ends the session; the old cookie opens nothing")
    func signOut() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            let cookie = client.sessionCookie
            let response = try await client.submit("/sign-out", form: [])
            #expect(response.status == .seeOther)
            #expect(response.location == "/sign-in")
            #expect(cookie != nil)
            #expect(try await client.get("/").status == .seeOther)
        }
    }

    @Test("sign-out without the token is refused")
    func signOutWithoutToken() async throws {
        try await withStaffConsole { _, client in
            try await client.signIn()
            #expect(try await client.post("/sign-out", form: [("token", "nope")]).status == .forbidden)
            #expect(try await client.get("/").status == .ok)
        }
    }

    @Test("every page carries the content security policy and no-store")
    func securityHeaders() async throws {
        try await withStaffConsole { _, client in
            for path in ["/sign-in", "/health"] {
                let response = try await client.get(path)
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("default-src 'none'"))
                #expect(!policy.contains("script-src"))
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }
}

extension SignInTests {
    @Test("a password typed in the name box is never logged; a failed try on an account logs its name (QA24 S3-4)")
    func passwordInNameBoxNotLogged() async throws {
        try await withStaffConsole { harness, client in
            let typed = try await client.signIn("My-Secret-Pass99", password: "wrong password here")
            #expect(typed.status == .unauthorized)
            let failed = harness.logs.all.filter { $0.contains("Sign-in failed") }
            #expect(failed.count == 1 && failed.allSatisfy { $0.contains("(not an account)") }, "\(failed)")
            #expect(!harness.logs.all.contains { $0.contains("My-Secret-Pass99") })
            #expect(try await client.signIn(testAccount, password: "wrong password here").status == .unauthorized)
            #expect(harness.logs.all.contains { $0.contains("Sign-in failed") && $0.contains(testAccount) })
        }
    }
}
