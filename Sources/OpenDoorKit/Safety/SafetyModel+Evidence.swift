import Foundation

extension SafetyModel {
    /// When the learned model's vote may give the full crisis reply rather than the check-in.
    public enum CrisisLift: String, Sendable, Hashable, CaseIterable {
        /// Never: the model adds check-ins only.
        case never
        /// Only where the rules see a crisis component in the message (``SafetyModel/evidenceClasses``): a means, an
        /// act, an overdose or withdrawal sign, a weapon. The crisis level is then the rules' call, backed by the model.
        case withEvidence = "evidence"
        /// Whenever the crisis head is sure (round 24's model, before round 27).
        case always
    }

    /// The word classes that back a lift to the full crisis reply (round 27, chosen on the unseen sets): a means
    /// (`means`, `drugs`, `street`, `weapon`), an act done or being done (`act`, `used`, `sh_act`), a sign of an
    /// overdose, of withdrawal or of an injury (`od_signs`, `wd_signs`, `sh_injury`).
    public static let defaultEvidenceClasses = [
        "means", "drugs", "street", "weapon", "act", "used", "sh_act", "od_signs", "wd_signs", "sh_injury",
    ]

    /// How the note of a lift the rules don't back ends.
    static let heldNote = "held at the check-in: the rules see no crisis component in it"

    /// `judged`, what ``assess(_:after:)`` gave after the rules' finding `rules`, with a lift to the full crisis
    /// reply that ``crisisLift`` doesn't allow taken back: to the rules' own check-in, or to the model's check-in
    /// where the rules found nothing. `evidence` gives the word class the rules see (`@means`), or nil when they see
    /// none; asked only for a lift.
    func backed(
        _ judged: CrisisAssessment?, after rules: CrisisAssessment?, evidence: () -> String?
    ) -> CrisisAssessment? {
        guard var judged, judged.level == .crisis, rules?.level != .crisis else { return judged }
        switch crisisLift {
        case .always: return judged
        case .withEvidence:
            guard let seen = evidence() else { break }
            judged.note = "\(judged.note ?? "learned model"); the rules see \(seen)"
            return judged
        case .never: break
        }
        if let rules { return rules }
        return CrisisAssessment(
            category: category, level: .check, ruleID: Self.ruleID,
            note: "\(judged.note ?? "learned model"); \(Self.heldNote)")
    }
}

extension SafetyRules {
    /// Rules that find the word classes `names` (of `lists:`) and nothing else, read with every exclusion, denial,
    /// history and story of these rules: what "the rules see a crisis component" means for the learned model. Nil
    /// when the file has none of the classes.
    func evidenceRules(_ names: [String]) -> SafetyRules? {
        let patterns = names.compactMap { wordClasses[$0] }
        guard !patterns.isEmpty else { return nil }
        var rules = self
        rules.model = nil
        rules.categories = [
            Category(id: .suicide, reply: "", patterns: patterns, checkReply: "", checkPatterns: [])
        ]
        return rules
    }
}

extension SafetyRules {
    /// The same rules with the learned model's lift to the full crisis reply set (`eval-safety --model-lift`, to
    /// measure the choices), and the word classes that back it when given.
    public func withModelLift(_ lift: SafetyModel.CrisisLift, evidence: [String]? = nil) -> SafetyRules {
        var rules = self
        rules.model?.crisisLift = lift
        if let evidence { rules.model?.evidenceClasses = evidence }
        return rules
    }
}
