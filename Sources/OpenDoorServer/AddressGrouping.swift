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

    /// The group `address` belongs to.
    public func group(of address: String) -> String {
        guard var bytes = TrustedProxies.parse(address) else { return address }
        let prefix = bytes.count == 4 ? ipv4Prefix : ipv6Prefix
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
