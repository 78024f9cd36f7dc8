import Foundation

/// The learned part of the crisis check: small logistic regressions read from `Knowledge/safety-model.tsv`.
///
/// Four heads share the features: the check-in head (any crisis), the crisis head (a crisis that needs the
/// full reply), the category head (which crisis) and the check-level head (the worrying-but-not-explicit
/// messages alone: passive wishes, hopelessness, doubt about one's own safety, vague worry about someone else).
/// The model can only add to what the rules of `safety.yaml` find, never take away: when the rules find nothing
/// it may give the check-in (the check-in or the check-level head), or the full crisis reply when the crisis head
/// is sure; when the rules give a check-in, the crisis head may raise it to the full reply at a stricter threshold of
/// its own (`raiseThreshold`); a crisis reply of the rules is never touched. Since round 27 (issue 9: the model "may
/// only add catches (check-in level)"), `CrisisDetector` lets either vote for the full reply count only where the rules
/// see a crisis component in the message (`crisisLift`, `evidenceClasses`, `SafetyModel+Evidence.swift`). A message scores the highest of its
/// whole text, each sentence and each clause, so a crisis buried in a long message counts on its own.
/// Trained by `Scripts/train-safety-model`; the features are computed exactly as there (a test checks it).
public struct SafetyModel: Sendable, Hashable {
    /// The rule id a catch by the model carries, in `ask --explain`, `--json`, the logs and `eval-safety`.
    public static let ruleID = SafetyRuleID(rawValue: "model")
    /// How the note of a rule's check-in raised to the crisis reply by the model begins.
    public static let raisedNote = "raised to the crisis reply by the learned model"

    /// The file the model came from, as given to the loader.
    public let file: String
    /// Whether the model is used at all (`enabled no` in the file keeps it loaded and checked but silent).
    public let isEnabled: Bool
    /// The crisis whose check-in question a check-in by the model gets.
    public let category: CrisisCategory
    /// The check-in head's probability at or above which a message gets the check-in.
    public let threshold: Double
    /// The crisis head's probability at or above which a message gets the full crisis reply, when the file has
    /// a crisis head.
    public let crisisThreshold: Double?
    /// The check-level head's probability at or above which a message gets the check-in, when the file has a
    /// check-level head.
    public let levelThreshold: Double?
    /// The crisis head's probability at or above which a rule's check-in is raised to the full crisis reply: the
    /// file's fourth threshold, else the crisis threshold. Chosen by the trainer so that few check-level messages
    /// (passive wishes, hopelessness) the rules meet with a question get the emergency reply instead.
    public let raiseThreshold: Double?
    /// How many features the model has.
    public var featureCount: Int { weights.count }
    /// When the model's vote may give the full crisis reply (issue 9: it may add catches, the crisis level is the
    /// rules' call): by default only where the rules see a crisis component in the message (``evidenceClasses``).
    public var crisisLift: CrisisLift = .withEvidence
    /// The word classes of `safety.yaml` (`lists:`) one of which the rules must find in a message, read as they read
    /// every pattern (typos, exclusions, denials, history), for the model to lift it to the full crisis reply.
    public var evidenceClasses: [String] = SafetyModel.defaultEvidenceClasses

    /// The model's scores for one message.
    public struct Scores: Sendable, Hashable {
        /// The check-in head's probability (any crisis).
        public var check: Double
        /// The crisis head's probability (a crisis that needs the full reply), 0 without a crisis head.
        public var crisis: Double
        /// The crisis the category head picks on the segment the crisis head scores highest.
        public var category: CrisisCategory
        /// The check-level head's probability, 0.5 without a check-level head.
        public var level: Double
    }

    /// Head order in a weight vector: check-in, crisis, one lane per category in `categoryOrder`, check level.
    static let categoryOrder: [CrisisCategory] = [.suicide, .overdose, .selfHarm, .withdrawal, .danger]
    static let checkLane = 0
    static let crisisLane = 1
    static let firstCategoryLane = 2
    static let levelLane = 7

    let bias: SIMD8<Double>
    /// The thresholds as logits, so scoring needs no exponential.
    let logitThreshold: Double
    let logitCrisisThreshold: Double
    let logitLevelThreshold: Double
    let logitRaiseThreshold: Double
    /// Whether the file has category lanes (else a crisis catch gets `category`).
    let hasCategories: Bool
    let table: FeatureTable
    /// The words of the `w:` features, each with its slices' features found once (``KnownWords``).
    var knownWords: KnownWords
    /// Every head's weights, feature by feature, in the lanes above: read for the category of the one segment the
    /// crisis head scores highest, when a catch needs it.
    let weights: [SIMD8<Double>]
    /// The lanes every segment is scored on (check-in, crisis, check level; the fourth is 0), feature by feature: a
    /// half of `weights`' 441 KB, so that they stay in a core's cache with the table (round 29). Each lane's sums are
    /// the same to the bit: a lane of a SIMD sum is the sum of that lane.
    let scored: [SIMD4<Double>]
    let scoredBias: SIMD4<Double>

