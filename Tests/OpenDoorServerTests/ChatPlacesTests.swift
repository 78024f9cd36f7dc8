import Foundation
@testable import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// One client can't hold the whole chat (QA21 O1): a per-address cap on places, silent connections closed to make
/// room for a new visitor when the chat is full, and a visitor turned away still given 988 and 911 (and a crisis
/// sent at once still answered). Real sockets on 127.0.0.1; every wait is for a line or the end of a connection.
@Suite("Chat places: per-address cap, silent connections, busy goodbye")
struct ChatPlacesTests {
    /// Every test client connects from 127.0.0.1: with no trusted proxy, that address is held to the per-address cap.
    static func capped(total: Int, perAddress: Int) -> ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        configuration.maximumConnections = total
        configuration.maximumConnectionsPerAddress = perAddress
        configuration.trustedProxies = .none
        configuration.silentEvictionAge = nil
        return configuration
    }

    @Test("one address can't take every place: past its share it is told the chat is full, with 988 and 911")
    func perAddressCap() async throws {
        try await withServer(Self.capped(total: 10, perAddress: 2)) { server in
            let first = try await server.greetedJSONClient()
            let second = try await server.greetedJSONClient()
            let third = try await server.jsonClient()
            let busy = try await third.readJSON()
            #expect(busy.type == "bye" && busy.reason == "busy", "\(busy)")
            let said = try #require(busy.text)
            #expect(said.contains("988") && said.contains("911") && said.contains(ServerFixtures.centerPhone), "\(said)")
            #expect(try await third.isAtEnd())
            await third.close()
            let refusal = await server.logs.line(containing: "connections refused: chat full")
            #expect(refusal.contains("codes=address"), "\(refusal)")
            await first.close()
            await second.close()
        }
    }

    @Test("a trusted proxy's connections (the bridge on loopback) are held to the total only")
    func trustedProxyExempt() async throws {
        var configuration = Self.capped(total: 4, perAddress: 1)
        configuration.trustedProxies = .loopback
        try await withServer(configuration) { server in
            var clients: [TestClient] = []
            for _ in 0..<4 { clients.append(try await server.greetedJSONClient()) }
            let fifth = try await server.jsonClient()
            #expect(try await fifth.readJSON().reason == "busy", "the total still holds")
            await fifth.close()
            for client in clients { await client.close() }
        }
    }

    @Test("when full, the connection silent longest is closed for a new visitor; one that has talked is kept")
    func silentEvicted() async throws {
        var configuration = Self.capped(total: 3, perAddress: 10)
        configuration.silentEvictionAge = .zero
        try await withServer(configuration) { server in
            // A visitor who has talked, then two connections held open in silence (the flood), oldest first.
            let talker = try await server.greetedJSONClient()
            #expect(try await talker.ask("what if i relapsed").type == "reply")
            let oldSilent = try await server.greetedJSONClient()
            let newSilent = try await server.greetedJSONClient()

            let visitor = try await server.jsonClient()
            let greeting = try await visitor.readJSON()
            #expect(greeting.type == "reply", "the new visitor is let in: \(greeting)")
            let bye = try await oldSilent.readJSON()
            #expect(bye.type == "bye" && bye.reason == "busy", "\(bye)")
            // Told the chat is full, with the numbers; never that it was quiet (QA22 O1).
            #expect(bye.text?.contains("988") == true && bye.text?.contains("911") == true, "\(bye)")
            #expect(try await oldSilent.isAtEnd())
            let evictions = await server.logs.line(containing: "connections closed to make room")
            #expect(evictions.contains("codes=silent"), "\(evictions)")

            // The next one takes the other silent connection's place; then only talkers are left, and the one after
            // is told the chat is full.
            #expect(try await visitor.ask("what if i relapsed").type == "reply")
            let another = try await server.jsonClient()
            #expect(try await another.readJSON().type == "reply")
            #expect(try await newSilent.readJSON().reason == "busy")
            #expect(try await another.ask("what if i relapsed").type == "reply")
            let last = try await server.jsonClient()
            #expect(try await last.readJSON().reason == "busy")
            #expect(try await talker.ask("what if i relapsed").type == "reply", "the talker kept its place")
            for client in [talker, oldSilent, newSilent, visitor, another, last] { await client.close() }
        }
    }

    @Test("an address at its share makes room from its own silent connections only")
    func addressShareEvictsItsOwn() async throws {
        var configuration = Self.capped(total: 10, perAddress: 2)
        configuration.silentEvictionAge = .zero
        try await withServer(configuration) { server in
            let silent = try await server.greetedJSONClient()
            let talker = try await server.greetedJSONClient()
            #expect(try await talker.ask("what if i relapsed").type == "reply")
            let third = try await server.jsonClient()
            #expect(try await third.readJSON().type == "reply", "its own silent place was given")
            #expect(try await silent.readJSON().reason == "busy")
            #expect(try await third.ask("what if i relapsed").type == "reply")
            let fourth = try await server.jsonClient()
            #expect(try await fourth.readJSON().reason == "busy", "no silent place of its own left")
            for client in [silent, talker, third, fourth] { await client.close() }
        }
    }

    @Test("a silent connection younger than the eviction age keeps its place: the new visitor is told it's full")
    func youngSilentKept() async throws {
        var configuration = Self.capped(total: 1, perAddress: 1)
        configuration.silentEvictionAge = .seconds(3600)
        try await withServer(configuration) { server in
            let silent = try await server.greetedJSONClient()
            let visitor = try await server.jsonClient()
            #expect(try await visitor.readJSON().reason == "busy")
            #expect(try await silent.ask("what if i relapsed").type == "reply", "still connected")
            await visitor.close()
            await silent.close()
        }
    }

    @Test("a crisis sent at once on a connection turned away is answered after the busy goodbye")
    func crisisOnRefusedConnection() async throws {
        var configuration = Self.capped(total: 1, perAddress: 1)
        configuration.refusedLineWait = .seconds(120)
        try await withServer(configuration) { server in
            // The holder's greeting says it holds the one place (taken when its connection was accepted, before the
            // greeting is written); a "bye" here would mean something else held it.
            let holder = try await server.jsonClient()
            let greeting = try await holder.readJSON()
            try #require(greeting.type == "reply", "the holder was turned away: \(greeting)")
            let visitor = try await server.jsonClient(
                sending: #"{"type":"message","text":"im going to kill myself tonight"}"# + "\n")
            let busy = try await visitor.readJSON()
            #expect(busy.type == "bye" && busy.reason == "busy")
            #expect(busy.text?.contains("988") == true && busy.text?.contains("911") == true)
            let answer = try await visitor.readJSON()
            #expect(answer.type == "reply" && answer.crisis == true, "\(answer)")
            // The chat closes right after: the numbers, no "I'm still here", no call offered (QA22 O5).
            let said = try #require(answer.text)
            #expect(said.contains("988") && said.contains("911") && said.contains(ServerFixtures.centerPhone), "\(said)")
            #expect(said.contains("can’t keep this chat open"), "\(said)")
            #expect(!said.contains("still here") && !said.contains("call you back"), "\(said)")
            #expect(answer.options?.isEmpty ?? true, "\(answer)")
            #expect(try await visitor.isAtEnd())
            await visitor.close()

            // Anything else on a refused connection only ends it.
            let other = try await server.jsonClient(sending: #"{"type":"message","text":"what if i relapsed"}"# + "\n")
            #expect(try await other.readJSON().reason == "busy")
            #expect(try await other.isAtEnd())
            await other.close()
            await holder.close()
        }
    }

    @Test("with every turned-away wait taken, a newcomer's crisis after busy is still answered; the longest waiting gives way (QA29 S2-8)")
    func crisisWithWaitsFull() async throws {
        var configuration = Self.capped(total: 1, perAddress: 1)
        configuration.refusedLineWait = .seconds(600)
        try await withServer(configuration) { server in
            let holder = try await server.greetedJSONClient()
            // Every wait taken by connections that read their busy goodbye and say nothing.
            var waiting: [TestClient] = []
            for _ in 0..<ConnectionBook.maximumLingering {
                let client = try await server.jsonClient()
                #expect(try await client.readJSON().reason == "busy")
                waiting.append(client)
            }
            // A visitor who finds the chat full, reads the goodbye, then sends a crisis: answered.
            let visitor = try await server.jsonClient()
            let busy = try await visitor.readJSON()
            #expect(busy.type == "bye" && busy.reason == "busy")
            try await visitor.send(#"{"type":"message","text":"i want to kill myself"}"# + "\n")
            let answer = try await visitor.readJSON()
            #expect(answer.type == "reply" && answer.crisis == true, "\(answer)")
            #expect(try await visitor.isAtEnd())
            // The first to wait gave its wait up for the visitor.
            #expect(try await waiting[0].isAtEnd())
            for client in waiting { await client.close() }
            await visitor.close()
            await holder.close()
        }
    }

    @Test("the text protocol's busy goodbye carries 988 and 911 too")
    func busyTextHasNumbers() async throws {
        try await withServer(Self.capped(total: 1, perAddress: 1)) { server in
            let holder = try await server.greetedJSONClient()
            let visitor = try await server.textClient()
            let said = try await visitor.readToEnd()
            #expect(said.contains("988") && said.contains("911") && said.contains(ServerFixtures.centerPhone), "\(said)")
            await visitor.close()
            await holder.close()
        }
    }

    // MARK: - Fair places (QA22 O1): a flood that chats can't keep the chat full

    @Test("one address's chatting flood can't lock out a new address: the flood gives up a place")
    func chattingFloodGivesWay() async throws {
        var configuration = Self.capped(total: 6, perAddress: 4)
        configuration.silentEvictionAge = nil  // only the fair share makes room here
        try await withServer(configuration) { server in
            // The flood: four connections from 127.0.0.2, each asking a question (not silent), two from .3.
            var flood: [TestClient] = []
            for source in ["127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3"] {
                let client = try await server.greetedJSONClient(from: source)
                #expect(try await client.ask("what are your hours").type == "reply")
                flood.append(client)
            }
            // The flood's own next connection is refused: its address holds its share, none of it silent.
            let more = try await server.jsonClient(from: "127.0.0.2")
            #expect(try await more.readJSON().reason == "busy")
            await more.close()

            // A new address is let in; the place is taken from 127.0.0.2, the group holding the most, idle longest.
            let visitor = try await server.jsonClient(from: "127.0.0.4")
            let greeting = try await visitor.readJSON()
            #expect(greeting.type == "reply", "the new visitor is let in: \(greeting)")
            let bye = try await flood[0].readJSON()
            #expect(bye.type == "bye" && bye.reason == "busy", "\(bye)")
            #expect(bye.text?.contains("988") == true && bye.text?.contains("911") == true)
            #expect(try await flood[0].isAtEnd())
            let evictions = await server.logs.line(containing: "connections closed to make room")
            #expect(evictions.contains("codes=largest"), "\(evictions)")
            for client in flood.dropFirst() {
                #expect(try await client.ask("what are your hours").type == "reply", "the others kept their places")
            }
            // Now 127.0.0.2 holds 3, 127.0.0.3 and .4 hold 2 and 1: one more new address takes from .2 again.
            let second = try await server.greetedJSONClient(from: "127.0.0.5")
            #expect(try await flood[1].readJSON().reason == "busy")
            #expect(try await second.ask("what are your hours").type == "reply")
            for client in flood + [visitor, second] { await client.close() }
        }
    }

    @Test("a visitor reading the greeting is not evicted while another address holds more places")
    func readerKeptWhileAnotherHoldsMore() async throws {
        var configuration = Self.capped(total: 4, perAddress: 3)
        configuration.silentEvictionAge = .zero  // a reader would be "silent" at once
        try await withServer(configuration) { server in
            let reader = try await server.greetedJSONClient(from: "127.0.0.1")
            var flood: [TestClient] = []
            for _ in 0..<3 {
                let client = try await server.greetedJSONClient(from: "127.0.0.2")
                #expect(try await client.ask("what are your hours").type == "reply")
                flood.append(client)
            }
            // The flood's oldest connection is in the callback form: it keeps its place; the next idle longest goes.
            #expect(try await flood[0].ask("i want to come back").state == "callback_consent")
            _ = try await flood[1].ask("what are your hours")
            _ = try await flood[2].ask("what are your hours")
            let newcomer = try await server.greetedJSONClient(from: "127.0.0.3")
            let bye = try await flood[1].readJSON()
            #expect(bye.reason == "busy", "\(bye)")
            #expect(try await reader.ask("what if i relapsed").type == "reply", "the reader kept its place")
            #expect(try await flood[0].ask("yes").state == "callback_name", "mid-form kept its place")

            // 127.0.0.2 still holds two: the next new address takes its other place, not the reader's.
            let late = try await server.jsonClient(from: "127.0.0.4")
            #expect(try await late.readJSON().type == "reply")
            #expect(try await flood[2].readJSON().reason == "busy")
            #expect(try await reader.ask("what if i relapsed").type == "reply", "the reader still kept its place")
            // Now every address holds one place: the flood's next connection is told the chat is full.
            let more = try await server.jsonClient(from: "127.0.0.2")
            #expect(try await more.readJSON().reason == "busy")
            #expect(try await flood[0].ask("yes").type == "reply", "mid-form still kept its place")
            for client in flood + [reader, newcomer, late, more] { await client.close() }
        }
    }
}

/// Which addresses count as one client: IPv4 by address, IPv6 by /64 (configurable).
@Suite("Address groups")
struct AddressGroupingTests {
    @Test("IPv6 addresses in one /64 are one group; another /64 is another")
    func ipv6ByPrefix() {
        let grouping = AddressGrouping()
        #expect(grouping.group(of: "fd00:22::2") == "fd00:22::/64")
        #expect(grouping.group(of: "fd00:22::8") == grouping.group(of: "fd00:22::2"))
        #expect(grouping.group(of: "fd00:22:0:0:ffff:ffff:ffff:ffff") == "fd00:22::/64")
        #expect(grouping.group(of: "fd00:22:0:1::2") == "fd00:22:0:1::/64")
        #expect(grouping.group(of: "::1") == "::/64")
        #expect(AddressGrouping(ipv6Prefix: 128).group(of: "fd00:22::2") == "fd00:22::2")
        #expect(AddressGrouping(ipv6Prefix: 56).group(of: "2001:db8:1:2ff::1") == "2001:db8:1:200::/56")
    }

    @Test("IPv4 by address by default, by a shorter prefix when asked; IPv4-mapped IPv6 is IPv4")
    func ipv4() {
        #expect(AddressGrouping().group(of: "192.0.2.7") == "192.0.2.7")
        #expect(AddressGrouping().group(of: "::ffff:192.0.2.7") == "192.0.2.7")
        #expect(AddressGrouping(ipv4Prefix: 24).group(of: "192.0.2.7") == "192.0.2.0/24")
        #expect(AddressGrouping(ipv4Prefix: 20).group(of: "192.0.31.7") == "192.0.16.0/20")
        #expect(AddressGrouping().group(of: "unknown") == "unknown")
        #expect(AddressGrouping(ipv4Prefix: 99, ipv6Prefix: 0) == AddressGrouping(ipv4Prefix: 32, ipv6Prefix: 1))
    }
}
