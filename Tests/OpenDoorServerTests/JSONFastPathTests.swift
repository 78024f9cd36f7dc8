import Foundation
import NIOCore
import OpenDoorKit
import Testing

@testable import OpenDoorServer

/// The hand-written JSON paths against Foundation's, which they stand in for on every message.
@Suite("JSON fast paths")
struct JSONFastPathTests {
    /// Strings with characters to escape at every offset around the eight-byte words the writer skips.
    static let awkwardStrings: [String] = {
        var strings = ["", "plain", "é", "a\"b", "back\\slash", "tab\there", "\u{1}", "line\nbreak", "end\\"]
        for special in ["\"", "\\", "\n", "\u{1F}", "\u{7F}", "é", "💬"] {
            for offset in 0..<18 {
                strings.append(
                    String(repeating: "x", count: offset) + special + String(repeating: "y", count: 17 - offset))
            }
        }
        return strings
    }()

    @Test("strings are escaped as JSONEncoder escapes them", arguments: awkwardStrings)
    func escaping(string: String) throws {
        var buffer = ByteBuffer()
        JSONReplyWriter.writeString(string, into: &buffer)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = String(decoding: try encoder.encode(string), as: UTF8.self)
        #expect(String(buffer: buffer) == expected)
    }

    @Test("a reply is written as JSONEncoder writes it")
    func reply() throws {
        let reply = Reply(
            text: "Call \"us\"\nany time\\", intent: "faq_cost", source: "Cost", confidence: 0.8033026456832886,
            options: ["One", "Two \u{1}"], state: .open, crisis: false)
        var buffer = ByteBuffer()
        ServerOutput.reply(reply).write(for: .jsonLines, into: &buffer)
        let line = String(buffer: buffer)
        #expect(line.hasSuffix("}\n"))
        #expect(
            line.hasPrefix(
                #"{"confidence":0.8033026456832886,"crisis":false,"intent":"faq_cost","options":["One","Two \u0001"]"#))
        for confidence in [0, 1, 0.5, 1e-7] {
            var other = reply
            other.confidence = confidence
            var buffer = ByteBuffer()
            // Debug builds compare with JSONEncoder inside; exponents fall back to JSONEncoder.
            ServerOutput.reply(other).write(for: .jsonLines, into: &buffer)
            let object = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
            #expect((object?["confidence"] as? Double) == confidence)
        }
    }

    @Test(
        "lines are read as JSON objects, strictly",
        arguments: [
            ("", ClientInput.blank),
            ("   \t", .blank),
            ("\u{3000}", .blank),
            (#"{"type":"message","text":"hi there"}"#, .message("hi there")),
            (#" { "text" : "x" , "type" : "message" } "#, .message("x")),
            (#"{"type":"message","text":"caf\u00e9"}"#, .message("café")),
            (#"{"type":"message","text":"café"}"#, .message("café")),
            (#"{"type":"hello"}"#, .hello),
            (#"{"type":"bye","text":"x"}"#, .bye),
            (#"{"type":"message"}"#, .invalid(.missingText)),
            (#"{"type":"message","text":1}"#, .invalid(.missingText)),
            (#"{"type":"nope","text":"a"}"#, .invalid(.unknownType)),
            (#"{"type":"\u202Enope\u0007"}"#, .invalid(.unknownType)),
            (#"{"text":"a"}"#, .invalid(.missingType)),
            (#"{"type":7,"text":"a"}"#, .invalid(.missingType)),
            (#"{"type":"message","text":"a","n":[1,-2.5e3,{"x":null},true,false,0]}"#, .message("a")),
            (#"{"type":"message","text":"\ud83d\udcac \"q\" \\ \/ \t"}"#, .message("💬 \"q\" \\ /  ")),
            ("not json", .invalid(.invalidJSON)),
            // What Foundation's JSONDecoder lets through, and JSON does not.
            (#"{"type":"message","text":"a",}"#, .invalid(.invalidJSON)),
            (#"{"type":"message","text":"a","n":01}"#, .invalid(.invalidJSON)),
            (#"{"type":"message","text":"a","n":[1,]}"#, .invalid(.invalidJSON)),
            (#"{"type":"message","text":"a","n":1.}"#, .invalid(.invalidJSON)),
            (#"{"type":"message","text":"a","n":-}"#, .invalid(.invalidJSON)),
            (#"{"type":"message","text":"a","type":"bye"}"#, .invalid(.invalidJSON)),
            // A key given twice after the first two (the reader keeps those two apart from the rest).
            (#"{"a":1,"b":2,"c":3,"type":"message","c":4,"text":"a"}"#, .invalid(.invalidJSON)),
            (#"{"a":1,"b":2,"c":3,"type":"message","d":4,"text":"a"}"#, .message("a")),
            (#"{"a":1,"type":"message","b":2,"text":"a","text":"b"}"#, .invalid(.invalidJSON)),
            (#"{"type":"message","text":"\ud800"}"#, .invalid(.invalidJSON)),
            (#"{"type":"message","text":"\x"}"#, .invalid(.invalidJSON)),
            ("{\"type\":\"message\",\"text\":\"tab\there\"}", .invalid(.invalidJSON)),
            (#"{"type":"message","text":"a"} {}"#, .invalid(.invalidJSON)),
            (#"{"type":"message","text":"a","n":"# + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}",
                .invalid(.invalidJSON)),
        ] as [(String, ClientInput)]
    )
    func reading(line: String, expected: ClientInput) {
        #expect(ClientInput.parse(line, as: .jsonLines) == expected)
    }

    @Test(
        "control characters are found in UTF-8, C1 included",
        arguments: [
            ("hello", false), ("é and 💬", false), ("\u{7F}", true), ("a\u{85}b", true), ("\u{9F}", true),
            ("\u{A0}", false),
            ("\u{1B}[A", true),
        ])
    func controls(text: String, expected: Bool) {
        #expect(VisitorText.hasControl(text) == expected)
    }
}
