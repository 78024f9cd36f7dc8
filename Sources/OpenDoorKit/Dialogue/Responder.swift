/// Turns a matcher's decision into a reply from the knowledge: an answer, a question, or an honest
/// "I don't know" with a way to a person.
///
/// The replies an intent can give don't change while the knowledge is loaded, so they are built once,
/// when the responder is made: answering is then a lookup, not a walk over the intents.
public struct Responder: Sendable {
    /// The matcher, and through it the knowledge.
    public let matcher: Matcher
    /// The replies built from the knowledge, behind one reference: a responder is copied into every
    /// conversation and every connection's tasks, and should stay small.
    private let replies: Replies

    /// What ``Responder`` builds once from the knowledge.
    private final class Replies: Sendable {
        /// The intent that starts a callback request, if the knowledge has one.
        let handoffIntent: Intent?
        /// Each intent's answer (confidence 1), as `answer(_:confidence:)` gives it.
        let answers: [IntentID: Reply]
        /// Each intent's fallback naming it as the topic (confidence 1), as `fallback(topic:confidence:)` gives it.
        let topicFallbacks: [IntentID: Reply]
        /// The fallback with no topic (confidence 1).
        let plainFallback: Reply
        /// Each intent's action.
        let actions: [IntentID: IntentAction]
        /// Each intent's label.
        let labels: [IntentID: String]

        init(knowledge: Knowledge) {
            let handoff = knowledge.intents.first { $0.action == .handoff }
            handoffIntent = handoff

            // The same replies the rules of `answer` and `fallback` describe, built once per intent (the
            // first of an id wins, as in `Knowledge.intent(_:)`).
            let contact = knowledge.dialogue[.fallbackContact]
            let fallbackOptions = handoff.map { [$0.label] } ?? []
            plainFallback = Reply(
                text: knowledge.dialogue[.fallback] + " " + contact, intent: .fallback,
                source: knowledge.dialogue.heading, options: fallbackOptions)
            var topicFallbacks: [IntentID: Reply] = [:]
            var answers: [IntentID: Reply] = [:]
            var actions: [IntentID: IntentAction] = [:]
            var labels: [IntentID: String] = [:]
            for intent in knowledge.intents where topicFallbacks[intent.id] == nil {
                actions[intent.id] = intent.action
                labels[intent.id] = intent.label
                let topicFallback = Reply(
                    text: intent.answer + " " + contact, intent: .fallback, source: intent.heading,
                    options: fallbackOptions, topic: intent.id)
                topicFallbacks[intent.id] = topicFallback
                if intent.action == .fallback {
                    answers[intent.id] = topicFallback
                    continue
                }
                var options = intent.followUps.map { knowledge.intent($0)?.label ?? $0.rawValue }
                if options.isEmpty, intent.action == .answer, let handoff, handoff.id != intent.id {
                    options = [handoff.label]
                }
                // The center's answer, then OpenDoor's note on what the chat can't show ("our IOP program page").
                let said = Responder.withoutLinkLines(intent.answer)
                let text = intent.note.map { said + "\n\n" + $0 } ?? said
                answers[intent.id] = Reply(text: text, intent: intent.id, source: intent.heading, options: options)
            }
            self.answers = answers
            self.topicFallbacks = topicFallbacks
            self.actions = actions
            self.labels = labels
        }
    }

    /// Creates a responder.
    public init(matcher: Matcher) {
        self.matcher = matcher
        replies = Replies(knowledge: matcher.knowledge)
    }

    /// The intent that starts a callback request, if the knowledge has one.
    public var handoffIntent: Intent? { replies.handoffIntent }

