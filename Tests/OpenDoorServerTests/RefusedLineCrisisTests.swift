import Foundation
import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// QA27 S2-1: a line the JSON port can't take (plain text typed there, a missing `}`, an unknown type, a key given
/// twice, `text` that isn't a string) is still checked for a crisis, and a crisis in it gets the crisis reply (988,
/// 911) with the protocol error's sentence, as a too-long line's does. Real sockets on 127.0.0.1.
@Suite("A crisis in a line the JSON port can't take is answered (QA27 S2-1)")
struct RefusedLineCrisisTests {
    static let crisis = "i want to kill myself"

    @Test(
        "the crisis reply, with what went wrong, as the first line of a chat",
        arguments: [
            ("i want to kill myself", "Each line must be one JSON object"),
            (#"{"type":"message","text":"i want to kill myself""#, "Each line must be one JSON object"),
            (#"{"type":"message","text":"i want to kill myself"} trailing"#, "Each line must be one JSON object"),
            (#"{'type':'message','text':'i want to kill myself'}"#, "Each line must be one JSON object"),
            (#"{"type":"msg","text":"i want to kill myself"}"#, #"Unknown "type""#),
            (#"{"type":"MESSAGE","text":"i want to kill myself"}"#, #"Unknown "type""#),
            (#"{"text":"i want to kill myself"}"#, #"The object needs a "type""#),
            (#"{"type":"message","text":"i want to kill myself","text":"hi"}"#, "Each line must be one JSON object"),
            (#"{"type":"message","text":["i want to kill myself"]}"#, #"A message needs "text""#),
        ])
    func crisisInRefusedLine(line: String, error: String) async throws {
        try await withServer { running in
            let client = try await running.greetedJSONClient()
            try await client.send(line + "\n")
            let reply = try await client.readJSON()
            #expect(reply.type == "reply" && reply.crisis == true, "\(line): \(reply)")
            let text = reply.text ?? ""
            #expect(text.contains("988") && text.contains("911"), "\(line): \(text)")
            #expect(text.contains(error), "the protocol error is said too: \(text)")
            // One answer per line: the next line is answered next.
            #expect(try await client.hello().type == "hello")
            await client.close()
        }
    }

    @Test(
        "a refused line with no crisis in it gets its error, as before",
        arguments: [
            ("what are your hours", "invalid_json"),
            (#"{"type":"msg","text":"what are your hours"}"#, "unknown_type"),
            (#"{"type":"message","text":"what are your hours""#, "invalid_json"),
        ])
    func plainRefusal(line: String, code: String) async throws {
        try await withServer { running in
            let client = try await running.greetedJSONClient()
            try await client.send(line + "\n")
            let error = try await client.readJSON()
            #expect(error.type == "error" && error.code == code, "\(line): \(error)")
            await client.close()
        }
    }

    /// Runs `body` with a WebSocket to a server, its greeting read; closes it after.
    static func withWebSocket(_ body: (WebSocketClient) async throws -> Void) async throws {
        var configuration = ServerConfiguration.forTests
        configuration.webSocketPort = 0
        try await withServer(configuration) { running in
            let port = try #require(try await running.server.port(for: .webSocket))
            let (_, _, socket) = try await WebSocketClient.open(port: port)
            _ = try await socket.readJSON()
            try await body(socket)
            await socket.close()
        }
    }

    @Test("a crisis typed in plain text on the WebSocket's JSON is answered there too")
    func crisisOnWebSocket() async throws {
        try await Self.withWebSocket { socket in
            try await socket.send(Array((Self.crisis + "\n").utf8))
            let reply = try await socket.readJSON()
            #expect(reply.type == "reply" && reply.crisis == true, "\(reply)")
        }
    }

    /// QA29 S1-1: a `hello` or `bye` that carries a crisis in any string member gets the crisis reply first, then
    /// its own answer; a `bye` closes only after the crisis reply is written.
    @Test(
        "a hello or bye carrying a crisis gets the crisis reply first",
        arguments: [
            (#"{"type":"hello","text":"i want to kill myself"}"#, "hello"),
            (#"{"type":"hello","message":"im going to end my life tonight"}"#, "hello"),
            (#"{"type":"bye","text":"i want to kill myself"}"#, "bye"),
            (#"{"type":"bye","reason":"i want to kill myself"}"#, "bye"),
        ])
    func crisisInHelloOrBye(line: String, then type: String) async throws {
        try await withServer { running in
            let client = try await running.greetedJSONClient()
            try await client.send(line + "\n")
            let reply = try await client.readJSON()
            #expect(reply.type == "reply" && reply.crisis == true, "\(line): \(reply)")
            #expect((reply.text ?? "").contains("988"), "\(line): \(reply)")
            let next = try await client.readJSON()
            #expect(next.type == type, "\(line): \(next)")
            if type == "bye" {
                #expect(try await client.isAtEnd(), "the bye closes, after the crisis reply")
            } else {
                #expect(try await client.hello().type == "hello", "the chat goes on")
            }
            await client.close()
        }
    }

    @Test("a plain hello and bye are answered as before")
    func plainHelloAndBye() async throws {
        try await withServer { running in
            let client = try await running.greetedJSONClient()
            try await client.send(#"{"type":"hello","text":"hi there"}"# + "\n")
            #expect(try await client.readJSON().type == "hello")
            try await client.send(#"{"type":"bye"}"# + "\n")
            #expect(try await client.readJSON().type == "bye")
            #expect(try await client.isAtEnd())
            await client.close()
        }
    }

    @Test("a bye carrying a crisis on the WebSocket: the crisis reply, then the goodbye")
    func crisisInByeOnWebSocket() async throws {
        try await Self.withWebSocket { socket in
            try await socket.send(Array((#"{"type":"bye","text":"i want to kill myself"}"# + "\n").utf8))
            let reply = try await socket.readJSON()
            #expect(reply.type == "reply" && reply.crisis == true, "\(reply)")
            #expect(try await socket.readJSON().type == "bye")
        }
    }
}
