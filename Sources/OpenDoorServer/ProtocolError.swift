import OpenDoorKit

/// Why a client's line could not be taken, as sent back to the client (`{"type":"error","code",…}` or a
/// line of text). The connection stays open after every one of these.
struct ProtocolError: Error, Hashable, Sendable {
    /// The kind of problem, with its name on the wire.
    struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum _Code: String, Hashable, Sendable {
            case lineTooLong = "line_too_long"
            case invalidUTF8 = "invalid_utf8"
            case invalidJSON = "invalid_json"
            case unknownType = "unknown_type"
            case missingText = "missing_text"
            case rateLimited = "rate_limited"
        }

        private var code: _Code

        private init(_ code: _Code) {
            self.code = code
        }

        /// The code as the JSON protocol sends it, like `line_too_long`.
        var description: String { code.rawValue }

        /// The line was longer than the maximum.
        static let lineTooLong = Code(.lineTooLong)
        /// The line was not UTF-8.
        static let invalidUTF8 = Code(.invalidUTF8)
        /// The line was not a JSON object.
        static let invalidJSON = Code(.invalidJSON)
        /// The object's `type` was missing or not one the server knows.
        static let unknownType = Code(.unknownType)
        /// A `message` had no `text` string.
        static let missingText = Code(.missingText)
        /// The connection sent lines faster than its rate limit.
        static let rateLimited = Code(.rateLimited)
    }

    /// The kind of problem.
    let code: Code
    /// What the client reads: what went wrong and what to send instead. What a visitor can cause by typing
    /// (too long, not UTF-8, too fast) is the knowledge's; the JSON protocol's errors are for programmers.
    let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A line longer than `maximum` bytes, refused in the knowledge's words.
    static func lineTooLong(maximum: Int, _ knowledge: Knowledge) -> Self {
        Self(.lineTooLong, ServerText.lineTooLong(maximum: maximum, knowledge))
    }

    /// A line that is not UTF-8, refused in the knowledge's words.
    static func invalidUTF8(_ knowledge: Knowledge) -> Self {
        Self(.invalidUTF8, knowledge.dialogue[.unreadableLine])
    }

    /// A JSON-lines line that is not a JSON object.
    static let invalidJSON = Self(
        .invalidJSON, #"Each line must be one JSON object, like {"type":"message","text":"hello"}."#)

    /// A JSON object with no `type` string.
    static let missingType = Self(.unknownType, #"The object needs a "type": "message", "hello" or "bye"."#)

    /// A JSON object whose `type` the server doesn't know. The type is not repeated back: it is the client's
    /// text, and could hold anything (control characters, bidirectional overrides, a phone number).
    static let unknownType = Self(.unknownType, #"Unknown "type": use "message", "hello" or "bye"."#)

    /// A `message` object with no `text` string.
    static let missingText = Self(
        .missingText, #"A message needs "text" with a string, like {"type":"message","text":"hello"}."#)

    /// A line over the connection's rate limit, refused in the knowledge's words: `too_fast`, then center.yaml's
    /// `too_fast_help` (the numbers to call: whoever is flooding may be pasting a message in distress).
    static func rateLimited(_ knowledge: Knowledge) -> Self {
        Self(.rateLimited, ServerText.withCenterText(knowledge.dialogue[.tooFast], "too_fast_help", knowledge))
    }
}
