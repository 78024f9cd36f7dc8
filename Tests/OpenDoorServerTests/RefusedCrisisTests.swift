import Foundation
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// A visitor in crisis is never left without the numbers: not when their lines come faster than the rate limit,
/// not when the server closes their chat in the middle of a callback request.
@Suite("Crisis over the limits")
struct RefusedCrisisTests {
    static var limited: ServerConfiguration {
        var configuration = ServerConfiguration.forTests
        configuration.messageBurst = 2
        configuration.messagesPerMinute = 1
        return configuration
    }

    @Test("a crisis line over the rate limit is still answered, and the notice gives 911, 988 and the center's number")
    func crisisOverTheLimit() async throws {
        try await withServer(Self.limited) { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            let line = #"{"type":"message","text":"i left the program in march"}"# + "\n"
            let crisis = #"{"type":"message","text":"im going to kill myself tonight"}"# + "\n"
            // A pasted message, split into lines: more than the burst, the crisis last.
            try await client.send(String(repeating: line, count: 4) + crisis)
            #expect(try await client.readJSON().type == "reply")
            #expect(try await client.readJSON().type == "reply")
            let notice = try await client.readJSON()
            #expect(notice.code == "rate_limited")
            let said = try #require(notice.message)
            #expect(said.contains("988") && said.contains("911") && said.contains(ServerFixtures.centerPhone), "\(said)")
            let answered = try await client.readJSON()
            #expect(answered.type == "reply")
            #expect(answered.crisis == true, "\(answered)")
            #expect(answered.text?.contains("988") == true)
            await client.close()
        }
    }

    @Test("the same on the text protocol (nc, telnet), where a pasted message arrives as lines")
    func crisisOverTheLimitAsText() async throws {
        try await withServer(Self.limited) { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            try await client.send(
                String(repeating: "i left the program in march\n", count: 4) + "im going to kill myself tonight\n")
            try await client.finishSending()
            let text = try await client.readToEnd()
            #expect(text.contains("faster than I can keep up"), "\(text)")
            // Once in the notice, once in the crisis reply after it.
            #expect(text.components(separatedBy: "988").count - 1 >= 2, "\(text)")
            let notice = try #require(text.range(of: "faster than I can keep up"))
            #expect(text[notice.upperBound...].contains("911"), "\(text)")
            await client.close()
        }
    }

    @Test("a flood of crisis lines is still bounded work: a few answers and one notice")
    func crisisFloodBounded() async throws {
        try await withServer(Self.limited) { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            let crisis = #"{"type":"message","text":"i want to kill myself"}"# + "\n"
            // As many as are taken at once before the connection is held (FloodTests), every one checked.
            try await client.send(String(repeating: crisis, count: 100))
            try await client.finishSending()
            let replies = try await client.readToEnd().split(separator: "\n")
            // Two in the burst, three crisis answers over it (one more each 10 s), one notice; the rest dropped.
            #expect(replies.count >= 6 && replies.count <= 10, "\(replies.count) lines came back for 100")
            #expect(replies.filter { $0.contains(#""code":"rate_limited""#) }.count == 1)
        }
    }

    @Test("closing a chat with a callback request started but not sent says it was not sent")
    func goodbyeMidForm() async throws {
        try await withServer { server in
            let client = try await server.jsonClient()
            let idle = try await server.jsonClient()
            _ = try await client.readJSON()
            _ = try await idle.readJSON()
            for message in ["i want to come back", "yes", "Zebulon", "470 555 0177", "evening", "no"] {
                try await client.send(#"{"type":"message","text":"\#(message)"}"# + "\n")
                _ = try await client.readJSON()
            }
            await server.stop()
            let bye = try await client.readJSON()
            #expect(bye.type == "bye" && bye.reason == "shutdown")
            let text = try #require(bye.text)
            #expect(text.contains("callback request wasn’t sent"), "\(text)")
            #expect(text.contains(ServerFixtures.centerPhone))
            // Someone not in a form hears the plain goodbye.
            let plain = try await idle.readJSON()
            #expect(plain.text?.contains("wasn’t sent") == false, "\(plain)")
            await client.close()
            await idle.close()
        }
    }
}
