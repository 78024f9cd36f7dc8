import OpenDoorKit

/// What the server itself says to visitors, around the conversation's own replies.
///
/// Only what the knowledge has no words for lives here; goodbyes end with the knowledge's own
/// `goodbye` message, and the busy message names the center's phone number from `center.yaml`.
enum ServerText {
    /// Said to a visitor who arrives when the chat is full, before the connection closes.
    static func busy(_ knowledge: Knowledge) -> String {
        "Sorry, the chat is full right now. Please try again in a few minutes, or call \(knowledge.center.phone) "
            + "to talk with someone at the center."
    }

    /// Said before closing a chat the visitor left idle.
    static func idle(_ knowledge: Knowledge) -> String {
        "It’s been quiet for a while, so I’m closing this chat. " + knowledge.dialogue[.goodbye]
    }

    /// Said to everyone connected when the server shuts down.
    static func shutdown(_ knowledge: Knowledge) -> String {
        "I have to close this chat now because the service is restarting. " + knowledge.dialogue[.goodbye]
    }

    /// Said when a JSON client sends `bye`.
    static func clientBye(_ knowledge: Knowledge) -> String {
        knowledge.dialogue[.goodbye]
    }

    /// What to say when the server ends a chat for `reason`.
    static func bye(_ reason: ByeReason, _ knowledge: Knowledge) -> String {
        switch reason {
        case .client: clientBye(knowledge)
        case .idle: idle(knowledge)
        case .shutdown: shutdown(knowledge)
        case .busy: busy(knowledge)
        }
    }
}
