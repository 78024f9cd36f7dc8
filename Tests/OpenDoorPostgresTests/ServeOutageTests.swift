import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorTestSupport
import Testing

/// `opendoor serve` (the built binary) on a PostgreSQL server of the test's own that is down when the chat
/// starts, comes back, and stops again in the middle of a visitor's request.
@Suite("opendoor serve through PostgreSQL outages")
struct ServeOutageTests {
    /// The center's number as the shipped knowledge writes it.
    static let centerNumber = "284-1834"

    @Test(
        "down at start: serve answers, gives the number, saves once it is back; stopped mid-request: an honest failure, the server goes on, saves again",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func outages() async throws {
        try await PrivatePostgres.with { database in
            try await database.run("pause")
            // A visitor's save keeps trying 20 s (the URL's save_timeout), not the service's 5: the saves after each
            // outage, on new connections, must succeed within it on a starved machine too; the one during the outage
            // waits it out.
            let store = database.url + "?save_timeout=20"
            let server = try await offThePool { try ServeProcess(store: store, reachable: false) }
            #expect(server.logText.contains("runs without saving callback requests"), "\(server.logText)")

            // Questions are answered; a call is not offered, the center's number is given instead.
            let visitor = Visitor(port: server.port)
            let early = try await visitor.converse(["what are your hours", "can someone call me"])
            #expect(early[0].text?.isEmpty == false)
            #expect(early[1].text?.contains(Self.centerNumber) == true, "\(early[1].text ?? "")")
            #expect(early[1].reference == nil && early[1].state == "open", "\(early[1])")

            // The database comes up: the server connects and migrates by itself.
            try await database.run("resume")
            #expect(try await server.awaitLog("can be reached again") != nil, "\(server.logText)")
            let first = try await visitor.converse(Visitor.callbackScript(phone: Visitor.phone(1)))
            let saved = try #require(first.last?.reference, "\(first.last?.text ?? "")")

            // Stopped between the summary and the visitor's "yes": no false "saved".
            let connection = try await offThePool { try visitor.open() }
            defer { connection.close() }
            _ = try await connection.say(Array(Visitor.callbackScript(phone: Visitor.phone(2)).dropLast()))
            try await database.run("pause")
            let failed = try #require(try await connection.say(["yes"]).first)
            #expect(failed.text?.contains("nothing was kept") == true, "\(failed.text ?? "")")
            #expect(failed.text?.contains(Self.centerNumber) == true)
            #expect(failed.reference == nil)

            // The server keeps serving, this visitor and new ones.
            let during = try await connection.say(["what are your hours"])
            #expect(during.first?.text?.isEmpty == false)
            let newcomer = try await visitor.converse(["is it normal to drop out of iop", "can someone call me"])
            #expect(newcomer[1].text?.contains(Self.centerNumber) == true, "\(newcomer[1].text ?? "")")

            try await database.run("resume")
            #expect(try await server.awaitLog("can be reached again", occurrence: 2) != nil, "\(server.logText)")
            // The request that didn't go through was kept in the conversation: "try again" sends it, the form not
            // asked again.
            let again = try await connection.say(["try again"])
            let savedAgain = try #require(again.last?.reference, "\(again.last?.text ?? "")")
            connection.close()
            #expect(try await server.stop() == 0)

            let stored = try await SharedStoreTests.stored(database.url)
            #expect(Set(stored.map(\.reference)) == [saved, savedAgain])
            #expect(stored.count(where: { $0.phone.e164 == "+14705550002" }) == 1, "the retried request, once")
            let log = server.logText
            #expect(!log.contains("555 0001") && !log.contains("4705550001"), "a phone number in the log")
        }
    }
}
