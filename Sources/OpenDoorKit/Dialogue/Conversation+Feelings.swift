/// Answers fitted to what the visitor told rather than asked (QA21 W5, W19): a statement is not answered "Yes.", and
/// a death told is met with a word of sorrow before the center's copy.
extension Conversation {
    /// The answer without a bare "Yes." or "No." opening when the message asks nothing ("this program is a joke. you
    /// people kicked me out basically"): a bare yes would agree with whatever was said. The answer's next sentence
    /// says the same without it.
    func toldNotAsked(_ reply: Reply, _ decision: MatchDecision, text: String) -> Reply {
        guard case .answer(let id) = decision, responder.action(of: id) == .answer,
            let bare = assistant.knowledge.vocabulary.polarOpening.bareWords.first(where: {
                reply.text.hasPrefix($0 + " ")
            }),
            !looksLikeQuestion(text), !MessageParts.asks(Substring(text))
        else { return reply }
        var told = reply
        told.text = String(reply.text.dropFirst(bare.count + 1))
        return told
    }

    /// The reply with "I’m so sorry for your loss." before it when the message tells of the death of someone close
    /// ("my husband died in august and i stopped going to group… is it too late?"). Not before a safety reply, nor
    /// before the fallback that already acknowledges a hard thing said.
    func withGriefNote(_ reply: Reply, text: String) -> Reply {
        guard !reply.crisis, reply.intent != .crisis, reply.intent != .crisisCheck,
            !reply.text.hasPrefix(dialogue[.fallbackFeeling]), answers.contains(text, .griefTold)
        else { return reply }
        var noted = reply
        noted.text = dialogue[.griefNote] + "\n\n" + reply.text
        return noted
    }
}
