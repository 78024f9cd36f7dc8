import Foundation

/// The learned part of the crisis check: a small logistic regression read from `Knowledge/safety-model.tsv`.
///
/// It is asked only when the rules of `safety.yaml` find nothing, and it can only add a catch, at the
/// check-in level (never the full crisis reply): the rules stay the judge of clear danger, the model
/// catches some of what they don't name (passive wishes, symptoms, typos). A message scores the highest
/// of the whole message and each of its sentences, so a crisis buried in a long message counts on its own.
/// Trained by `Scripts/train-safety-model`; the features are computed exactly as there (a test checks it).
public struct SafetyModel: Sendable, Hashable {
    /// The rule id a catch by the model carries, in `ask --explain`, `--json`, the logs and `eval-safety`.
    public static let ruleID = SafetyRuleID(rawValue: "model")

    /// The file the model came from, as given to the loader.
    public let file: String
    /// Whether the model is used at all (`enabled no` in the file keeps it loaded and checked but silent).
    public let isEnabled: Bool
    /// The crisis whose check-in question a catch gets.
    public let category: CrisisCategory
    /// The probability at or above which a message is caught.
    public let threshold: Double
    /// How many weights the model has.
    public var featureCount: Int { weights.count }

    let bias: Double
    /// `threshold` as a logit, so scoring needs no exponential.
    let logitThreshold: Double
    let table: FeatureTable
    let weights: [Double]

    /// A model from its features' hashes (`hash(of:)`) and their weights, in the same order.
    init(
        file: String, isEnabled: Bool, category: CrisisCategory, bias: Double, threshold: Double, hashes: [UInt64],
        weights: [Double]
    ) {
        self.file = file
        self.isEnabled = isEnabled
        self.category = category
        self.bias = bias
        self.threshold = threshold
        self.logitThreshold = log(threshold / (1 - threshold))
        self.weights = weights
        self.table = FeatureTable(keys: hashes)
    }

    /// What the model says about `message` when it is enabled and the score reaches the threshold: the check-in.
    public func assess(_ message: String) -> CrisisAssessment? {
        guard isEnabled, logit(of: message) >= logitThreshold else { return nil }
        return CrisisAssessment(
            category: category, level: .check, ruleID: Self.ruleID,
            note: String(format: "learned model, score %.3f at or above %.3f", score(of: message), threshold))
    }

    /// The probability the model gives `message`: the highest of the whole message and each sentence.
    public func score(of message: String) -> Double {
        1 / (1 + exp(-logit(of: message)))
    }
}

/// An open-addressing table from a feature's 64-bit hash to its index in the weights.
///
/// A dictionary of strings would hash every n-gram's text; this hashes its bytes once, as they are read,
/// and probes a flat array: about 150 probes for an ordinary message, a microsecond or so.
struct FeatureTable: Sendable, Hashable {
    private let keys: [UInt64]
    private let slots: [Int32]
    private let mask: Int

    init(keys: [UInt64]) {
        var capacity = 16
        while capacity < keys.count * 3 { capacity <<= 1 }
        var table = [UInt64](repeating: 0, count: capacity)
        var slots = [Int32](repeating: -1, count: capacity)
        for (index, key) in keys.enumerated() {
            var slot = Int(truncatingIfNeeded: key) & (capacity - 1)
            while slots[slot] >= 0 {
                if table[slot] == key { break }  // a 64-bit collision: keep the first
                slot = (slot + 1) & (capacity - 1)
            }
            if slots[slot] < 0 {
                table[slot] = key
                slots[slot] = Int32(index)
            }
        }
        self.keys = table
        self.slots = slots
        self.mask = capacity - 1
    }

    /// The weight index of the feature with this hash, or -1.
    @inline(__always)
    func index(of key: UInt64) -> Int32 {
        var slot = Int(truncatingIfNeeded: key) & mask
        while true {
            let found = slots[slot]
            if found < 0 || keys[slot] == key { return found }
            slot = (slot + 1) & mask
        }
    }
}