    /// A model from its features' hashes (`hash(of:)`) and their weights, in the same order, and the words of its `w:`
    /// features (without `w:`; none is as right, only slower).
    init(
        file: String, isEnabled: Bool, category: CrisisCategory, bias: SIMD8<Double>, threshold: Double,
        crisisThreshold: Double?, levelThreshold: Double? = nil, raiseThreshold: Double? = nil, hasCategories: Bool,
        hashes: [UInt64],
        weights: [SIMD8<Double>],
        words: [[UInt8]] = []
    ) {
        self.file = file
        self.isEnabled = isEnabled
        self.category = category
        self.bias = bias
        self.threshold = threshold
        self.crisisThreshold = crisisThreshold
        self.levelThreshold = levelThreshold
        self.raiseThreshold = raiseThreshold ?? crisisThreshold
        self.hasCategories = hasCategories
        self.logitThreshold = log(threshold / (1 - threshold))
        self.logitCrisisThreshold = crisisThreshold.map { log($0 / (1 - $0)) } ?? .infinity
        self.logitLevelThreshold = levelThreshold.map { log($0 / (1 - $0)) } ?? .infinity
        self.logitRaiseThreshold = (raiseThreshold ?? crisisThreshold).map { log($0 / (1 - $0)) } ?? .infinity
        self.weights = weights
        self.scored = weights.map(Self.scoredLanes)
        self.scoredBias = Self.scoredLanes(bias)
        self.table = FeatureTable(keys: hashes)
        self.knownWords = KnownWords(words, table: table)
    }

    /// The check-in, crisis and check-level lanes of a weight vector, in that order, and 0.
    static func scoredLanes(_ weights: SIMD8<Double>) -> SIMD4<Double> {
        SIMD4(weights[checkLane], weights[crisisLane], weights[levelLane], 0)
    }

    /// What the model adds to the rules' finding on `message` (`rules`, nil when they found nothing): the full
    /// crisis reply when the crisis head reaches its threshold (for a rule's check-in, the stricter
    /// `raiseThreshold`), else the check-in when the rules found nothing
    /// and the check-in head or the check-level head reaches its own. A crisis reply of the rules comes back unchanged, and so does
    /// everything when the model is switched off.
    public func assess(_ message: String, after rules: CrisisAssessment? = nil) -> CrisisAssessment? {
        guard isEnabled, rules?.level != .crisis else { return rules }
        // The category is read only for a catch of the model's own at the crisis level.
        let logits = self.logits(of: message, categoryAtOrAbove: rules == nil ? logitCrisisThreshold : .infinity)
        if var raised = rules {
            guard logits.crisis >= logitRaiseThreshold else { return rules }
            raised.level = .crisis
            raised.note = String(
                format: "\(Self.raisedNote), crisis score %.3f at or above %.3f", sigmoid(logits.crisis),
                raiseThreshold ?? 1)
            return raised
        }
        if logits.crisis >= logitCrisisThreshold {
            let score = String(format: "score %.3f at or above %.3f", sigmoid(logits.crisis), crisisThreshold ?? 1)
            return CrisisAssessment(
                category: hasCategories ? logits.category : category, level: .crisis, ruleID: Self.ruleID,
                note: "learned model, crisis \(score)")
        }
        if logits.check >= logitThreshold {
            return CrisisAssessment(
                category: category, level: .check, ruleID: Self.ruleID,
                note: String(
                    format: "learned model, check-in score %.3f at or above %.3f", sigmoid(logits.check), threshold))
        }
        guard logits.level >= logitLevelThreshold else { return nil }
        return CrisisAssessment(
            category: category, level: .check, ruleID: Self.ruleID,
            note: String(
                format: "learned model, check-level score %.3f at or above %.3f", sigmoid(logits.level),
                levelThreshold ?? 1))
    }

    /// The probability the check-in head gives `message`: the highest of the whole message and each segment.
    public func score(of message: String) -> Double {
        sigmoid(logits(of: message, categoryAtOrAbove: .infinity).check)
    }

    /// The probabilities of both heads and the category the model picks for `message`.
    public func scores(of message: String) -> Scores {
        let logits = self.logits(of: message)
        return Scores(
            check: sigmoid(logits.check), crisis: sigmoid(logits.crisis), category: logits.category,
            level: sigmoid(logits.level))
    }

    private func sigmoid(_ logit: Double) -> Double {
        1 / (1 + exp(-logit))
    }
}
