import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import OpenDoorServer
@testable import OpenDoorStaff

@Suite("Staff console: sign-in behind a reverse proxy")
struct TrustedProxiesTests {
    @Test("without trusted proxies X-Forwarded-For is ignored")
    func ignoredByDefault() {
        #expect(TrustedProxies.none.clientAddress(peer: "127.0.0.1", forwardedFor: ["203.0.113.5"]) == "127.0.0.1")
    }

    @Test(
        "from a trusted proxy, the client is the last hop that is not a trusted proxy",
        arguments: [
            (["203.0.113.5"], "203.0.113.5"),
            // The client wrote the first hop itself; the proxy appended the address it saw.
            (["1.1.1.1, 203.0.113.5"], "203.0.113.5"),
            (["1.1.1.1", "203.0.113.5"], "203.0.113.5"),
            // Two proxies in a row (the load balancer 10.0.0.7, then nginx on 127.0.0.1).
            (["203.0.113.5, 10.0.0.7"], "203.0.113.5"),
            (["198.51.100.1:4711"], "198.51.100.1"),
            (["[2001:db8::1]:443"], "2001:db8::1"),
            (["2001:DB8:0:0::1"], "2001:db8::1"),
            // Nothing but trusted hops, or no header: the first trusted one, or the proxy itself.
            (["10.0.0.7"], "10.0.0.7"),
            ([], "127.0.0.1"),
            // Not an address where the proxy should have written one: stop at what the proxy is known to be.
            (["203.0.113.5, not-an-address"], "127.0.0.1"),
            (["203.0.113.5, garbage, 10.0.0.7"], "10.0.0.7"),
        ])
    func lastUntrustedHop(headers: [String], client: String) throws {
        let proxies = try TrustedProxies(["127.0.0.1", "10.0.0.0/8"])
        #expect(proxies.clientAddress(peer: "127.0.0.1", forwardedFor: headers) == client)
    }

    @Test("a connection from anywhere else keeps its own address, whatever its header says")
    func untrustedPeer() throws {
        let proxies = try TrustedProxies(["127.0.0.1"])
        #expect(proxies.clientAddress(peer: "198.51.100.9", forwardedFor: ["203.0.113.5"]) == "198.51.100.9")
    }

    @Test("addresses and ranges, IPv4 and IPv6, an IPv4-mapped peer included")
    func ranges() throws {
        let proxies = try TrustedProxies(["10.0.0.0/8", "::1", "fd00::/8", "192.168.1.20"])
        #expect(proxies.contains("10.200.3.4"))
        #expect(!proxies.contains("11.0.0.1"))
        #expect(proxies.contains("::1"))
        #expect(proxies.contains("fd12:3456::7"))
        #expect(!proxies.contains("fe80::1"))
        #expect(proxies.contains("::ffff:192.168.1.20"))
        #expect(!proxies.contains("192.168.1.21"))
        #expect(!proxies.contains("localhost"))
    }

    @Test("a proxy that is not an address or a range is refused with what to give", arguments: [
        "localhost", "10.0.0.0/33", "10.0.0/8", "::1/129", "",
    ])
    func refused(entry: String) {
        #expect(throws: TrustedProxiesError.notAnAddress(entry)) { try TrustedProxies([entry]) }
        #expect("\(TrustedProxiesError.notAnAddress(entry))".contains("127.0.0.1"))
    }

    @Test("behind a trusted proxy, a guesser's failures lock their address, not every visitor's")
    func lockoutPerForwardedClient() async throws {
        let proxies = try TrustedProxies(["127.0.0.1", "::1"])
        try await withStaffConsole(framework: .live, configure: { $0.trustedProxies = proxies }) { harness, client in
            client.forward(for: "203.0.113.5")
            // Five names, so no account is locked by the name: only the address counts up.
            for attempt in 1...4 {
                #expect(try await client.signIn("guess\(attempt)", password: "wrong password").status == .unauthorized)
            }
            let fifth = try await client.signIn("guess5", password: "wrong password")
            #expect(fifth.status == .tooManyRequests)
            #expect(try await client.signIn().status == .tooManyRequests)
            #expect(harness.logs.all.contains { $0.contains("Sign-in failed") && $0.contains("203.0.113.5") })
            // Another visitor through the same proxy signs in.
            client.forward(for: "198.51.100.7")
            #expect(try await client.signIn().status == .seeOther)
            #expect(try await client.get("/").status == .ok)
        }
    }

    @Test("without --trusted-proxy, a forged X-Forwarded-For gives a guesser no fresh address")
    func forgedHeaderIgnored() async throws {
        try await withStaffConsole(framework: .live) { _, client in
            for attempt in 1...5 {
                client.forward(for: "203.0.113.\(attempt)")
                _ = try await client.signIn("guess\(attempt)", password: "wrong password")
            }
            client.forward(for: "198.51.100.7")
            #expect(try await client.signIn().status == .tooManyRequests)
        }
    }
}
