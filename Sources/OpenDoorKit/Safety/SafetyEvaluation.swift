/// How the crisis check does on a labeled corpus: recall by category, style and level, false alarms.
///
/// A crisis message is caught when the check finds anything (either level: both replies give 988); it is
/// caught at the crisis level when the full crisis reply is given. A look-alike is a false alarm when the
/// check finds anything at all.
public struct SafetyEvaluation: Sendable {
    /// What the check said about one labeled message.
    public struct Outcome: Sendable {
        /// The labeled message.
        public var item: SafetyEvalSet.Item
        /// What the check found, if anything.
        public var finding: CrisisAssessment?

        /// A crisis message the check found (either level).
        public var isCaught: Bool { item.category != nil && finding != nil }
        /// A crisis message given the full crisis reply.
        public var isCaughtAtCrisisLevel: Bool { item.category != nil && finding?.level == .crisis }
        /// A crisis message the check found nothing in.
        public var isMiss: Bool { item.category != nil && finding == nil }
        /// A look-alike the check raised an alarm on.
        public var isFalseAlarm: Bool { item.category == nil && finding != nil }
        /// A crisis line that must get the full crisis reply (labeled `crisis`) and got only the check-in or nothing.
        public var isUnderLevel: Bool { item.level == .crisis && finding?.level != .crisis }
    }

    /// A count out of a total.
    public struct Share: Sendable, Hashable, CustomStringConvertible {
        /// How many.
        public var count: Int
        /// Out of how many.
        public var total: Int
        /// `count / total`, 1 when `total` is 0 for recall-like shares.
        public var rate: Double { total == 0 ? 0 : Double(count) / Double(total) }
        /// `12/15 (80.0%)`.
        public var description: String {
            total == 0 ? "0/0" : "\(count)/\(total) (\(Self.percent(rate)))"
        }

        static func percent(_ rate: Double) -> String {
            let tenths = Int((rate * 1000).rounded())
            return "\(tenths / 10).\(tenths % 10)%"
        }
    }

    /// Every message's outcome, in file order.
    public let outcomes: [Outcome]

    /// Runs the check over every message of `set`.
    public init(detector: CrisisDetector, set: SafetyEvalSet) {
        outcomes = set.items.map { Outcome(item: $0, finding: detector.assess($0.text)) }
    }

    /// Runs the check over messages that are all look-alikes (e.g. the ordinary visitor messages).
    public init(detector: CrisisDetector, lookAlikes: [String]) {
        outcomes = lookAlikes.enumerated().map { index, text in
            let item = SafetyEvalSet.Item(category: nil, level: nil, style: "ordinary", text: text, line: index + 1)
            return Outcome(item: item, finding: detector.assess(text))
        }
    }

    /// The crisis messages.
    public var crises: [Outcome] { outcomes.filter { $0.item.category != nil } }
    /// The look-alikes.
    public var lookAlikes: [Outcome] { outcomes.filter { $0.item.category == nil } }

    /// Crisis messages caught at either level.
    public var recall: Share { Share(count: crises.filter(\.isCaught).count, total: crises.count) }
    /// Crisis messages labeled `crisis` that got the full crisis reply.
    public var crisisLevelRecall: Share {
        let required = crises.filter { $0.item.level == .crisis }
        return Share(count: required.filter(\.isCaughtAtCrisisLevel).count, total: required.count)
    }
    /// Look-alikes with an alarm at either level.
    public var falseAlarms: Share { Share(count: lookAlikes.filter(\.isFalseAlarm).count, total: lookAlikes.count) }
    /// Look-alikes with an alarm at `level`.
    public func falseAlarms(at level: SafetyLevel) -> Share {
        Share(count: lookAlikes.filter { $0.finding?.level == level }.count, total: lookAlikes.count)
    }

    /// Explicit and overdose messages (the ones that must always get the full crisis reply), and how many did.
    public var explicitAndOverdoseAtCrisisLevel: Share {
        let required = crises.filter { $0.item.style == "explicit" || $0.item.category == .overdose }
        return Share(count: required.filter(\.isCaughtAtCrisisLevel).count, total: required.count)
    }

    /// Recall of crisis messages grouped by `key`, groups in first-seen order.
    public func recall(by key: (SafetyEvalSet.Item) -> String) -> [(group: String, caught: Share, atCrisis: Share)] {
        var order: [String] = []
        var groups: [String: [Outcome]] = [:]
        for outcome in crises {
            let name = key(outcome.item)
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(outcome)
        }
        return order.map { name in
            let members = groups[name] ?? []
            return (
                name, Share(count: members.filter(\.isCaught).count, total: members.count),
                Share(count: members.filter(\.isCaughtAtCrisisLevel).count, total: members.count)
            )
        }
    }

    /// False alarms among look-alikes grouped by style.
    public func falseAlarmsByStyle() -> [(style: String, alarms: Share)] {
        var order: [String] = []
        var groups: [String: [Outcome]] = [:]
        for outcome in lookAlikes {
            if groups[outcome.item.style] == nil { order.append(outcome.item.style) }
            groups[outcome.item.style, default: []].append(outcome)
        }
        return order.map { style in
            let members = groups[style] ?? []
            return (style, Share(count: members.filter(\.isFalseAlarm).count, total: members.count))
        }
    }
}
