import Foundation
import OpenDoorServer

/// How the staff console runs. Every field has a default.
public struct StaffConfiguration: Sendable {
    /// The address to listen on: loopback, so only this machine (or a TLS proxy on it) reaches the console.
    public var host = "127.0.0.1"
    /// The port; 0 for any free port (tests).
    public var port = 7462
    /// Mark the session cookie `Secure` (sent over HTTPS only): on when the console is behind TLS.
    public var secureCookies = false
    /// How long a sign-in lasts without use.
    public var sessionLifetime: Duration = .seconds(8 * 60 * 60)
    /// Failed sign-ins, for one account or from one address, before sign-in is refused for a while.
    public var maximumFailures = 5
    /// How long sign-in stays refused after too many failures.
    public var lockout: Duration = .seconds(15 * 60)
    /// How many sign-in passwords may be checked at once (bcrypt: a quarter of a second of a core each); a sign-in
    /// past it is refused at once (429, `Retry-After`) rather than queued, so a flood of sign-ins can't make a staff
    /// member wait behind it, nor take the cores the chat answers on.
    public var maximumConcurrentSignIns = 2
    /// How many of those checks one address may have at once.
    public var maximumConcurrentSignInsPerAddress = 1
    /// How many connections the console holds at once, from everyone and from one address (a trusted proxy counts
    /// against the total only); past either, a new connection is closed at once. Each connection is a file
    /// descriptor of the process the chat runs in: unbounded, they could leave none for visitors.
    public var connectionLimits = ConnectionCap.Limits(total: 128, perAddress: 24)
    /// How long a connection may take to send a request's headers, from when it opened or its last response was
    /// written; then it is closed (also a client that trickles headers a byte at a time).
    public var headerTimeout: Duration = .seconds(10)
    /// How long a request's body may take to arrive whole once its headers have; then the connection is closed.
    public var bodyTimeout: Duration = .seconds(10)
    /// How long the response to a request may take to be written (a client that doesn't read it holds a
    /// connection); then the connection is closed.
    public var responseTimeout: Duration = .seconds(60)
    /// The largest header field, and all of a request's header fields together, in bytes; a larger request gets 400.
    public var maximumHeaderBytes = 16 * 1024
    /// How many header fields a request may have.
    public var maximumHeaderFields = 64
    /// The reverse proxies whose `X-Forwarded-For` says who the client is, for the lockout's count per address;
    /// none by default, and then the header is ignored (see ``TrustedProxies``).
    public var trustedProxies = TrustedProxies.none
    /// How often the inbox reloads itself, in seconds.
    public var refreshSeconds = 30
    /// How many days of counts the counts page shows, today included.
    public var countDays = 30
    /// Which store the inbox reads, as shown at the foot of the page (a file path or a database URL without its
    /// password), so that a console pointed at the wrong folder is seen for what it is; nothing shown when empty.
    public var storeDescription = ""
    /// The clock (tests move it by hand).
    public var now: @Sendable () -> Date = { Date() }
    /// The monotonic clock the sign-in lockout is timed on, unmoved by steps of the wall clock (tests move it by hand).
    public var uptime: @Sendable () -> ContinuousClock.Instant = { .now }

    /// The defaults.
    public init() {}
}
