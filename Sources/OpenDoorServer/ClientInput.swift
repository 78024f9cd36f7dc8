/// What one line from a client asks for.
enum ClientInput: Hashable, Sendable {
    /// A message for the conversation (control characters already removed).
    case message(String)
    /// JSON `{"type":"hello"}`: the client asks what the server allows.
    case hello
    /// JSON `{"type":"bye"}`: the client is leaving.
    case bye
    /// A blank line (only whitespace once control characters are removed), skipped without an answer.
    case blank
    /// A line that can't be taken; the client is told why.
    case invalid(ProtocolError)

    /// Reads a line (already valid UTF-8, without its line break) in the given protocol.
    static func parse(_ line: String, as chatProtocol: ChatProtocol) -> ClientInput {
        switch chatProtocol {
        case .text:
            let text = VisitorText.clean(line)
            return isBlank(text) ? .blank : .message(text)
        case .jsonLines, .webSocket:
            return parseJSON(line)
        }
    }

    private static func parseJSON(_ line: String) -> ClientInput {
        if isBlank(line) { return .blank }
        guard let fields = JSONLineReader.typeAndText(line) else { return .invalid(.invalidJSON) }
        return interpret(type: fields.type, text: fields.text)
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

    /// What an object with these string fields asks for; fields of another kind count as missing.
    private static func interpret(type: String?, text: String?) -> ClientInput {
        switch type {
        case "message":
            guard let text else { return .invalid(.missingText) }
            return .message(VisitorText.clean(text))
        case "hello":
            return .hello
        case "bye":
            return .bye
        default:
            return .invalid(type == nil ? .missingType : .unknownType)
        }
    }
}
