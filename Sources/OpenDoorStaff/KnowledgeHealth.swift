import Foundation
import NIOPosix
import OpenDoorKit
import Synchronization

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
    /// The lint's findings, `file:line: severity: message`, errors first; nil while they are being worked out.
    public var findings: [String]?
    /// How many of the findings are errors.
    public var errors: Int
    /// The scores on the evaluation files found under `eval/`; nil while they are being worked out.
    public var scores: [Score]?

    /// Creates a report.
    public init(
        loadedAt: Date, loadDuration: Duration, directory: String, intents: Int, examples: Int,
        findings: [String]? = nil, errors: Int = 0, scores: [Score]? = nil
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

    /// Loads the knowledge and the safety rules from `directory`, timing it. The lint and the scores are left
    /// to ``checked(with:)``, which takes much longer (the lint matches every example against the others).
    ///
    /// - Throws: ``KnowledgeError`` when the knowledge or the safety rules don't load (file:line for each problem).
    public static func load(from directory: URL, now: Date = Date()) throws -> (Assistant, KnowledgeHealth) {
        let clock = ContinuousClock()
        let started = clock.now
        let knowledge = try Knowledge.load(from: directory)
        let rules = try SafetyRules.load(from: directory.appendingPathComponent("safety.yaml"))
        let assistant = Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
        let health = KnowledgeHealth(
            loadedAt: now, loadDuration: clock.now - started, directory: directory.path,
            intents: knowledge.intents.count, examples: knowledge.intents.reduce(0) { $0 + $1.examples.count })
        return (assistant, health)
    }

    /// This report with the lint's findings and the scores on ``evaluationFiles`` worked out for `assistant`'s
    /// knowledge (tens of seconds of one core in a release build; run it off the event loops). It runs on the
    /// calling thread alone: the threads of Swift's async tasks stay free for the server's saves and pages.
    public func checked(with assistant: Assistant) -> KnowledgeHealth {
        let knowledge = assistant.knowledge
        let directory = URL(fileURLWithPath: self.directory, isDirectory: true)
        let diagnostics = KnowledgeLinter(knowledge: knowledge).check(onEveryCore: false).sorted { lhs, rhs in
            (lhs.severity == .error ? 0 : 1) < (rhs.severity == .error ? 0 : 1)
        }
        let labels = Set(knowledge.intents.map(\.id) + [.fallback])
        var scores: [Score] = []
        for file in Self.evaluationFiles {
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
        var checked = self
        checked.findings = diagnostics.map { "\($0)" }
        checked.errors = diagnostics.filter { $0.severity == .error }.count
        checked.scores = scores
        return checked
    }
}

/// The knowledge health the console shows: set once loaded, then again once checked.
public final class KnowledgeHealthReport: Sendable {
    private let state: Mutex<KnowledgeHealth>

    /// A report showing `health`.
    public init(_ health: KnowledgeHealth) {
        state = Mutex(health)
    }

    /// What the page shows now.
    public var current: KnowledgeHealth { state.withLock { $0 } }

    /// Replaces what the page shows.
    public func update(_ health: KnowledgeHealth) {
        state.withLock { $0 = health }
    }

    /// Shows `health` now and, once worked out, its lint and scores for `assistant` (unless newer knowledge was
    /// shown meanwhile). The check runs on NIO's thread pool, not in a task: it takes seconds to minutes of CPU,
    /// and a task would hold one of the few threads Swift concurrency has (two on a 2-core machine), starving
    /// the server's own tasks, its signal handling included.
    public func show(_ health: KnowledgeHealth, checkingWith assistant: Assistant) {
        update(health)
        Task {
            guard let checked = try? await NIOThreadPool.singleton.runIfActive({ health.checked(with: assistant) })
            else { return }
            state.withLock { if $0.loadedAt == health.loadedAt { $0 = checked } }
        }
    }
}
