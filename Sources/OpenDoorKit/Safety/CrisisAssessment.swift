/// What the crisis check found in one message: which crisis, how clearly, and which rule said so.
///
/// Deliberately holds no text from the message, so it can be logged, counted and stored.
public struct CrisisAssessment: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The crisis the message points to; its replies are `CrisisDetector.reply(for:)` and `checkIn(for:)`.
    public var category: CrisisCategory
    /// The full crisis reply, or the check-in question.
    public var level: SafetyLevel
    /// The rule that matched, for logs and for tuning `Knowledge/safety.yaml`.
    public var ruleID: SafetyRuleID
    /// Why the level is lower than the rule's own, when it is (e.g. the crisis is told as history).
    public var note: String?

    /// Creates an assessment.
    public init(category: CrisisCategory, level: SafetyLevel = .crisis, ruleID: SafetyRuleID, note: String? = nil) {
        self.category = category
        self.level = level
        self.ruleID = ruleID
        self.note = note
    }

    /// `category level (rule)`, plus the note when there is one.
    public var description: String {
        "\(category) \(level) (\(ruleID))" + (note.map { " — \($0)" } ?? "")
    }
}
