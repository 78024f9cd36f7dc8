import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

@Suite("Text protocol")
struct TextProtocolTests {
    @Test("The greeting arrives on connect, before the visitor types anything")
    func greeting() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            let greeting = try #require(try await client.readTextReply())
            #expect(greeting.first?.contains("automated assistant") == true)
            #expect(greeting.contains { $0.hasPrefix("  1. ") })
            #expect(greeting.contains { $0.hasPrefix("  4. ") })
            await client.close()
        }
    }

    @Test("A question is answered in text lines, options numbered, then a blank line")
    func questionAnswered() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            try await client.send("what if i relapsed\n")
            let reply = try #require(try await client.readTextReply())
            #expect(reply.first?.contains("Relapse") == true)
            #expect(reply.last?.hasPrefix("  1. ") == true)
            await client.close()
        }
    }

    @Test("Blank lines are skipped without an answer, as on the JSON port (QA18 O2)")
    func blankLinesSkipped() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            // Empty, spaces, a tab, a bare CR, a control character alone: before, each got a whole reply.
            try await client.send("\n   \n\t\n\r\u{7}\nwhat if i relapsed\n")
            let reply = try #require(try await client.readTextReply())
            #expect(reply.first?.contains("Relapse") == true, "the first reply answers the message: \(reply)")
            await client.close()
        }
    }

    @Test("A client that half-closes after its lines (nc -q1) gets every reply, then the end")
    func halfClose() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            try await client.send("what if i relapsed\r\ncan i come back\n")
            try await client.finishSending()
            let transcript = try await client.readToEnd()
            let replies = transcript.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(replies.count == 3, "greeting and two answers: \(transcript)")
            #expect(replies.dropFirst().first?.contains("Relapse") == true)
            await client.close()
        }
    }

    @Test("A last line without a line break is still answered")
    func lastLineWithoutBreak() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            try await client.send("what if i relapsed")
            try await client.finishSending()
            let reply = try #require(try await client.readTextReply())
            #expect(reply.first?.contains("Relapse") == true)
            #expect(try await client.isAtEnd())
            await client.close()
        }
    }

    @Test("Control characters and arrow keys are removed, not answered as text")
    func controlCharacters() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            try await client.send("what if i\u{07} rel\u{1B}[Dapsed\u{00}\n")
            let reply = try #require(try await client.readTextReply())
            #expect(reply.first?.contains("Relapse") == true)
            await client.close()
        }
    }

    @Test("Invalid UTF-8 gets a plain explanation and the chat goes on")
    func invalidUTF8() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            try await client.send(bytes: [0x68, 0xFF, 0xFE, 0x69, 0x0A])
            let error = try #require(try await client.readTextReply())
            #expect(error.first?.contains("UTF-8") == true)
            try await client.send("what if i relapsed\n")
            #expect(try await client.readTextReply()?.first?.contains("Relapse") == true)
            await client.close()
        }
    }
}
