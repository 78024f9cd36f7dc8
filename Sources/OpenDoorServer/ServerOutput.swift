import Foundation
import NIOCore
import OpenDoorKit

/// Why the server ends a chat, as the JSON protocol's `bye` names it.
enum ByeReason: String, Sendable, Hashable {
    /// The client sent `{"type":"bye"}`.
    case client
    /// The visitor sent nothing for the idle timeout.
    case idle
    /// A line took longer than the line timeout to arrive whole (a client trickling bytes); the part that
    /// came is dropped unanswered.
    case lineTimeout = "line_timeout"
    /// The server is shutting down.
    case shutdown
    /// The server already has as many visitors as it allows.
    case busy
}

/// One thing the server sends, before it is written in a protocol.
enum ServerOutput: Sendable {
    /// A reply from the conversation.
    case reply(Reply)
    /// A line that could not be taken.
    case error(ProtocolError)
    /// The answer to the JSON `hello`: the protocol version and the limits.
    case hello(ServerConfiguration)
    /// The last thing said before the server closes the connection.
    case bye(ByeReason, text: String)

    /// Appends the output as the protocol writes it, line break(s) included, to `buffer`.
    ///
    /// Text: the reply's text (blank lines inside it removed, so that a blank line always ends a reply),
    /// options as `  1. …`, then a blank line. JSON: one object and `\n`.
    func write(for chatProtocol: ChatProtocol, into buffer: inout ByteBuffer) {
        switch chatProtocol {
        case .text: writeTextLines(into: &buffer)
        case .jsonLines, .webSocket: writeJSONLine(into: &buffer)
        }
    }

    private func writeTextLines(into buffer: inout ByteBuffer) {
        // Every line ends with a line break, and one more ends the reply (two when it has no lines).
        var lines = 0
        func writeParagraphs(_ text: String) {
            for line in text.split(separator: "\n", omittingEmptySubsequences: true)
            where !line.allSatisfy(\.isWhitespace) {
                buffer.writeSubstring(line)
                buffer.writeInteger(UInt8(ascii: "\n"))
                lines += 1
            }
        }
        switch self {
        case .reply(let reply):
            writeParagraphs(reply.text)
            for (number, option) in reply.options.enumerated() {
                buffer.writeString("  \(number + 1). ")
                buffer.writeString(option)
                buffer.writeInteger(UInt8(ascii: "\n"))
                lines += 1
            }
        case .error(let error):
            writeParagraphs(error.message)
        case .hello:
            buffer.writeString("OpenDoor chat, text protocol.\n")
            lines += 1
        case .bye(_, let text):
            writeParagraphs(text)
        }
        if lines == 0 { buffer.writeInteger(UInt8(ascii: "\n")) }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    private func writeJSONLine(into buffer: inout ByteBuffer) {
        // Replies, one per message, are written by hand; debug builds check each against `JSONEncoder`.
        if case .reply(let reply) = self {
            let start = buffer.writerIndex
            if JSONReplyWriter.write(reply, into: &buffer) {
                assert(
                    buffer.getString(at: start, length: buffer.writerIndex - start) == encodedLine,
                    "JSONReplyWriter differs from JSONEncoder: \(String(buffer: buffer))")
                return
            }
        }
        buffer.writeString(encodedLine)
    }

    private var encodedLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data?
        switch self {
        case .reply(let reply):
            data = try? encoder.encode(ReplyObject(reply))
        case .error(let error):
            data = try? encoder.encode(ErrorObject(code: error.code.description, message: error.message))
        case .hello(let configuration):
            data = try? encoder.encode(HelloObject(configuration))
        case .bye(let reason, let text):
            data = try? encoder.encode(ByeObject(reason: reason.rawValue, text: text))
        }
        // Encoding strings, numbers and booleans does not fail; the fallback keeps the one-line promise.
        return (data.map { String(decoding: $0, as: UTF8.self) } ?? #"{"type":"error","code":"internal"}"#) + "\n"
    }
}

/// `{"type":"reply","text","intent","source","confidence","options","state","crisis"}`.
private struct ReplyObject: Encodable {
    var type = "reply"
    var text: String
    var intent: String
    var source: String
    var confidence: Double
    var options: [String]
    var state: String
    var crisis: Bool

    init(_ reply: Reply) {
        text = reply.text
        intent = reply.intent.rawValue
        source = reply.source
        confidence = reply.confidence
        options = reply.options
        state = reply.state.rawValue
        crisis = reply.crisis
    }
}

/// `{"type":"error","code","message"}`.
private struct ErrorObject: Encodable {
    var type = "error"
    var code: String
    var message: String
}

/// `{"type":"hello","version",…limits}`.
private struct HelloObject: Encodable {
    var type = "hello"
    var version = 1
    var maxLineBytes: Int
    var idleTimeoutSeconds: Int64
    var maxConnections: Int
    var messageBurst: Int
    var messagesPerMinute: Int

    init(_ configuration: ServerConfiguration) {
        maxLineBytes = configuration.maximumLineLength
        idleTimeoutSeconds = configuration.idleTimeout.components.seconds
        maxConnections = configuration.maximumConnections
        messageBurst = configuration.messageBurst
        messagesPerMinute = configuration.messagesPerMinute
    }
}

/// `{"type":"bye","reason","text"}`.
private struct ByeObject: Encodable {
    var type = "bye"
    var reason: String
    var text: String
}
