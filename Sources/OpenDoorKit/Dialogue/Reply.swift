import Foundation

/// One reply to a visitor: the object every way in (terminal, socket, web) shows or sends.
///
/// As JSON: `{"text", "intent", "source", "confidence", "options", "state", "crisis"}`, and `safety` for a crisis
/// reply or check-in. `intent` is an intent id, or `fallback`, `clarify`, `crisis`, `crisis_check` or `welcome` for
/// OpenDoor's own replies;
/// `source` names the knowledge heading the text came from. ``topic`` is not in the JSON: it is for counting on
/// the server, and clients (the widget, the socket protocols) never see it.
public struct Reply: Sendable, Hashable, Codable {
    /// What the visitor reads; paragraphs are separated by newlines.
    public var text: String
    /// Which intent the reply answers.
    public var intent: IntentID
    /// The heading of the knowledge the text came from.
    public var source: String
    /// How sure the matcher was, from 0 to 1 (1 for replies that involve no guess).
    public var confidence: Double
    /// Suggested next messages, shown as buttons or numbered choices.
    public var options: [String]
    /// The conversation's state after this reply.
    public var state: ConversationState
    /// Whether this is a crisis reply or a safety check-in (both give 988).
    public var crisis: Bool
    /// For a crisis reply or a check-in: the category, level and rule behind it (never the visitor's words).
    public var safety: CrisisAssessment?
    /// For an honest fallback, the topic the knowledge knows it doesn't answer (an `action: fallback` intent of
    /// unknown.yaml like `insurance`, or the intent the matcher placed the question near); nil for the plain
    /// fallback and every other reply. Set where the fallback is chosen (``Responder/fallback(topic:confidence:)``)
    /// and counted by; never sent to clients.
    public var topic: IntentID?

    /// The keys clients see; ``topic`` stays on the server.
    private enum CodingKeys: String, CodingKey {
        case text, intent, source, confidence, options, state, crisis, safety
    }

    /// Creates a reply.
    public init(
        text: String, intent: IntentID, source: String, confidence: Double = 1, options: [String] = [],
        state: ConversationState = .open, crisis: Bool = false, safety: CrisisAssessment? = nil,
        topic: IntentID? = nil
    ) {
        self.safety = safety
        self.topic = topic
        self.text = text
        self.intent = intent
        self.source = source
        self.confidence = confidence
        self.options = options
        self.state = state
        self.crisis = crisis
    }
}

extension Reply {
    /// For staff (`chat --explain`): the reply's intent, confidence, source and state on one line, like
    /// `[faq_rejoin · 0.82 · Can I come back? · open]`.
    public var explanation: String {
        String(format: "[%@ · %.2f · %@ · %@]", intent.rawValue, confidence, source, state.rawValue)
    }
}
