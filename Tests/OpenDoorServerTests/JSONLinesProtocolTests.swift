import Foundation
import OpenDoorKit
import OpenDoorServer
import OpenDoorTestSupport
import Testing

@Suite("JSON-lines protocol")
struct JSONLinesProtocolTests {
    @Test("The greeting is the first object, sent on connect")
    func greeting() async throws {
        try await withServer { server in
            let client = try await server.jsonClient()
            let greeting = try await client.readJSON()
            #expect(greeting.type == "reply")
            #expect(greeting.intent == "welcome")
            #expect(greeting.state == "open")
            #expect(greeting.crisis == false)
            #expect(greeting.options?.count == 4)
            #expect(greeting.source == "OpenDoor")
            await client.close()
        }
    }

    @Test("A message gets exactly one reply, with its intent")
    func questionAnswered() async throws {
        try await withServer { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            try await client.send(#"{"type":"message","text":"what if i relapsed"}"# + "\n")
            let reply = try await client.readJSON()
            #expect(reply.type == "reply")
            #expect(reply.intent == "faq_relapse")
            #expect((reply.confidence ?? 0) > 0)
            try await client.send(#"{"type":"hello"}"# + "\n")
            let hello = try await client.readJSON()
            #expect(hello.type == "hello", "the next object answers the next line, not a second reply")
            #expect(hello.version == 1)
            #expect(hello.maxLineBytes == ServerConfiguration().maximumLineLength)
            await client.close()
        }
    }

    @Test(
        "Bad input gets an error with a code, and the connection stays usable",
        arguments: [
            ("this is not json", "invalid_json"),
            ("[1, 2, 3]", "invalid_json"),
            (#"{"type":"message","text":"unterminated"#, "invalid_json"),
            (#"{"text":"no type"}"#, "unknown_type"),
            (#"{"type":"shout","text":"hi"}"#, "unknown_type"),
            (#"{"type":"message"}"#, "missing_text"),
            (#"{"type":"message","text":42}"#, "missing_text"),
        ])
    func badInput(line: String, code: String) async throws {
        try await withServer { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            try await client.send(line + "\n")
            let error = try await client.readJSON()
            #expect(error.type == "error")
            #expect(error.code == code)
            #expect(error.message?.isEmpty == false)
            try await client.send(#"{"type":"message","text":"what if i relapsed"}"# + "\n")
            #expect(try await client.readJSON().intent == "faq_relapse")
            await client.close()
        }
    }

    @Test("A callback request completed over JSON is in the store, and the logs hold no text or number")
    func callbackRequest() async throws {
        let store = InMemoryCallbackStore()
        try await withServer(store: store) { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            let messages = ["i want to come back", "yes", "Zebulon", "470 555 0177", "evening", "no", "yes"]
            var last: ServerLine?
            for message in messages {
                try await client.send(#"{"type":"message","text":"\#(message)"}"# + "\n")
                last = try await client.readJSON()
            }
            let saved = try #require(last)
            #expect(saved.intent == "callback")
            #expect(saved.state == "open")
            #expect(saved.text?.contains("reference") == true)
            let requests = try await store.list(status: nil)
            #expect(requests.count == 1)
            #expect(requests.first?.channel == .socket)
            #expect(requests.first?.name == "Zebulon")
            await client.close()

            // A reply is logged after it is written: the close line, the connection's last, says every one is.
            _ = await server.logs.line(containing: "connection closed")
            let logs = server.logs.all.joined(separator: "\n")
            #expect(logs.contains("reply"))
            #expect(logs.contains("intent=callback"))
            #expect(!logs.contains("Zebulon"))
            #expect(!logs.contains("0177"))
            #expect(!logs.contains("come back"))
        }
    }

    @Test(
        "A crisis after “Sent.” over a socket gets the crisis reply and marks the request, as before it (QA31 S2-1)",
        arguments: [
            (
                [
                    "i want to come back", "yes", "Zebulon", "470 555 0177", "evening", "no", "yes",
                    "thanks. tell them not to bother if i dont pick up, i have a plan for tonight",
                ], 6, 7
            ),
            (
                [
                    "i want to come back", "yes", "Zebulon", "i want to die", "470 555 0177", "evening", "no",
                    "yes send it",
                ],
                7, 3
            ),
        ])
    func crisisAfterSent(messages: [String], sent: Int, crisis: Int) async throws {
        let store = InMemoryCallbackStore()
        let watched = MarkWatchingStore(store)
        try await withServer(store: store, observe: { _ in watched }) { server in
            let client = try await server.greetedJSONClient()
            var replies: [ServerLine] = []
            for message in messages {
                try await client.send(#"{"type":"message","text":"\#(message)"}"# + "\n")
                replies.append(try await client.readJSON())
            }
            #expect(replies[sent].text?.contains("reference") == true, "\(replies[sent].text ?? "")")
            #expect(replies[crisis].text?.contains("988") == true, "\(replies[crisis].text ?? "")")
            await client.close()
            // A crisis after "Sent." marks the request in a task the reply waits for at most a second: read the
            // store once the mark has finished. A crisis before sending is saved with the request: no mark.
            if crisis > sent { #expect(await watched.marksFinished() == 1) }
            let requests = try await store.list(status: nil)
            #expect(requests.count == 1)
            #expect(requests.first?.crisisInChat == true)
            #expect(watched.marks == (crisis > sent ? 1 : 0))
            // The close line is the connection's last: the logs are read whole.
            _ = await server.logs.line(containing: "connection closed")
            let logs = server.logs.all.joined(separator: "\n")
            #expect(!logs.contains("plan for tonight") && !logs.contains("want to die") && !logs.contains("0177"))
        }
    }

    @Test(
        "Lines sent in one write are answered in order, one reply each, a saved request included; a half-close after them still gets every reply"
    )
    func pipelinedLines() async throws {
        let store = InMemoryCallbackStore()
        try await withServer(store: store) { server in
            let client = try await server.greetedJSONClient()
            let messages = ["i want to come back", "yes", "Zebulon", "470 555 0177", "evening", "no", "yes"]
            let long = String(repeating: "what if i relapsed ", count: 40)
            var lines = messages.map { #"{"type":"message","text":"\#($0)"}"# + "\n" }
            // A long message is answered off the event loop, a confirmation after the save: neither overtakes.
            lines.append(#"{"type":"message","text":"\#(long)"}"# + "\n")
            lines.append(#"{"type":"hello"}"# + "\n")
            try await client.send(lines.joined())
            try await client.finishSending()
            var replies: [ServerLine] = []
            for _ in 0..<(messages.count + 2) { replies.append(try await client.readJSON()) }
            #expect(replies.prefix(messages.count).allSatisfy { $0.type == "reply" })
            #expect(replies[messages.count - 1].text?.contains("reference") == true)
            #expect(replies[messages.count].type == "reply")
            #expect(replies[messages.count + 1].type == "hello")
            #expect(try await client.isAtEnd())
            #expect(try await store.list(status: nil).count == 1)
            await client.close()
        }
    }

    @Test("Each reply is logged at debug; the connection's replies and latencies are summed up at info")
    func replyLogging() async throws {
        try await withServer { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            for message in ["what if i relapsed", "are you a real person"] {
                try await client.send(#"{"type":"message","text":"\#(message)"}"# + "\n")
                _ = try await client.readJSON()
            }
            await client.close()
            // The close line is the connection's last: once it is logged, every reply line is too.
            let closed = await server.logs.line(containing: "connection closed")
            let replies = server.logs.all.filter { $0.contains(" reply ") }
            #expect(replies.count == 2)
            #expect(
                replies.allSatisfy {
                    $0.hasPrefix("debug reply ") && $0.contains("latency_ms=") && $0.contains("intent=")
                })
            #expect(closed.hasPrefix("info connection closed"))
            #expect(closed.contains("replies=2"))
            #expect(closed.contains("latency_ms_avg="))
            #expect(closed.contains("latency_ms_max="))
            #expect(!closed.contains("relapse"))
        }
    }

    @Test("A client's bye is answered with bye, then the server closes")
    func bye() async throws {
        try await withServer { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            try await client.send(#"{"type":"bye"}"# + "\n")
            let bye = try await client.readJSON()
            #expect(bye.type == "bye")
            #expect(bye.reason == "client")
            #expect(try await client.isAtEnd())
            await client.close()
        }
    }

    @Test("Blank lines are skipped; control characters inside text are removed")
    func blankLinesAndControls() async throws {
        try await withServer { server in
            let client = try await server.jsonClient()
            _ = try await client.readJSON()
            try await client.send("\n   \n" + #"{"type":"message","text":"what if i\u0007 relapsed\u001b[A"}"# + "\n")
            let reply = try await client.readJSON()
            #expect(reply.intent == "faq_relapse")
            await client.close()
        }
    }
}
