extension Conversation {
    /// Whether `message` is "911" alone (digits and marks, no words) typed at the phone step, where it is a number tried,
    /// not a call for help to be read as thoughts of suicide (round 28, QA35 S2-4: "911" there got the suicide check-in
    /// and the request was marked "crisis in chat"). The phone step says 911 is the number to call if help is needed now
    /// (``phoneReply(_:)``). Said with words ("911 please", "call 911 hes hitting me") it is checked as always.
    func isEmergencyNumberAtPhoneStep(_ message: String) -> Bool {
        guard state == .callbackPhone, phone == nil, !message.contains(where: \.isLetter) else { return false }
        return message.filter(\.isNumber) == "911"
    }
}
