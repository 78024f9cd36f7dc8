/// The keys of OpenDoor's own messages in `dialogue.yaml`; each must be written there.
public enum DialogueKey: String, Sendable, Hashable, CaseIterable {
    case welcome
    case fallback
    case fallbackContact = "fallback_contact"
    case clarify
    case callbackOffer = "callback_offer"
    case callbackConsent = "callback_consent"
    case callbackDeclined = "callback_declined"
    case askName = "ask_name"
    case askPhone = "ask_phone"
    case phoneInvalid = "phone_invalid"
    case phoneGiveUp = "phone_give_up"
    case askTime = "ask_time"
    case timeInvalid = "time_invalid"
    case askVoicemail = "ask_voicemail"
    case voicemailInvalid = "voicemail_invalid"
    case summary
    case confirmInvalid = "confirm_invalid"
    case saved
    case saveFailed = "save_failed"
    case cancelled
    case resume
    case crisisCheckIn = "crisis_check_in"
    case empty
    case goodbye
}

/// OpenDoor's own messages, with center facts filled in.
public struct DialogueText: Sendable {
    /// The heading replies in OpenDoor's own words name as their source.
    public var heading: String
    /// Intents offered as options with the welcome.
    public var welcomeOptions: [IntentID]
    /// Every message by key.
    public var messages: [DialogueKey: String]

    /// Creates the messages.
    public init(heading: String, welcomeOptions: [IntentID], messages: [DialogueKey: String]) {
        self.heading = heading
        self.welcomeOptions = welcomeOptions
        self.messages = messages
    }

    /// The message for a key (the loader guarantees every key is present).
    public subscript(key: DialogueKey) -> String {
        messages[key] ?? ""
    }
}
