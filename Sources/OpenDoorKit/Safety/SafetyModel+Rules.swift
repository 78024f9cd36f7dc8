import Foundation

extension SafetyRules {
    /// The same rules with no learned model: what `eval-safety --no-model` measures, and what a center gets
    /// by deleting `safety-model.tsv`.
    public func withoutModel() -> SafetyRules {
        var rules = self
        rules.model = nil
        return rules
    }
}

extension SafetyEvaluation {
    /// Crisis messages the learned model caught (the rules found nothing in them).
    public var caughtByModel: Int {
        crises.filter { $0.finding?.ruleID == SafetyModel.ruleID }.count
    }

    /// Crisis messages the learned model caught with the full crisis reply (the rules found nothing).
    public var caughtByModelAtCrisisLevel: Int {
        crises.filter { $0.finding?.ruleID == SafetyModel.ruleID && $0.finding?.level == .crisis }.count
    }

    /// Crisis messages whose check-in by a rule the learned model raised to the full crisis reply.
    public var raisedByModel: Int {
        crises.filter { $0.finding?.note?.hasPrefix(SafetyModel.raisedNote) == true }.count
    }

    /// Look-alikes the learned model raised an alarm on (the rules found nothing).
    public var falseAlarmsByModel: Int {
        lookAlikes.filter { $0.finding?.ruleID == SafetyModel.ruleID }.count
    }
}

extension SafetyBenchmark {
    /// The median time to read, check and index `safety-model.tsv` beside `rulesURL`, in milliseconds, or nil
    /// when there is no model.
    public static func modelLoadMilliseconds(besides rulesURL: URL, rounds: Int) throws -> Double? {
        guard try SafetyModel.load(besides: rulesURL) != nil else { return nil }
        var samples: [UInt64] = []
        for _ in 0..<rounds {
            samples.append(MatcherBenchmark.nanoseconds { _ = try? SafetyModel.load(besides: rulesURL) })
        }
        return MatcherBenchmark.median(samples) / 1_000_000
    }
}
