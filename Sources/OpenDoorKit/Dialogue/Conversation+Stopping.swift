/// Stopping a substance asked about as safe or not ("im pregnant, is it safe to quit opiates cold turkey", "can i come
/// back? is it safe to stop drinking on my own first"): a medical question that a doctor or the center must answer
/// (QA31 S1-2). The article's "Yes. It's more common than you think…" read as "yes, it is safe".
extension Conversation {
    /// The honest detox reply (the medication reply when the matcher already read a medication question), with the
    /// other question the message asked ("can i come back?") one tap away. Nil when the message asks no such thing.
    mutating func stoppingAsked(_ text: String, _ result: MatchResult) -> Reply? {
        guard answers.contains(text, .stopSubstance), answers.contains(text, .asksSafe) else { return nil }
        let medical: Set<IntentID> = [Self.detoxIntent, Self.medicationIntent]
        let decided: IntentID? =
            switch result.decision {
            case .answer(let id): id
            case .fallback(let topic): topic
            case .clarify: nil
            }
        let topic =
            decided.flatMap { medical.contains($0) ? $0 : nil }
            ?? (answers.contains(text, .prescribedMed) ? Self.medicationIntent : Self.detoxIntent)
        guard assistant.knowledge.intent(topic) != nil else { return nil }
        (lastAsked, lastTopic) = (nil, nil)
        var reply = withContactLine(assistant.knowledge.intent(topic)?.answer.trimmingWhitespace() ?? "")
        reply.topic = topic
        if case .answer(let other) = result.decision, !medical.contains(other),
            assistant.responder.action(of: other) == .answer
        {
            // The rest of the message ("can i come back?"): its answer is one tap away, its "Yes." never beside this.
            reply.options.insert(assistant.responder.label(other), at: 0)
        }
        return reply
    }
}
