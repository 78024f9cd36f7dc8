import OpenDoorKit

/// What the server itself says to visitors, around the conversation's own replies: every word of it is
/// the knowledge's (`dialogue.yaml`), with center facts filled in when it loaded.
enum ServerText {
    /// Said to a visitor who arrives when the chat is full, before the connection closes.
    static func busy(_ knowledge: Knowledge) -> String {
        knowledge.dialogue[.chatFull]
    }

    /// A crisis reply for a connection turned away (the chat full), which closes right after (QA22 O5): its last line,
    /// "I'm still here" and any offer of a call, is replaced by `chat_full_crisis` (the numbers, and that the chat
    /// can't stay open), and its options (a "Can someone call me?" button) are dropped.
    static func crisisWhenFull(_ reply: Reply, _ knowledge: Knowledge) -> Reply {
        var reply = reply
        reply.options = []
        let dialogue = knowledge.dialogue
        // Every variant of the last line starts alike ("I’m still here"); the reply ends with one of them.
        let closings = [dialogue[.crisisClose], dialogue[.crisisCloseOffer], dialogue[.crisisCloseOfferNumber]]
        let shared = closings.dropFirst().reduce(closings[0]) { String($0.commonPrefix(with: $1)) }
        if shared.count >= 4, let lastBreak = reply.text.range(of: "\n", options: .backwards),
            reply.text[lastBreak.upperBound...].hasPrefix(shared)
        {
            reply.text.removeSubrange(lastBreak.lowerBound...)
        }
        reply.text += "\n" + dialogue[.chatFullCrisis]
        return reply
    }

    /// Said when a JSON client sends `bye`.
    static func clientBye(_ knowledge: Knowledge) -> String {
        knowledge.dialogue[.goodbye]
    }

    /// What to say when the server ends a chat for `reason`; with a callback form open (not yet confirmed), first
    /// center.yaml's `request_not_sent`, so that nobody waits for a call that was never asked for.
    /// With a crisis told or a safety question open (`safetyOpen`), the numbers first instead, and no word that no one
    /// will call.
    static func bye(_ reason: ByeReason, _ knowledge: Knowledge, formOpen: Bool, safetyOpen: Bool = false) -> String {
        let text = bye(reason, knowledge)
        if safetyOpen, reason != .client, reason != .busy {
            return knowledge.dialogue[.closeSafety] + " " + text
        }
        guard formOpen, reason != .client, let notSent = knowledge.center.text("request_not_sent"), !notSent.isEmpty
        else { return text }
        return notSent + " " + text
    }

    /// What to say when the server ends a chat for `reason`.
    static func bye(_ reason: ByeReason, _ knowledge: Knowledge) -> String {
        switch reason {
        case .client: clientBye(knowledge)
        case .idle: knowledge.dialogue[.idleClose]
        case .lineTimeout: knowledge.dialogue[.lineTimeoutClose]
        case .shutdown: knowledge.dialogue[.shutdownClose]
        case .busy: busy(knowledge)
        }
    }

    /// `text`, then center.yaml's `key` (with its `{center.…}` filled) when the center writes one.
    static func withCenterText(_ text: String, _ key: String, _ knowledge: Knowledge) -> String {
        guard let more = knowledge.center.text(key), !more.isEmpty else { return text }
        return text + " " + more
    }

    /// Said for a line longer than `maximum` bytes. The limit is in bytes of UTF-8, which is as many letters
    /// for plain English but fewer for accented letters or emoji; the knowledge's text says so.
    static func lineTooLong(maximum: Int, _ knowledge: Knowledge) -> String {
        knowledge.dialogue[.lineTooLong].replacingOccurrences(of: "{limit}", with: "\(maximum)")
    }
}
