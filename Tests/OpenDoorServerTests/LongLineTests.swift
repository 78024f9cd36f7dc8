import Foundation
import NIOCore
import OpenDoorKit
import OpenDoorTestSupport
import Testing

@testable import OpenDoorServer

/// A message over the line limit is still checked for a crisis, at its start and its end (QA16 A23): a long paste
/// ending "i have the pills in my hand" gets the crisis reply, with the too-long note after it.
@Suite("Long lines and the crisis check")
struct LongLineTests {
    static let story = String(repeating: "i went to the program for a while and then i stopped going. ", count: 20)
    static let crisis = "anyway i have a bottle of pills in my hand right now and i dont want to be here. can i come back"

    static func json(_ text: String) throws -> String {
        String(decoding: try JSONEncoder().encode(["type": "message", "text": text]), as: UTF8.self) + "\n"
    }

    @Test("JSON: a crisis at the end or the start of an over-long message gets the crisis reply and the note")
    func jsonCrisisInLongLine() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.maximumLineLength = 300
        try await withServer(configuration) { server in
            let client = try await server.greetedJSONClient()
            for text in [Self.story + Self.crisis, Self.crisis + " " + Self.story, "\u{201C}" + Self.story + Self.crisis] {
                try await client.send(try Self.json(text))
                let reply = try await client.readJSON()
                #expect(reply.crisis == true, "\(reply)")
                #expect(reply.text?.contains("988") == true)
                #expect(reply.text?.contains("under 300 bytes") == true)
            }
            // No crisis in its ends: the usual refusal, and the chat goes on.
            try await client.send(try Self.json(Self.story + Self.story))
            #expect(try await client.readJSON().code == "line_too_long")
            #expect(try await client.ask("what if i relapsed").intent == "faq_relapse")
            await client.close()
        }
    }

    @Test("text protocol: a crisis at the end of an over-long line, arriving in pieces, gets the crisis reply")
    func textCrisisInLongLine() async throws {
        var configuration = ServerConfiguration.forTests
        configuration.maximumLineLength = 300
        try await withServer(configuration) { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            let line = Self.story + Self.story + Self.crisis + "\n"
            var rest = Substring(line)
            while !rest.isEmpty {
                try await client.send(String(rest.prefix(250)))
                rest = rest.dropFirst(250)
            }
            let reply = try #require(try await client.readTextReply()).joined(separator: "\n")
            #expect(reply.contains("988"))
            #expect(reply.contains("under 300 bytes"))
            await client.close()
        }
    }

    @Test("the decoder keeps a long line's first and last bytes, bounded, whole or in pieces")
    func keptEnds() throws {
        func ends(_ chunks: [String]) throws -> [(String, String)] {
            var decoder = LineFrameDecoder(maximumLength: 4)
            var buffer = ByteBuffer()
            var out: [(String, String)] = []
            for chunk in chunks {
                buffer.writeString(chunk)
                while let frame = try decoder.decode(buffer: &buffer) {
                    if case .tooLong(let head, let tail) = frame { out.append((String(buffer: head), String(buffer: tail))) }
                }
            }
            while let frame = try decoder.decodeLast(buffer: &buffer, seenEOF: true) {
                if case .tooLong(let head, let tail) = frame { out.append((String(buffer: head), String(buffer: tail))) }
            }
            return out
        }
        #expect(try ends(["abcdefghij\n"]).map { [$0.0, $0.1] } == [["abcd", "ghij"]])
        #expect(try ends(["abc", "defgh", "ijklmn", "op\n"]).map { [$0.0, $0.1] } == [["abcd", "mnop"]])
        #expect(try ends(["abcdef"]).map { [$0.0, $0.1] } == [["abcd", "ef"]])
    }

    @Test("a JSON fragment's text: after the key in the head, before the closing quote in the tail, unescaped")
    func jsonFragments() {
        #expect(LongLine.jsonText(#"{"type":"message","text":"i \"really\" want\nto"#, isHead: true) == #"i "really" want to"#)
        #expect(LongLine.jsonText(#"ng and i want to die \u2019 \\"}"#, isHead: false) == "ng and i want to die \u{2019} \\")
    }
}

extension LongLineTests {
    @Test("a tail with the type after the text")
    func typeAfterText() {
        #expect(LongLine.jsonText(#"and i want to die","type":"message"}"#, isHead: false) == "and i want to die")
    }
}
