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

    /// A short form for log lines: the id itself when short, else its category (and `check`) with a hash of the
    /// whole id, e.g. `suicide/check#3fa2c1d9`. A flood of crisis messages then doesn't log the pattern text each
    /// time; the hash is the same from run to run, so lines of one rule can be counted together.
    public var logLabel: String {
        guard rawValue.utf8.count > Self.longestLogged else { return rawValue }
        let parts = rawValue.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
        let head = parts.count > 2 && parts[1] == "check" ? "\(parts[0])/check" : String(parts[0])
        var hash: UInt32 = 2_166_136_261
        for byte in rawValue.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let hex = String(hash, radix: 16)
        return head + "#" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Ids longer than this (in UTF-8 bytes) are shortened in log lines.
    static let longestLogged = 40

    /// The check-in of an exclusion with `check_in:` for the pattern `source` (round 28).
    static func exclusionCheckIn(_ source: String) -> SafetyRuleID {
        SafetyRuleID(rawValue: "exclusion/check_in/" + source)
    }

    /// Whether it is the check-in of an exclusion with `check_in:` ("my ex told me to kys"): someone else's words, set
    /// aside as no wish of the visitor's and asked about kindly; never raised to the crisis reply by the learned model.
    public var isExclusionCheckIn: Bool { rawValue.hasPrefix("exclusion/check_in/") }
}
