import Foundation
import OpenDoorServer
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
            #expect(bye.type == "bye" && bye.reason == "idle", "\(bye)")
            #expect(try await oldSilent.isAtEnd())
            _ = await server.logs.line(containing: "silent connections closed to make room")

            // The next one takes the other silent connection's place; then only talkers are left, and the one after
            // is told the chat is full.
            #expect(try await visitor.ask("what if i relapsed").type == "reply")
            let another = try await server.jsonClient()
            #expect(try await another.readJSON().type == "reply")
            #expect(try await newSilent.readJSON().reason == "idle")
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
            #expect(try await silent.readJSON().reason == "idle")
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
            let holder = try await server.greetedJSONClient()
            let visitor = try await server.jsonClient(
                sending: #"{"type":"message","text":"im going to kill myself tonight"}"# + "\n")
            let busy = try await visitor.readJSON()
            #expect(busy.type == "bye" && busy.reason == "busy")
            #expect(busy.text?.contains("988") == true && busy.text?.contains("911") == true)
            let answer = try await visitor.readJSON()
            #expect(answer.type == "reply" && answer.crisis == true, "\(answer)")
            #expect(answer.text?.contains("988") == true)
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
}
