/// Checks every visitor message for a crisis before anything else sees it.
///
/// Built once from `SafetyRules` (the patterns are compiled into an index then); `assess` costs a
/// few microseconds, so it runs on every message. It keeps no state between messages and never
/// stores what the visitor wrote.
public struct CrisisDetector: Sendable {
    /// The rules this detector was built from.
    public let rules: SafetyRules
    private let index: SafetyIndex
    private let replies: [CrisisCategory: String]

    /// Compiles the rules.
    public init(rules: SafetyRules) {
        self.rules = rules
        self.index = SafetyIndex(rules: rules)
        var replies: [CrisisCategory: String] = [:]
        for category in rules.categories { replies[category.id] = category.reply }
        self.replies = replies
    }

    /// The crisis `message` points to, or nil when it doesn't.
    ///
    /// When a message matches several categories, the first in the file wins.
    public func assess(_ message: String) -> CrisisAssessment? {
        index.evaluate(message, checkDenial: false).crisis
    }

    /// Whether `message` says "I'm not in crisis, you misunderstood" ("no i'm fine", "jk").
    ///
    /// The denial's own words are set aside and the rest is checked for a crisis:
    /// "i'm not going to kill myself" is a denial, "jk i want to die" is not. Meant for the
    /// message after a crisis reply; `assess` still flags both.
    public func isDenial(_ message: String) -> Bool {
        index.evaluate(message, checkDenial: true).denial
    }

    /// The reply template for `category`, with `{center.name}` and `{center.phone}` left for the caller.
    public func reply(for category: CrisisCategory) -> String {
        replies[category] ?? Self.fallbackReply
    }

    /// Used only if rules were built without a category, which the loader doesn't allow.
    static let fallbackReply = """
        Call or text 988 (Suicide & Crisis Lifeline) now, any hour. If you are in immediate danger \
        or someone may have overdosed, call 911.
        SAMHSA National Helpline: 1-800-662-4357. {center.name}: {center.phone}.
        I'm still here, and I can ask {center.name} to call you back.
        """
}