    /// What the conversation does with an intent, or nil when the knowledge has no such intent.
    public func action(of id: IntentID) -> IntentAction? {
        replies.actions[id]
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
            var reply = answer(id, confidence: match.confidence)
            // "is it too late?" must not be answered "Yes." (see ``PolarOpening``): the asking part of a long message
            // decides, not a story that says "i left without a word".
            let asked = match.analysis.focus.map(TextNormalizer.words) ?? match.analysis.words
            let polar = knowledge.vocabulary.polarOpening
            // A question turned round ("am i kicked out now") keeps its own bare word; one with a condition or two
            // ways ("or do i need my parents permission") has none to keep, and a person is named for the rest.
            // A turn offered as the second of two ways ("can i come back or am i kicked out") is no question turned
            // round: the situation it names is still one the center never spoke of (QA31 S2-14).
            if polar.turnedAt(asked) == nil || polar.offersTwoWays(asked),
                let rest = polar.unspokenRest(of: reply.text, message: match.analysis.words)
            {
                // "i got kicked out, can i come back", "can i come back part time": no "Yes." the center never said;
                // what it did say, then that a person can answer the rest.
                reply.text = rest + "\n\n" + knowledge.center.fill(knowledge.dialogue[.unspokenCondition])
            } else {
                reply.text = polar.fitted(reply.text, to: asked)
            }
            if let rest = polar.questionOnlyRest(of: reply.text), match.asksNothing {
                // "i dont want to see my old counselor again": no "Possibly—but not always." to a question never asked.
                // (Whether it asks is read only for such an answer: it walks the message's clauses.)
                reply.text = rest
            }
            if let other = match.alsoAsked, !reply.options.contains(label(other)) {
                // The message asked two things: the other is one tap away.
                reply.options.insert(label(other), at: 0)
            }
            if let topic = match.alsoUnknown, let unknown = replies.topicFallbacks[topic],
                !Self.alreadySays(reply.text, unknown.text)
            {
                // …and one the knowledge doesn't answer: said honestly after the answer, with the way to a person.
                // Not when the answer already says it doesn't know ("what the center itself shares… is a question for
                // a person there": the same caveat twice in one reply, QA23 W19).
                reply.text += "\n\n" + unknown.text
            }
            return reply
        case .clarify(let first, let second):
            return Reply(
                text: knowledge.dialogue[.clarify], intent: .clarify, source: knowledge.dialogue.heading,
                confidence: match.confidence, options: [label(first), label(second)])
        case .fallback(let topic):
            return fallback(topic: topic, confidence: match.confidence)
        }
    }

    /// The reply without the bare "Yes." or "No." its answer opens with, followed by the line that a person at the
    /// center can say how it works: for a message about a situation the center's answers never speak of ("im drunk rn
    /// can i still come back tmrw"). Nil when the answer opens with no bare word.
    public func withoutPromise(_ reply: Reply) -> Reply? {
        let polar = knowledge.vocabulary.polarOpening
        guard let bare = polar.bareWords.first(where: { reply.text.hasPrefix($0 + " ") }) else { return nil }
        var reply = reply
        reply.text = String(reply.text.dropFirst(bare.count + 1)) + "\n\n"
            + knowledge.center.fill(knowledge.dialogue[.unspokenCondition])
        return reply
    }

    /// The reply without the bare "Yes." or "No." it may open with, followed (once) by the line that a person at the
    /// center can say how it works in their situation: for an answer to a message about drinking or using while
    /// coming back, which no answer of the center's speaks to.
    public func namingPerson(_ reply: Reply) -> Reply {
        var reply = withoutPromise(reply) ?? reply
        let person = knowledge.center.fill(knowledge.dialogue[.unspokenCondition])
        if !reply.text.contains(person) { reply.text += "\n\n" + person }
        return reply
    }

    /// The answer of an intent, with its follow-ups as options (or the handoff, for an answer with none);
    /// for an intent whose action is `fallback`, the fallback naming it; for an unknown id, the fallback.
    public func answer(_ id: IntentID, confidence: Double = 1) -> Reply {
        guard var reply = replies.answers[id] else { return fallback(topic: nil, confidence: 0) }
        reply.confidence = confidence
        return reply
    }

    /// The honest "I don't know", naming the topic when the knowledge knows it is one it doesn't answer;
    /// the handoff is offered as an option. The reply's ``Reply/topic`` is that topic (nil for the plain one):
    /// what the counts of fallbacks by topic are counted by.
    public func fallback(topic: IntentID?, confidence: Double) -> Reply {
        var reply = topic.flatMap { replies.topicFallbacks[$0] } ?? replies.plainFallback
        reply.confidence = confidence
        return reply
    }

    /// An answer without the lines that point to a web page ("👉 Learn how … works"): on the center's page they are
    /// links; in the chat they lead nowhere (QA23 W20). An answer that is only such lines stays as written.
    static func withoutLinkLines(_ answer: String) -> String {
        let lines = answer.split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix(linkMark) }
        guard kept.count < lines.count, kept.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        else { return answer }
        return kept.joined(separator: "\n")
    }

    /// The mark the article's link lines start with.
    static let linkMark = "👉"

    /// Whether an answer already says what an "I don't know" would add: every word of four letters or more in the
    /// "I don't know" sentence's subject ("what the center shares or with whom") is in the answer.
    static func alreadySays(_ answer: String, _ unknown: String) -> Bool {
        let first = unknown.split(separator: ".", maxSplits: 1).first.map(String.init) ?? unknown
        // The subject of the "I don't know": before ", and I don't want to guess".
        let subject = first.components(separatedBy: ",").first ?? first
        let framing: Set<String> = ["dont", "know", "have", "information", "about", "that", "want", "guess"]
        let words = Set(TextNormalizer.words(subject)).filter { $0.count >= 4 && !framing.contains($0) }
        guard words.count >= 2 else { return false }
        let said = Set(TextNormalizer.words(answer))
        return words.isSubset(of: said)
    }

    /// The label an intent is offered under.
    public func label(_ id: IntentID) -> String {
        replies.labels[id] ?? id.rawValue
    }
}
