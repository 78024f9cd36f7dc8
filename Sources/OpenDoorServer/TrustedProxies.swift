import Foundation

/// The reverse proxies (nginx, HAProxy, Caddy) whose `X-Forwarded-For` header the console believes, to tell
/// one visitor of the sign-in page from another when they all reach it through the proxy.
///
/// Empty by default: then the header is ignored, and the client is the address the connection comes from —
/// anyone can write `X-Forwarded-For`, so trusting it without a proxy that sets it would let a guesser
/// give every try a new address and never be locked out. With proxies named (`--trusted-proxy 127.0.0.1`),
/// a connection from one of them is from the header's last hop that is not itself a trusted proxy: the
/// address the outermost trusted proxy saw. Hops further left were written by the client and are not read.
///
/// The chat server uses the same list for another purpose: connections from a proxy (the WebSocket bridge,
/// HAProxy) carry many visitors, so they are held to the chat's total only, not to its per-address cap
/// (``ServerConfiguration/trustedProxies``).
public struct TrustedProxies: Sendable, Hashable, CustomStringConvertible {
    /// One address or range (`10.0.0.0/8`, `fd00::/8`).
    struct Range: Sendable, Hashable {
        /// The network's bytes: 4 for IPv4, 16 for IPv6.
        var bytes: [UInt8]
        /// How many leading bits must match.
        var prefix: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var bits = prefix
            for index in bytes.indices where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if address[index] & mask != bytes[index] & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    private var ranges: [Range]
    /// The entries as given, for messages.
    public private(set) var entries: [String]

    /// No proxy: `X-Forwarded-For` is ignored.
    public static let none = TrustedProxies(ranges: [], entries: [])

    /// This machine's loopback addresses (`127.0.0.0/8`, `::1`): a bridge or proxy on the same host.
    public static let loopback = TrustedProxies(
        ranges: [Range(bytes: [127, 0, 0, 0], prefix: 8), Range(bytes: Array(repeating: 0, count: 15) + [1], prefix: 128)],
        entries: ["127.0.0.0/8", "::1"])

    private init(ranges: [Range], entries: [String]) {
        self.ranges = ranges
        self.entries = entries
    }

    /// Proxies given as IP addresses (`127.0.0.1`, `::1`) or ranges (`10.0.0.0/8`).
    ///
    /// - Throws: ``TrustedProxiesError`` naming the first entry that is neither.
    public init(_ entries: [String]) throws(TrustedProxiesError) {
        var ranges: [Range] = []
        for entry in entries {
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.parse(String(parts[0])) else { throw .notAnAddress(entry) }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let bits = Int(parts[1]), (0...bytes.count * 8).contains(bits) else { throw .notAnAddress(entry) }
                prefix = bits
            }
            ranges.append(Range(bytes: bytes, prefix: prefix))
        }
        self.init(ranges: ranges, entries: entries)
    }

    /// Whether no proxy is trusted.
    public var isEmpty: Bool { ranges.isEmpty }

    public var description: String { entries.isEmpty ? "none" : entries.joined(separator: ", ") }

    /// Whether `address` is one of the proxies.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.parse(address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address for a connection from `peer` that carried the `X-Forwarded-For` lines
    /// `forwardedFor` (in the order received): `peer` itself unless it is a trusted proxy; otherwise the last
    /// hop that is not a trusted proxy, or the first hop when all are. A hop that is not an address (the header
    /// was not written by a proxy we know) stops the walk at the last trusted address seen, so a bad header can
    /// only make sign-in stricter, never give a guesser a fresh address.
    public func clientAddress(peer: String, forwardedFor: [String]) -> String {
        guard !ranges.isEmpty, contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        var client = peer
        for hop in hops.reversed() {
            guard let bytes = Self.parse(Self.withoutPort(hop)) else { return client }
            client = Self.format(bytes)
            if !ranges.contains(where: { $0.contains(bytes) }) { return client }
        }
        return client
    }

    /// The hops a request's headers name, for ``clientAddress(peer:forwardedFor:)``: the `X-Forwarded-For` lines, or,
    /// when there are none, the `for=` of each element of the `Forwarded` lines (RFC 7239: `for=192.0.2.60`,
    /// `for="[2001:db8::1]:4711"`; `for=unknown` or an obfuscated name is not an address and stops the walk).
    public static func forwardedHops(xForwardedFor: [String], forwarded: [String]) -> [String] {
        guard xForwardedFor.isEmpty else { return xForwardedFor }
        return forwarded.flatMap { $0.split(separator: ",") }.map { element in
            let pairs = element.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let pair = pairs.first(where: { $0.lowercased().hasPrefix("for=") }) else { return "unknown" }
            return pair.dropFirst(4).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }

    /// `1.2.3.4:80` → `1.2.3.4`, `[::1]:80` → `::1`; anything else as it is.
    static func withoutPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let end = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<end])
        }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }

    /// An address's bytes: 4 for IPv4 (an IPv4-mapped IPv6 address included), 16 for IPv6; nil for anything else.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        // ::ffff:a.b.c.d is the IPv4 address a.b.c.d, as a dual-stack socket reports it.
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return Array(bytes[12..<16])
        }
        return bytes
    }

    /// An address in its usual text form, so that two ways of writing it count as one.
    static func format(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { source in
            inet_ntop(family, source.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard written != nil else { return bytes.map(String.init).joined(separator: ".") }
        return String(cString: buffer)
    }
}

/// A `--trusted-proxy` that is not an address or a range.
public enum TrustedProxiesError: Error, Hashable, CustomStringConvertible {
    /// The entry, as given.
    case notAnAddress(String)

    public var description: String {
        switch self {
        case .notAnAddress(let entry):
            "“\(entry)” is not an IP address or a range: give the proxy's address as the console sees it, "
                + "like 127.0.0.1, ::1 or 10.0.0.0/8."
        }
    }
}
