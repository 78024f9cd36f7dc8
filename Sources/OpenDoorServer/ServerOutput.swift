import Foundation
import OpenDoorKit

/// Why the server ends a chat, as the JSON protocol's `bye` names it.
enum ByeReason: String, Sendable, Hashable {
    /// The client sent `{"type":"bye"}`.
    case client
    /// The visitor sent nothing for the idle timeout.
    case idle
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

    /// The output as the protocol writes it, line break(s) included.
    ///
    /// Text: the reply's text (blank lines inside it removed, so that a blank line always ends a reply),
    /// options as `  1. …`, then a blank line. JSON: one object and `\n`.
    func rendered(for chatProtocol: ChatProtocol) -> String {
        switch chatProtocol {
        case .text: textLines
        case .jsonLines: jsonLine
        }
    }

    private var textLines: String {
        var lines: [String] = []
        switch self {
        case .reply(let reply):
            lines = Self.paragraphLines(reply.text)
            for (number, option) in reply.options.enumerated() {
                lines.append("  \(number + 1). \(option)")
            }
        case .error(let error):
            lines = Self.paragraphLines(error.message)
        case .hello:
            lines = ["OpenDoor chat, text protocol."]
        case .bye(_, let text):
            lines = Self.paragraphLines(text)
        }
        return lines.joined(separator: "\n") + "\n\n"
    }

    private static func paragraphLines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.allSatisfy(\.isWhitespace) }
            .map(String.init)
    }

    private var jsonLine: String {
        // Replies, one per message, are written by hand; debug builds check each against `JSONEncoder`.
        if case .reply(let reply) = self, let line = JSONReplyWriter.line(for: reply) {
            assert(line.utf8.elementsEqual(encodedLine.utf8), "JSONReplyWriter differs from JSONEncoder: \(line)")
            return line
        }
        return encodedLine
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
