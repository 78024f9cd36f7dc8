import Foundation

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

    /// The defaults.
    public init() {}
}
