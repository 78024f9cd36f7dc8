/// How strongly a message points to a crisis, and so which reply it gets.
///
/// Ordered: `check < crisis`, so the stronger of two findings is their `max`.
public enum SafetyLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable, CustomStringConvertible {
    /// Worrying but not explicit (hopelessness, a passive wish to be gone, someone else vaguely unwell):
    /// a short direct question that gives 988 in the same reply.
    case check
    /// Clear danger: the full crisis reply (988, 911, SAMHSA, the center).
    case crisis

    /// `check` or `crisis`, as in the eval files and the counts.
    public var description: String { rawValue }

    /// `check` is below `crisis`.
    public static func < (lhs: SafetyLevel, rhs: SafetyLevel) -> Bool {
        lhs == .check && rhs == .crisis
    }
}
