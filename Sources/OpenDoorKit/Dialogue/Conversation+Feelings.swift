/// Answers fitted to what the visitor told rather than asked (QA21 W5, W9, W19): a statement is not answered "Yes.",
/// feeling alone is heard as a hurt, and a death told is met with a word of sorrow before the center's copy.
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
        // QA34 S3-2: "my sister took her own life in 2020 and group really helped me through it": sorrow, then the help
        // heard as help through a loss, never "That's good to hear" of it.
        let glad = dialogue[.fallbackGlad]
        let text = reply.text.hasPrefix(glad) ? dialogue[.fallbackGladAfterLoss] + reply.text.dropFirst(glad.count) : reply.text
        noted.text = dialogue[.griefNote] + "\n\n" + withoutPresumedThoughts(text)
        return noted
    }

    /// The center's copy without the opening lines that tell the visitor what they thought ("You told yourself it
    /// didn't help…"): after a loss told, they would tell a grieving person what they thought (QA36 S3-1). The rest of
    /// the copy is kept as written; a copy of one line is kept whole.
    private func withoutPresumedThoughts(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        while lines.count > 1, let first = lines.first, answers.contains(String(first), .presumedThoughts) {
            lines.removeFirst()
        }
        return lines.joined(separator: "\n")
    }

    /// The honest medication answer with Poison Control only when the message tells of too much or a dose taken twice
    /// ("how much tylenol is too much", "i took my meds twice by accident"): a routine question about a medication
    /// ("can i get suboxone there", "will my meds be the same") gets no overdose line (QA36 S3-6).
    func withPoisonControl(_ reply: Reply, _ decision: MatchDecision, text: String) -> Reply {
        guard decision == .answer(Self.medicationIntent) || decision == .fallback(topic: Self.medicationIntent),
            !reply.crisis, answers.contains(text, .amountTaken)
        else { return reply }
        var noted = reply
        noted.text += (reply.text.hasSuffix("\n") ? "" : " ") + dialogue[.medicationPoisonControl]
        return noted
    }

    /// Instead of a fallback, the words for a visitor who says they feel alone or uncared for ("i just feel like
    /// nobody cares", "no one gives a damn about me"): a hurt heard, with 988 for when it gets heavy and the way to a
    /// person, rather than the line for a complaint about the chat. Anger at the center ("nobody there cares
    /// anyway") has other words and keeps its reply.
    func lonelyHeard(_ reply: Reply, _ decision: MatchDecision, text: String) -> Reply {
        guard case .fallback = decision, !reply.crisis, answers.contains(text, .lonelyTold) else { return reply }
        var heard = reply
        heard.text = dialogue[.lonelyHeard] + " " + dialogue[.fallbackContact]
        return heard
    }
}
