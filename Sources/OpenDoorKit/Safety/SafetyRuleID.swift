/// Names the rule that matched: the category (or `denial`, `exclusion`) and the pattern as written.
///
/// Safe to log: it holds the staff's pattern text, never anything the visitor typed.
public struct SafetyRuleID: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// `category/pattern`, e.g. `overdose/narcan|naloxone`.
    public var rawValue: String

    /// Wraps a rule id.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The raw id.
    public var description: String { rawValue }
}
