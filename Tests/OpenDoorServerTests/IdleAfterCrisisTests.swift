import Foundation
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// Going quiet after a crisis reply, or with a safety question unanswered: the server's goodbye gives 988 and 911
/// first, and never says first that no one will call (QA16 A24).
@Suite("Goodbye after a crisis")
struct IdleAfterCrisisTests {
    static var quick: ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        // Long enough that a busy machine answers every line well within it; the tests send their lines at once.
        configuration.idleTimeout = .seconds(5)
        return configuration
    }

    @Test("idle after a crisis reply in the middle of a callback request: the numbers, not 'no one will call you'")
    func idleAfterCrisisMidForm() async throws {
        try await withServer(Self.quick) { server in
            // Every line is sent at once, as soon as the client connects (on the thread that connected): the idle
            // time counts from the last line answered, so no pause of a busy machine between the test's own steps
            // can look like the visitor going quiet. (Connecting, then sending from the test's task, left a gap the
            // size of a wait for the cooperative pool, seconds under load: the server said goodbye first.)
            let messages = ["can someone call me", "yes", "skip", "470 555 0123", "i dont want to be here anymore"]
            let client = try await server.jsonClient(
                sending: messages.map { #"{"type":"message","text":"\#($0)"}"# + "\n" }.joined())
            _ = try await client.readJSON()
            for _ in messages { _ = try await client.readJSON() }
            let bye = try await client.readJSON()
            #expect(bye.type == "bye" && bye.reason == "idle")
            let text = try #require(bye.text)
            #expect(text.hasPrefix("If you’re in danger, call 911"), "\(text)")
            #expect(text.contains("988"), "\(text)")
            #expect(!text.contains("no one will call you"), "\(text)")
            await client.close()
        }
    }

    @Test("idle with a check-in unanswered, on the text protocol: 988 in the goodbye")
    func idleAfterCheckIn() async throws {
        try await withServer(Self.quick) { server in
            let client = try await server.textClient(sending: "honestly whats the point\n")
            _ = try await client.readTextReply()
            _ = try await client.readTextReply()
            let goodbye = try #require(try await client.readTextReply())
            let text = goodbye.joined(separator: "\n")
            #expect(text.contains("988") && text.contains("911"), "\(text)")
            #expect(text.contains("quiet for a while"), "\(text)")
            await client.close()
        }
    }
}
