/// The name of an intent in the knowledge, checked when the knowledge loads.
public struct IntentID: RawRepresentable, Hashable, Comparable, Sendable, Codable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    /// The id as written in the knowledge files, e.g. `faq_relapse`.
    public var rawValue: String

    /// Creates an id from its written form.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Creates an id from a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The intent every reply names when nothing in the knowledge fits.
    public static let fallback: IntentID = "fallback"
    /// The crisis reply's intent.
    public static let crisis: IntentID = "crisis"
    /// The safety check-in's intent: a direct question, with 988, when a message is worrying but not explicit.
    public static let crisisCheck: IntentID = "crisis_check"
    /// A reply that asks which of two intents was meant.
    public static let clarify: IntentID = "clarify"
    /// A step of the callback request.
    public static let callback: IntentID = "callback"
    /// The conversation's opening words.
    public static let welcome: IntentID = "welcome"
    /// Our own answer to someone asking whether to call the center for another person ("should i call for my son or
    /// does he have to call himself"): anyone can call.
    public static let callForSomeoneElse: IntentID = "call_for_someone_else"
    /// Our own answer to someone asking whether another person may call for them ("can my mom call for me").
    public static let callForMe: IntentID = "call_for_me"
    /// Our own answer to a request to drop or show the assistant's instructions.
    public static let instructions: IntentID = "instructions"
    /// Our own answer to a question about one person on the staff: a question for the center.
    public static let staffPerson: IntentID = "staff_person"
    /// Our own answer to "what is 988", from what the crisis replies say of it.
    public static let crisisLine: IntentID = "crisis_line"
    /// Our own answer to a question about the street address or a distance: not known here.
    public static let address: IntentID = "address"

    public var description: String { rawValue }

    public static func < (lhs: IntentID, rhs: IntentID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What the conversation does when an intent is recognised.
public enum IntentAction: String, Sendable, Hashable, CaseIterable {
    /// Reply with the intent's answer.
    case answer
    /// Reply, then offer to start a callback request.
    case handoff
    /// Reply and end the conversation.
    case goodbye
    /// A topic the knowledge deliberately doesn't answer: reply honestly that we don't know.
    case fallback
}

/// Where something was written in the knowledge files.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file, relative to the knowledge folder.
    public var file: String
    /// The 1-based line, when known.
    public var line: Int?

    /// Creates a location.
    public init(file: String, line: Int?) {
        self.file = file
        self.line = line
    }

    public var description: String { line.map { "\(file):\($0)" } ?? file }
}

/// One thing a visitor may want, with the answer the knowledge gives and the ways people ask for it.
public struct Intent: Sendable, Identifiable {
    /// The intent's id.
    public var id: IntentID
    /// The heading of the knowledge the answer comes from: every reply names it as its source.
    public var heading: String
    /// A short label used when the intent is offered as an option; the heading by default.
    public var label: String
    /// The answer, with center facts filled in.
    public var answer: String
    /// What the conversation does with it.
    public var action: IntentAction
    /// How visitors ask for it, as written in the knowledge.
    public var examples: [String]
    /// Where each example was written, parallel to `examples`.
    public var exampleLocations: [SourceLocation]
    /// Intents offered as next steps after this answer.
    public var followUps: [IntentID]
    /// OpenDoor's own words said after the center's answer, when the answer points at something the chat can't show
    /// ("visit our IOP program page"): written in the knowledge as `note`.
    public var note: String?
    /// Where the intent was written.
    public var location: SourceLocation

    /// Creates an intent.
    public init(
        id: IntentID, heading: String, label: String? = nil, answer: String, action: IntentAction = .answer,
        examples: [String], exampleLocations: [SourceLocation]? = nil, followUps: [IntentID] = [],
        location: SourceLocation = SourceLocation(file: "<memory>", line: nil), note: String? = nil
    ) {
        self.id = id
        self.heading = heading
        self.label = label ?? heading
        self.answer = answer
        self.action = action
        self.examples = examples
        self.exampleLocations = exampleLocations ?? examples.map { _ in location }
        self.followUps = followUps
        self.location = location
        self.note = note
    }
}
