/// Turns a matcher's decision into a reply from the knowledge: an answer, a question, or an honest
/// "I don't know" with a way to a person.
public struct Responder: Sendable {
    /// The matcher, and through it the knowledge.
    public let matcher: Matcher

    /// Creates a responder.
    public init(matcher: Matcher) {
        self.matcher = matcher
    }

    private var knowledge: Knowledge { matcher.knowledge }

    /// The reply to a message, with what the matcher worked out.
    public func respond(to message: String) -> (reply: Reply, match: MatchResult) {
        let match = matcher.match(message)
        return (reply(for: match), match)
    }

    /// The reply for a match.
    public func reply(for match: MatchResult) -> Reply {
        switch match.decision {
        case .answer(let id):
            return answer(id, confidence: match.confidence)
        case .clarify(let first, let second):
            return Reply(
                text: knowledge.dialogue[.clarify], intent: .clarify, source: knowledge.dialogue.heading,
                confidence: match.confidence, options: [label(first), label(second)])
        case .fallback(let topic):
            return fallback(topic: topic, confidence: match.confidence)
        }
    }

    /// The answer of an intent, with its follow-ups as options.
    public func answer(_ id: IntentID, confidence: Double = 1) -> Reply {
        guard let intent = knowledge.intent(id) else { return fallback(topic: nil, confidence: 0) }
        if intent.action == .fallback { return fallback(topic: id, confidence: confidence) }
        var options = intent.followUps.map(label)
        if options.isEmpty, intent.action == .answer, let handoff = handoffIntent, handoff.id != id {
            options = [handoff.label]
        }
        return Reply(
            text: intent.answer, intent: id, source: intent.heading, confidence: confidence, options: options)
    }

    /// The honest "I don't know", naming the topic when the knowledge knows it is one it doesn't answer.
    public func fallback(topic: IntentID?, confidence: Double) -> Reply {
        let contact = knowledge.dialogue[.fallbackContact]
        let options = handoffIntent.map { [$0.label] } ?? []
        if let topic, let intent = knowledge.intent(topic) {
            return Reply(
                text: intent.answer + " " + contact, intent: .fallback, source: intent.heading,
                confidence: confidence, options: options)
        }
        return Reply(
            text: knowledge.dialogue[.fallback] + " " + contact, intent: .fallback,
            source: knowledge.dialogue.heading, confidence: confidence, options: options)
    }

    /// The label an intent is offered under.
    public func label(_ id: IntentID) -> String {
        knowledge.intent(id)?.label ?? id.rawValue
    }

    /// The intent that starts a callback request, if the knowledge has one.
    public var handoffIntent: Intent? {
        knowledge.intents.first { $0.action == .handoff }
    }
}
