import OpenDoorKit

/// How the chat server listens and what it allows one visitor to do.
///
/// Every field has a default fit for a small center; `opendoor serve --help` names the option for each.
/// Tests set the ports to 0 (any free port) and shorten the timeouts.
public struct ServerConfiguration: Sendable, Hashable {
    /// The address to listen on; the default, 127.0.0.1, takes connections from this machine only.
    public var host: String = "127.0.0.1"
    /// The text protocol's port (for nc and telnet), 0 for any free port, or nil to turn it off.
    public var textPort: Int? = 7460
    /// The JSON-lines protocol's port (for programs), 0 for any free port, or nil to turn it off.
    public var jsonPort: Int? = 7461
    /// The WebSocket port (the web widget's; JSON lines carried in WebSocket frames), 0 for any free port, or nil (the
    /// default) to turn it off. It shares the chat's places, per-address cap, timeouts and rate limits; see
    /// docs/PROTOCOL.md.
    public var webSocketPort: Int? = nil
    /// The pages allowed to open a WebSocket, as browsers send them in `Origin` (`https://www.example.org`); empty:
    /// any page. A request without `Origin` (not from a browser) is let in either way: the check keeps other sites'
    /// pages from using the chat through their visitors' browsers, not programs out.
    public var webSocketOrigins: [String] = []
    /// The longest WebSocket frame a visitor may send, in bytes of payload; a longer one closes the connection with
    /// code 1009 before its payload is read. Above ``maximumLineLength`` so that an over-long line gets the
    /// protocol's own `line_too_long` error; the widget's messages are under 5 kB.
    public var maximumWebSocketFrameSize: Int = 8192
    /// How often the server pings a quiet WebSocket, so that proxies on the way keep it open and a peer gone
    /// silently is found by TCP; pings and pongs never count as the visitor's activity. Nil: no pings.
    public var webSocketPingInterval: Duration? = .seconds(30)
    /// The longest line a visitor may send, in bytes of UTF-8 without the line break; a longer one gets an error.
    public var maximumLineLength: Int = 4096
    /// How long a visitor may send nothing, counted from the server's last reply, before the chat says goodbye
    /// and closes.
    public var idleTimeout: Duration = .seconds(600)
    /// The longest a line may take to arrive, from its first byte to its line break; a client that trickles
    /// bytes without ever finishing a line is closed after this (and bytes alone never reset the idle time).
    public var lineTimeout: Duration = .seconds(30)
    /// The longest a WebSocket's handshake may take from the accept (at most ``lineTimeout``). The connection holds
    /// a place meanwhile, so one that opens and says nothing gives it back soon (QA27 S1-A); a browser's handshake
    /// through the TLS proxy takes milliseconds.
    public var webSocketHandshakeTimeout: Duration = .seconds(5)
    /// How many visitors may be connected at once, over both protocols; the next one is told the chat is busy.
    /// An idle connection costs a file descriptor and a few tens of kilobytes (docs/DEPLOYMENT.md has the figures),
    /// so the default leaves a small center ample room against a flood.
    public var maximumConnections: Int = 1000
    /// How many of those one address may hold at once (except a ``trustedProxies`` address): one client can't take
    /// every place. Visitors behind one NAT (a library, a campus) share an address, hence more than one or two.
    /// "One address" is one group of ``addressGrouping``: an IPv6 /64 by default.
    public var maximumConnectionsPerAddress: Int = 10
    /// Which addresses count as one for ``maximumConnectionsPerAddress`` and for making room when the chat is full:
    /// IPv4 by address, IPv6 by /64, by default.
    public var addressGrouping = AddressGrouping()
    /// Addresses whose connections carry many visitors (the WebSocket bridge, HAProxy), held to
    /// ``maximumConnections`` only. By default this machine's loopback addresses, where the bridge runs; such a proxy
    /// needs its own per-source limit in front (docs/DEPLOYMENT.md), since only it sees each visitor's address.
    public var trustedProxies: TrustedProxies = .loopback
    /// Whether connections to the text and JSON ports from a ``trustedProxies`` address begin with a PROXY protocol
    /// header (HAProxy's `send-proxy` or `send-proxy-v2`) naming the visitor, who is then the address for the
    /// per-address cap, the sharing of places and the rate-limit budget (QA29 S1-3). Such a connection without a whole
    /// header within ``webSocketHandshakeTimeout`` is closed. On the WebSocket port the header is read when it comes
    /// before the handshake (a TCP proxy: HAProxy `mode tcp`), and a connection that starts with its HTTP request is
    /// an HTTP proxy's, whose `X-Forwarded-For` names the visitor as without the option. Off by default: then a trusted
    /// proxy's connection is a visitor of its own, with a budget of its own.
    public var proxyProtocol = false
    /// When the chat is full and no address group holds more places than the newcomer's by two or more (a flood from
    /// one group makes room first, see ``ConnectionBook``), a new visitor gets the place of the connection that has
    /// sent no message for longest, if it has been open this long without one (a visitor may read the greeting for a
    /// minute): connections held open and silent can't lock visitors out. Nil: never; the new visitor is told the chat
    /// is busy.
    public var silentEvictionAge: Duration? = .seconds(60)
    /// How long a connection turned away (the chat full) stays open after its goodbye for one line: a crisis sent
    /// with the connection, or at once after, is answered all the same. Zero: closed right after the goodbye.
    public var refusedLineWait: Duration = .seconds(2)
    /// How many lines one connection may send in a quick burst before the rate limit applies.
    public var messageBurst: Int = 20
    /// How many lines per minute one connection may send, sustained, once its burst is spent.
    public var messagesPerMinute: Int = 60
    /// How many peer addresses the server remembers a spent rate-limit budget for, until it would have refilled: a
    /// client that floods, disconnects and reconnects goes on with the budget it left (0: every connection starts
    /// with a full one).
    public var spentBudgetAddresses: Int = 10_000
    /// How long a connection being closed (idle, or on shutdown) gets to write its last reply and goodbye; a
    /// visitor who doesn't read them is cut off after this.
    public var closeGracePeriod: Duration = .seconds(5)
    /// The shortest time between two log lines about refusals (lines over the rate limit, visitors turned away
    /// when the chat is full): a flood is logged as counts, not line by line.
    public var refusalLogInterval: Duration = .seconds(60)
    /// How many connections per `refusalLogInterval` get their own "connection opened" and "connection closed"
    /// log lines; past it, connections are logged as counts, so a connection flood can't flood the log.
    public var connectionLogBudget: Int = 100
    /// How many crisis log lines ("crisis", "crisis check-in", …) per `refusalLogInterval` are written one by one,
    /// server-wide; past it they are logged as counts (the crisis counts and replies are not affected).
    public var crisisLogBudget: Int = 100
    /// Whether SIGHUP reloads the knowledge (when the server was given a way to reload it).
    public var reloadsOnHangup: Bool = true
    /// Where confirmed saves' time is recorded on the server's side (waiting for a task, delivering the reply), for a
    /// load test; nil, the default: not timed. Give the store the same recorder for the phases inside it.
    public var saveTimings: SaveTimings? = nil

    /// The defaults.
    public init() {}

    /// The enabled listeners and their requested ports: text, JSON lines, WebSocket.
    var listeners: [(chatProtocol: ChatProtocol, port: Int)] {
        var result: [(ChatProtocol, Int)] = []
        if let textPort { result.append((.text, textPort)) }
        if let jsonPort { result.append((.jsonLines, jsonPort)) }
        if let webSocketPort { result.append((.webSocket, webSocketPort)) }
        return result
    }
}
