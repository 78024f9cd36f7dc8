/// What the crisis check found in one message: which crisis, and which rule said so.
///
/// Deliberately holds no text from the message, so it can be logged and stored.
public struct CrisisAssessment: Sendable, Hashable, CustomStringConvertible {
    /// The crisis the message points to; its reply is `CrisisDetector.reply(for:)`.
    public var category: CrisisCategory
    /// The rule that matched, for logs and for tuning `Knowledge/safety.yaml`.
    public var ruleID: SafetyRuleID

    /// Creates an assessment.
    public init(category: CrisisCategory, ruleID: SafetyRuleID) {
        self.category = category
        self.ruleID = ruleID
    }

    /// `category (rule)`.
    public var description: String { "\(category) (\(ruleID))" }
}
