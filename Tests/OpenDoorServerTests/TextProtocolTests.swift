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

    @Test("telnet: Ctrl-C clears the line and its DO TIMING-MARK is refused; option offers are refused; the next line is read (QA19 O6)")
    func telnetCommands() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            // A half-typed line, then what netkit telnet sends for Ctrl-C (IAC IP IAC DO TIMING-MARK), then a crisis.
            try await client.send(bytes: Array("i want to ki".utf8) + [0xFF, 0xF4, 0xFF, 0xFD, 0x06])
            try await client.send("i want to kill myself\r\n")
            let crisis = try #require(try await client.readTextReply())
            // IAC WONT TIMING-MARK (FF FC 06) first, read here as two replacement characters and the option byte.
            #expect(crisis.first?.hasPrefix("\u{FFFD}\u{FFFD}\u{06}") == true, "\(crisis)")
            #expect(crisis.joined(separator: "\n").contains("988"), "\(crisis)")
            #expect(!crisis.joined().contains("UTF-8"))
            // A line that starts with IAC WILL TTYPE IAC WILL NAWS: both refused (IAC DONT …), the question answered.
            try await client.send(bytes: [0xFF, 0xFB, 0x18, 0xFF, 0xFB, 0x1F] + Array("what if i relapsed\r\n".utf8))
            let answer = try #require(try await client.readTextReply())
            #expect(answer.first?.hasPrefix(String(repeating: "\u{FFFD}\u{FFFD}\u{18}\u{FFFD}\u{FFFD}\u{1F}", count: 1)) == true)
            #expect(answer.first?.contains("Relapse") == true, "\(answer)")
            // Erase character and IAC IAC (a 0xFF byte, which is not text): the line is refused as not UTF-8.
            try await client.send(bytes: Array("hellox".utf8) + [0xFF, 0xF7, 0xFF, 0xFF] + Array("\r\n".utf8))
            let refused = try #require(try await client.readTextReply())
            #expect(refused.joined().contains("UTF-8"), "\(refused)")
            await client.close()
        }
    }

    @Test("JSON port: a 0xFF byte is not a telnet command there, the line is refused as not UTF-8")
    func telnetBytesOnJSONPort() async throws {
        try await withServer { server in
            let client = try await server.greetedJSONClient()
            try await client.send(bytes: [0xFF, 0xFB, 0x18] + Array(#"{"type":"message","text":"hi"}"#.utf8) + [0x0A])
            #expect(try await client.readJSON().code == "invalid_utf8")
            await client.close()
        }
    }

    @Test("A line that isn't UTF-8 but reads as a crisis where it can be read gets the crisis reply and the request")
    func crisisInInvalidUTF8() async throws {
        try await withServer { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            try await client.send(bytes: Array("i want to kill myself ".utf8) + [0xC3, 0x28] + Array("\n".utf8))
            let reply = try #require(try await client.readTextReply()).joined(separator: "\n")
            #expect(reply.contains("988") && reply.contains("UTF-8"), "\(reply)")
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
            // Not 0xFF: on the text port that starts a telnet command (`FF FE 69` is IAC DONT, taken out).
            try await client.send(bytes: [0x68, 0xFE, 0xC3, 0x28, 0x69, 0x0A])
            let error = try #require(try await client.readTextReply())
            #expect(error.first?.contains("UTF-8") == true)
            try await client.send("what if i relapsed\n")
            #expect(try await client.readTextReply()?.first?.contains("Relapse") == true)
            await client.close()
        }
    }
}
