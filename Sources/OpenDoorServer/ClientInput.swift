import Foundation

/// What one line from a client asks for.
enum ClientInput: Hashable, Sendable {
    /// A message for the conversation (control characters already removed).
    case message(String)
    /// JSON `{"type":"hello"}`: the client asks what the server allows.
    case hello
    /// JSON `{"type":"bye"}`: the client is leaving.
    case bye
    /// A blank line in the JSON protocol, which is skipped without an answer.
    case blank
    /// A line that can't be taken; the client is told why.
    case invalid(ProtocolError)

    /// Reads a line (already valid UTF-8, without its line break) in the given protocol.
    static func parse(_ line: String, as chatProtocol: ChatProtocol) -> ClientInput {
        switch chatProtocol {
        case .text:
            return .message(VisitorText.clean(line))
        case .jsonLines:
            return parseJSON(line)
        }
    }

    private static func parseJSON(_ line: String) -> ClientInput {
        if isBlank(line) { return .blank }
        // The usual `{"type":"message","text":"…"}` is read directly; anything else goes to `JSONDecoder`.
        if let flat = FlatJSONObject(line) {
            let input = interpret(ClientObject(type: flat["type"], text: flat["text"]))
            assert(input == decodeJSON(line), "FlatJSONObject differs from JSONDecoder for \(line)")
            return input
        }
        return decodeJSON(line)
    }

    /// Whether every character of `line` is whitespace.
    ///
    /// A printable ASCII character other than space is never whitespace, nor part of a character that
    /// starts with whitespace, so a line with one is not blank: a JSON object's `{` answers at once
    /// without walking the line character by character.
    static func isBlank(_ line: String) -> Bool {
        if line.utf8.contains(where: { (0x21...0x7E).contains($0) }) { return false }
        return line.allSatisfy(\.isWhitespace)
    }

    private static func decodeJSON(_ line: String) -> ClientInput {
        guard let object = try? JSONDecoder().decode(ClientObject.self, from: Data(line.utf8)) else {
            return .invalid(.invalidJSON)
        }
        return interpret(object)
    }

    private static func interpret(_ object: ClientObject) -> ClientInput {
        switch object.type {
        case "message":
            guard let text = object.text else { return .invalid(.missingText) }
            return .message(VisitorText.clean(text))
        case "hello":
            return .hello
        case "bye":
            return .bye
        default:
            return .invalid(.unknownType(object.type))
        }
    }
}

/// A JSON-lines object as a client sends it; fields of the wrong kind read as missing.
private struct ClientObject: Decodable {
    var type: String?
    var text: String?

    enum CodingKeys: String, CodingKey {
        case type, text
    }

    init(type: String?, text: String?) {
        self.type = type
        self.text = text
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try? container.decode(String.self, forKey: .type)
        text = try? container.decode(String.self, forKey: .text)
    }
}
