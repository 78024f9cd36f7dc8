/// Where a conversation is: answering questions, or at one step of a callback request.
public enum ConversationState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Answering questions.
    case open
    /// Asked whether the visitor wants a callback.
    case callbackConsent = "callback_consent"
    /// Asking for a name or nickname (optional).
    case callbackName = "callback_name"
    /// Asking for the phone number.
    case callbackPhone = "callback_phone"
    /// Asking for the best time to call.
    case callbackTime = "callback_time"
    /// Asking whether a voicemail may name the center.
    case callbackVoicemail = "callback_voicemail"
    /// Read back the request; waiting for the visitor to confirm.
    case callbackConfirm = "callback_confirm"
    /// The visitor said goodbye.
    case ended

    /// Whether the conversation is in the middle of a callback request.
    public var isCollectingCallback: Bool {
        switch self {
        case .callbackConsent, .callbackName, .callbackPhone, .callbackTime, .callbackVoicemail, .callbackConfirm:
            true
        case .open, .ended:
            false
        }
    }
}
