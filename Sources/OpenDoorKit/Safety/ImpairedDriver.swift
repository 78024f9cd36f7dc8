/// Who is at the wheel when a danger message tells of someone drunk or high driving: the reply is the driver's own
/// (don't drive, a ride) or a bystander's (call 911, don't get in the car).
public enum ImpairedDriver: Sendable, Hashable {
    /// The visitor is the driver ("gonna drive home drunk", "drivin rn and super faded").
    case visitor
    /// Someone else is ("my mom is drunk and wont hand over the keys, she wants to drive").
    case someoneElse
}

/// The rules' `impaired_driving:`, `visitor_driving:` and `others_driving:` compiled, each into an index of its own,
/// so that they are read with the same spellings and typo tolerance as the crisis patterns (round 26: the phrase lists
/// the reply was chosen by missed "blasted", "took the keys back" and a driver with no "i").
struct ImpairedDriverReading: Sendable {
    private let impaired: SafetyIndex
    private let visitor: SafetyIndex?
    private let others: SafetyIndex?

    /// Nil when the rules have no `impaired_driving:` patterns.
    init?(rules: SafetyRules) {
        func index(_ patterns: [SafetyRules.Pattern]) -> SafetyIndex? {
            guard !patterns.isEmpty else { return nil }
            let category = SafetyRules.Category(
                id: .danger, reply: "", patterns: patterns, checkReply: "", checkPatterns: [])
            return SafetyIndex(
                rules: SafetyRules(
                    file: rules.file, categories: [category], denials: [], exclusions: [], spellings: rules.spellings,
                    neverCorrect: rules.neverCorrect))
        }
        guard let impaired = index(rules.drivers.impaired) else { return nil }
        self.impaired = impaired
        visitor = index(rules.drivers.visitor)
        others = index(rules.drivers.others)
    }

    /// Who drives in `message` (as the crisis check reads it), or nil when it tells of no impaired driver.
    func driver(in message: String) -> ImpairedDriver? {
        guard Self.finds(impaired, in: message) else { return nil }
        if let visitor, Self.finds(visitor, in: message) { return .visitor }
        if let others, Self.finds(others, in: message) { return .someoneElse }
        return .visitor
    }

    private static func finds(_ index: SafetyIndex, in message: String) -> Bool {
        index.evaluate(message).crisis != nil
    }
}

extension CrisisDetector {
    /// Who is at the wheel, when `message` tells of someone drunk or high driving now or about to; nil otherwise.
    ///
    /// Meant for a message the check found a danger in: the reply is the driver's own or a bystander's.
    public func impairedDriver(in message: String) -> ImpairedDriver? {
        driverReading?.driver(in: reading(message))
    }
}
