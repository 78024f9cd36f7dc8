import Foundation
import OpenDoorKit

/// What the knowledge health page shows: when the knowledge was loaded and how long that took, the lint's
/// findings, and the matcher's score on the held-out messages that come with the knowledge.
public struct KnowledgeHealth: Sendable {
    /// One evaluation file's score.
    public struct Score: Sendable, Hashable {
        /// The file, relative to the knowledge folder.
        public var file: String
        /// How many labeled messages it holds.
        public var messages: Int
        /// The share answered with the right intent (0 to 1).
        public var accuracy: Double
        /// The share of off-topic lines given the honest fallback.
        public var fallbackRate: Double

        /// Creates a score.
        public init(file: String, messages: Int, accuracy: Double, fallbackRate: Double) {
            self.file = file
            self.messages = messages
            self.accuracy = accuracy
            self.fallbackRate = fallbackRate
        }
    }

    /// When the knowledge was loaded.
    public var loadedAt: Date
    /// How long loading the knowledge and the safety rules took.
    public var loadDuration: Duration
    /// The knowledge folder.
    public var directory: String
    /// How many intents and examples.
    public var intents: Int
    public var examples: Int
    /// The lint's findings, `file:line: severity: message`, errors first.
    public var findings: [String]
    /// How many of the findings are errors.
    public var errors: Int
    /// The scores on the evaluation files found under `eval/`.
    public var scores: [Score]

    /// Creates a report.
    public init(
        loadedAt: Date, loadDuration: Duration, directory: String, intents: Int, examples: Int, findings: [String],
        errors: Int, scores: [Score]
    ) {
        self.loadedAt = loadedAt
        self.loadDuration = loadDuration
        self.directory = directory
        self.intents = intents
        self.examples = examples
        self.findings = findings
        self.errors = errors
        self.scores = scores
    }

    /// The evaluation files scored when they are present, in the knowledge folder.
    public static let evaluationFiles = ["eval/visitors.tsv", "eval/visitors-long.tsv"]

    /// Loads the knowledge and the safety rules from `directory`, timing it, then lints the knowledge and
    /// scores it on ``evaluationFiles``.
    ///
    /// - Throws: ``KnowledgeError`` when the knowledge or the safety rules don't load (file:line for each problem).
    public static func load(from directory: URL, now: Date = Date()) throws -> (Assistant, KnowledgeHealth) {
        let clock = ContinuousClock()
        let started = clock.now
        let knowledge = try Knowledge.load(from: directory)
        let rules = try SafetyRules.load(from: directory.appendingPathComponent("safety.yaml"))
        let assistant = Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
        let loadDuration = clock.now - started

        let diagnostics = KnowledgeLinter(knowledge: knowledge).check().sorted { lhs, rhs in
            (lhs.severity == .error ? 0 : 1) < (rhs.severity == .error ? 0 : 1)
        }
        let labels = Set(knowledge.intents.map(\.id) + [.fallback])
        var scores: [Score] = []
        for file in evaluationFiles {
            let url = directory.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path),
                let set = try? EvaluationSet.load(from: url, knownLabels: labels)
            else { continue }
            let evaluation = Evaluation(matcher: assistant.responder.matcher, set: set)
            scores.append(
                Score(
                    file: file, messages: set.items.count, accuracy: evaluation.accuracy,
                    fallbackRate: evaluation.fallbackRate))
        }
        let health = KnowledgeHealth(
            loadedAt: now, loadDuration: loadDuration, directory: directory.path, intents: knowledge.intents.count,
            examples: knowledge.intents.reduce(0) { $0 + $1.examples.count },
            findings: diagnostics.map { "\($0)" }, errors: diagnostics.filter { $0.severity == .error }.count,
            scores: scores)
        return (assistant, health)
    }
}
