import Foundation
import Hummingbird
import HummingbirdAuth
import NIOCore
import OpenDoorServer

/// What a signed-in session holds: the account, and the token every form must send back (CSRF).
/// A session that signed in nobody yet holds only the token, for the sign-in form.
struct StaffSession: Codable, Sendable {
    /// The staff account; nil before sign-in.
    var account: String?
    /// The form token: 32 random bytes in hex.
    var formToken: String

    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// The request context of the staff console: Hummingbird's core context, the session, and the peer's address.
struct StaffRequestContext: SessionRequestContext, RequestContext {
    var coreContext: CoreRequestContextStorage
    let sessions: SessionContext<StaffSession>
    /// The IP address the connection comes from ("unknown" when the channel has none, as in router tests): a
    /// proxy's, behind one (``TrustedProxies`` says who the client is then).
    let peerAddress: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        sessions = .init()
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The largest body Hummingbird collects for a route (2 MB by default): no page takes more than a form.
    var maxUploadSize: Int { FormFields.maximumBytes }

    /// The signed-in account, if any.
    var account: String? { sessions.session?.account }
}
