import OpenDoorKit

/// What the server itself says to visitors, around the conversation's own replies: every word of it is
/// the knowledge's (`dialogue.yaml`), with center facts filled in when it loaded.
enum ServerText {
    /// Said to a visitor who arrives when the chat is full, before the connection closes.
    static func busy(_ knowledge: Knowledge) -> String {
        knowledge.dialogue[.chatFull]
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
