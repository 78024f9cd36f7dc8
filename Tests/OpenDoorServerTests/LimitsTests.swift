import Foundation
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import Testing

@Suite("Limits")
struct LimitsTests {
    @Test("A line over the maximum gets one error, arriving whole or in pieces, and the chat goes on")
    func oversizeLine() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.maximumLineLength = 200
        try await withServer(configuration) { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()

            // Whole, with its line break: the frame decoder's buffer limit alone would let this through.
            let long = #"{"type":"message","text":""# + String(repeating: "a", count: 300) + #""}"#
            try await client.send(long + "\n")
            #expect(try await client.readJSON().code == "line_too_long")

            // In pieces, far longer than the maximum before its line break comes.
            for _ in 0..<5 { try await client.send(String(repeating: "b", count: 150)) }
            try await client.send("\r\n")
            #expect(try await client.readJSON().code == "line_too_long")

            try await client.send(#"{"type":"message","text":"what if i relapsed"}"# + "\n")
            let reply = try await client.readJSON()
            #expect(reply.intent == "faq_relapse", "exactly one error per long line, then the next line")
            await client.close()
        }
    }

    @Test("Invalid UTF-8 gets an error and the connection stays usable")
    func invalidUTF8() async throws {
        try await withServer { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            try await client.send(
                bytes: Array(#"{"type":"message","text":"ab"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8) + [0x0A])
            #expect(try await client.readJSON().code == "invalid_utf8")
            try await client.send(#"{"type":"message","text":"what if i relapsed"}"# + "\n")
            #expect(try await client.readJSON().intent == "faq_relapse")
            await client.close()
        }
    }

    @Test("Past the connection limit a visitor is told the chat is busy, given the phone number, and closed")
    func connectionLimit() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.maximumConnections = 1
        try await withServer(configuration) { server in
            let first = try await server.textClient()
            _ = try await first.readTextReply()

            let second = try await server.jsonClient()
            let busy = try await second.readJSON()
            #expect(busy.type == "bye")
            #expect(busy.reason == "busy")
            #expect(busy.text?.contains(ServerFixtures.centerPhone) == true)
            #expect(try await second.isAtEnd())
            await second.close()

            let third = try await server.textClient()
            let refusal = try await third.readToEnd()
            #expect(refusal.contains("busy") || refusal.contains("full"))
            #expect(refusal.contains(ServerFixtures.centerPhone))
            await third.close()

            // Once the first visitor leaves, there is room again: its slot is freed right after it logs its
            // close, so a try or two after that line is admitted.
            await first.close()
            _ = await server.logs.line(containing: "connection closed")
            var admitted = false
            while !admitted {
                let next = try await server.jsonClient()
                admitted = try await next.readJSON().type == "reply"
                await next.close()
            }
            #expect(admitted)
            #expect(server.logs.all.contains { $0.contains("chat full") })
        }
    }

    @Test("An idle visitor is told goodbye, then the connection closes")
    func idleTimeout() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.idleTimeout = .milliseconds(400)
        try await withServer(configuration) { server in
            let text = try await server.textClient()
            let json = try await server.jsonClient()
            _ = try await text.readTextReply()
            _ = try await json.readJSON()

            let goodbye = try #require(try await text.readTextReply())
            #expect(goodbye.first?.contains("quiet for a while") == true)
            #expect(try await text.isAtEnd())

            let bye = try await json.readJSON()
            #expect(bye.type == "bye")
            #expect(bye.reason == "idle")
            #expect(try await json.isAtEnd())
            await text.close()
            await json.close()
        }
    }

    // Activity keeping a connection open is checked on an embedded channel (TimeoutTests), where the clock
    // moves only when the test moves it; here, over TCP, only what doesn't depend on how busy the machine is.

    @Test(
        "Slowloris: a client trickling bytes without a line break is told goodbye and closed",
        arguments: [(idle: 1, line: 600), (idle: 600, line: 1)])
    func trickle(timeouts: (idle: Int, line: Int)) async throws {
        var configuration = ServerConfiguration.forTests
        configuration.idleTimeout = .seconds(timeouts.idle)
        configuration.lineTimeout = .seconds(timeouts.line)
        try await withServer(configuration) { server in
            // Bytes every 50 ms, never a line break: before, each byte reset the idle timer and the connection
            // stayed open for as long as the client liked.
            let lines = try await TestClient.trickle(
                port: server.jsonPort, bytes: Array(#"{"type":"message","text":"hi"#.utf8), every: 0.05, limit: 60)
            let bye = try #require(lines.last)
            let reason = timeouts.line < timeouts.idle ? "line_timeout" : "idle"
            #expect(bye.contains(#""type":"bye""#) && bye.contains(#""reason":"\#(reason)""#), "\(bye)")
            // The part of the line that came is dropped, not answered as a message: the greeting, then goodbye.
            #expect(lines.count == 2, "\(lines)")
        }
    }

    @Test(
        "Blank, refused and hello lines are not messages: they don't keep a connection open",
        arguments: [(json: false, line: "\n"), (json: true, line: "\n"), (json: true, line: "x\n"),
                    (json: true, line: #"{"type":"hello"}"# + "\n")])
    func notMessages(_ client: (json: Bool, line: String)) async throws {
        var configuration = ServerConfiguration.forTests
        configuration.idleTimeout = .seconds(1)
        configuration.lineTimeout = .seconds(600)
        // Not the rate limit: 20 lines a second stay within it, so only the idle timeout can end the chat (before,
        // the text protocol answered each blank line, and the answers kept the chat open for good).
        configuration.messageBurst = 10_000
        configuration.messagesPerMinute = 60_000
        try await withServer(configuration) { server in
            // A byte every 50 ms: before, each blank line, refusal or hello reset the idle timer, so 100 such
            // clients kept the chat full for as long as they liked.
            let lines = try await TestClient.trickle(
                port: client.json ? server.jsonPort : server.textPort, bytes: Array(client.line.utf8), every: 0.05,
                limit: 30)
            // JSON: the last line is the bye; text: the goodbye's words, then the blank line that ends every reply.
            let bye = try #require(client.json ? lines.last : lines.last { !$0.isEmpty })
            #expect(client.json ? bye.contains(#""reason":"idle""#) : bye.contains("quiet for a while"), "\(lines)")
        }
    }

    @Test("Lines past the rate limit get an error and are not answered")
    func rateLimit() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.messageBurst = 2
        configuration.messagesPerMinute = 1
        try await withServer(configuration) { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            let line = #"{"type":"message","text":"what if i relapsed"}"# + "\n"
            try await client.send(line + line + line)
            #expect(try await client.readJSON().type == "reply")
            #expect(try await client.readJSON().type == "reply")
            let limited = try await client.readJSON()
            #expect(limited.type == "error")
            #expect(limited.code == "rate_limited")
            await client.close()
        }
    }

    @Test("A flood past the rate limit gets one notice per run of refused lines, not a reply per line")
    func floodReplies() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.messageBurst = 2
        configuration.messagesPerMinute = 1
        try await withServer(configuration) { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            let message = #"{"type":"message","text":"what if i relapsed"}"# + "\n"
            let garbage = "not json\n"
            // 100 lines: past the burst, as many as are taken at once before the connection is held (FloodTests).
            try await client.send(String(repeating: message + garbage, count: 50))
            try await client.finishSending()
            let replies = try await client.readToEnd().split(separator: "\n")
            #expect(replies.count == 3, "one answer, one invalid_json error and one notice for 100 lines: \(replies.count) lines came back")
            #expect(replies.filter { $0.contains(#""code":"rate_limited""#) }.count == 1)
        }
    }

    @Test("A flood of refused lines is logged as a summary, not line by line")
    func floodLogging() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.messageBurst = 2
        configuration.messagesPerMinute = 1
        var logs: LogRecorder?
        try await withServer(configuration) { server in
            logs = server.logs
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            let line = #"{"type":"hello"}"# + "\n"
            try await client.send(String(repeating: line, count: 100))
            // The client's end of input: the server answers what it will, then closes.
            try await client.finishSending()
            let replies = try await client.readToEnd().split(separator: "\n")
            #expect(replies.count == 3, "two hellos answered, one rate_limited notice, the rest dropped: \(replies.count)")
            #expect(replies.last?.contains(#""code":"rate_limited""#) == true)
            await client.close()
        }
        // withServer has waited for the server to stop, so the connection has logged all it will.
        let lines = try #require(logs).all
        let summaries = lines.filter { $0.contains("lines refused") }
        #expect(summaries.count == 2, "one line at the first refusal, one with the rest when the server stopped: \(summaries)")
        #expect(summaries.first?.contains("codes=rate_limited") == true)
        #expect(summaries.last?.contains("total=98") == true, "\(summaries)")
        #expect(lines.contains { $0.contains("connection closed") && $0.contains("refused=98") })
    }

    @Test("Refused lines on many connections are one summary a minute server-wide, not a notice per connection (QA29 S2-6)")
    func churnLogging() async throws {
        var logs: LogRecorder?
        try await withServer { server in
            logs = server.logs
            for _ in 0..<20 {
                let client = try await server.greetedJSONClient()
                try await client.send("not json\n")
                #expect(try await client.readJSON().code == "invalid_json")
                await client.close()
            }
            #expect(server.logs.all.count { $0.contains("lines refused") } == 1, "the first refusal only, in the minute")
        }
        let summaries = try #require(logs).all.filter { $0.contains("lines refused") }
        #expect(summaries.count == 2, "the first, and the rest counted when the server stopped: \(summaries)")
        #expect(summaries.last?.contains("count=19") == true && summaries.last?.contains("total=20") == true, "\(summaries)")
        #expect(summaries.allSatisfy { $0.contains("protocol=json") }, "\(summaries)")
    }

    @Test("Under a flood of connections, opening and closing are logged one by one only up to the budget")
    func connectionFloodLogging() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.connectionLogBudget = 2
        var logs: LogRecorder?
        try await withServer(configuration) { server in
            logs = server.logs
            for _ in 0..<10 {
                let client = try await server.jsonClient()
                _ = try await client.readJSON()
                await client.close()
            }
        }
        // withServer has waited for the server to stop, which logs what is still only counted.
        let lines = try #require(logs).all
        #expect(lines.count { $0.hasPrefix("info connection opened") } == 2)
        #expect(lines.count { $0.hasPrefix("info connection closed") } == 2)
        let summaries = lines.filter { $0.hasPrefix("notice connections not logged one by one") }
        func total(_ key: String) -> Int {
            summaries.reduce(0) { sum, line in
                let field = line.split(separator: " ").first { $0.hasPrefix(key + "=") }
                return sum + (field.flatMap { Int($0.dropFirst(key.count + 1)) } ?? 0)
            }
        }
        #expect(summaries.count == 2, "one at the first connection past the budget, one when the server stopped")
        #expect(total("opened") == 8)
        #expect(total("closed") == 8)
        #expect(summaries.last?.contains("opened_total=8") == true && summaries.last?.contains("closed_total=8") == true,
                "the last summary's totals agree: \(summaries)")
    }
}
