/// Which peer addresses count as one client for the chat's places: IPv4 by address (a /32) and IPv6 by /64 by
/// default, since an IPv6 customer is given a whole /64 and can connect from any of its 2^64 addresses (QA22 O1).
///
/// A group is named by its masked address and prefix (`2001:db8:1:2::/64`); an address that doesn't parse is its own
/// group. An IPv4-mapped IPv6 address (`::ffff:192.0.2.7`, as a dual-stack socket reports it) is IPv4.
///
/// ```swift
/// AddressGrouping().group(of: "2001:db8:1:2:aaaa::1")   // "2001:db8:1:2::/64"
/// AddressGrouping().group(of: "192.0.2.7")              // "192.0.2.7"
/// AddressGrouping(ipv4Prefix: 24).group(of: "192.0.2.7") // "192.0.2.0/24"
/// ```
public struct AddressGrouping: Sendable, Hashable {
    /// How many leading bits of an IPv4 address name its group (1–32; 32: each address).
    public var ipv4Prefix: Int
    /// How many leading bits of an IPv6 address name its group (1–128; 64: each customer's network).
    public var ipv6Prefix: Int

    /// Groups of `ipv4Prefix` and `ipv6Prefix` bits, each clamped to its family's range.
    public init(ipv4Prefix: Int = 32, ipv6Prefix: Int = 64) {
        self.ipv4Prefix = min(32, max(1, ipv4Prefix))
        self.ipv6Prefix = min(128, max(1, ipv6Prefix))
    }

    /// The wider networks an IPv6 customer's allocation spans, compared when the chat is full (QA23 O2): a home
    /// customer is routed a /56 (256 /64s) or a /48 (65,536), so one connection per /64 would otherwise never make any
    /// group hold more than a newcomer's.
    public static let wideIPv6Prefixes = [56, 48]

    /// The group `address` belongs to.
    public func group(of address: String) -> String {
        groups(of: address)[0]
    }

    /// The groups `address` belongs to, narrowest first: its group (``group(of:)``), then for IPv6 its /56 and /48
    /// (those wider than ``ipv6Prefix``). IPv4 and an address that doesn't parse have one level.
    ///
    /// ```swift
    /// AddressGrouping().groups(of: "2001:db8:1:2::1")  // ["2001:db8:1:2::/64", "2001:db8:1::/56", "2001:db8:1::/48"]
    /// ```
    public func groups(of address: String) -> [String] {
        guard let bytes = TrustedProxies.parse(address) else { return [address] }
        guard bytes.count == 16 else { return [Self.masked(bytes, prefix: ipv4Prefix)] }
        return [Self.masked(bytes, prefix: ipv6Prefix)]
            + Self.wideIPv6Prefixes.filter { $0 < ipv6Prefix }.map { Self.masked(bytes, prefix: $0) }
    }

    /// `bytes` with all but the first `prefix` bits cleared, as text: the address alone for a whole-address prefix.
    private static func masked(_ address: [UInt8], prefix: Int) -> String {
        var bytes = address
        var bits = prefix
        for index in bytes.indices {
            let keep = min(8, max(0, bits))
            bytes[index] &= keep == 8 ? 0xFF : ~(0xFF >> UInt8(keep))
            bits -= 8
        }
        let text = TrustedProxies.format(bytes)
        return prefix == bytes.count * 8 ? text : "\(text)/\(prefix)"
    }
}
