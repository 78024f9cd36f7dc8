import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// A crisis hidden by invisible characters or written in "fancy font" letters gets the crisis reply on both ports
/// (QA20 O2: `k<U+FE00>ill`, `k<U+3164>ill`, mathematical bold and `p<U+180E>ills` got the IOP answer or "I don't
/// have an answer for that").
@Suite("Hidden crises over the socket")
struct HiddenCrisisTests {
    static let messages = [
        "i want to k\u{FE00}ill myself",
        "i want to k\u{3164}ill myself",
        "i want to k\u{FFF9}ill myself",
        "i took all my p\u{180E}ills",
        "\u{1D422} \u{1D430}\u{1D41A}\u{1D427}\u{1D42D} \u{1D42D}\u{1D428} \u{1D424}\u{1D422}\u{1D425}\u{1D425} "
            + "\u{1D426}\u{1D432}\u{1D42C}\u{1D41E}\u{1D425}\u{1D41F}",
        "i want to ⓚⓘⓛⓛ myself",
    ]

    @Test("JSON port: the crisis reply", arguments: messages)
    func jsonPort(message: String) async throws {
        try await withServer { server in
            let client = try await server.greetedJSONClient()
            // None of these characters needs escaping in a JSON string.
            try await client.send(#"{"type":"message","text":""# + message + #""}"# + "\n")
            let reply = try await client.readJSON()
            #expect(reply.type == "reply" && reply.crisis == true, "\(message.unicodeScalars.map(\.value)): \(reply)")
            await client.close()
        }
    }

    @Test("text port: the crisis reply", arguments: messages)
    func textPort(message: String) async throws {
        try await withServer { server in
            let client = try await server.textClient()
            _ = try await client.readTextReply()
            try await client.send(message + "\n")
            let reply = try #require(try await client.readTextReply()).joined(separator: "\n")
            #expect(reply.contains("988"), "\(message.unicodeScalars.map(\.value)): \(reply)")
            await client.close()
        }
    }
}
