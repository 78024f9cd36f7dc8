import Foundation
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
    /// Nil when `shouldStop` said true before the end (the result is no longer wanted).
    public func checked(
        with assistant: Assistant, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) -> KnowledgeHealth? {
        let knowledge = assistant.knowledge
        let directory = URL(fileURLWithPath: self.directory, isDirectory: true)
        let found = KnowledgeLinter(knowledge: knowledge).check(onEveryCore: false, shouldStop: shouldStop)
        if shouldStop() { return nil }
        let diagnostics = found.sorted { lhs, rhs in
            (lhs.severity == .error ? 0 : 1) < (rhs.severity == .error ? 0 : 1)
        }
        let labels = Set(knowledge.intents.map(\.id) + [.fallback])
        var scores: [Score] = []
        for file in Self.evaluationFiles {
            if shouldStop() { return nil }
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
///
/// One check runs at a time, on a thread of its own (never on NIO's thread pool, where the console hashes
/// passwords): a reload while a check runs stops that check and leaves only the newest knowledge waiting, so a
/// burst of reloads costs one check and holds at most two knowledge sets. ``stop()`` (at shutdown) ends it.
public final class KnowledgeHealthReport: Sendable {
    private struct State: Sendable {
        var health: KnowledgeHealth
        /// Counts ``show(_:checkingWith:)``; a check whose generation is no longer this one stops.
        var generation = 0
        /// The newest knowledge not yet checked.
        var waiting: (health: KnowledgeHealth, assistant: Assistant, generation: Int)?
        var isChecking = false
        var isStopped = false
        /// How many checks started, for tests.
        var started = 0
        /// Who waits for the checker to be idle.
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>

    /// A report showing `health`.
    public init(_ health: KnowledgeHealth) {
        state = Mutex(State(health: health))
    }

    /// What the page shows now.
    public var current: KnowledgeHealth { state.withLock { $0.health } }

    /// How many checks have started so far (superseded knowledge that was never started is not counted).
    package var checksStarted: Int { state.withLock { $0.started } }

    /// Replaces what the page shows.
    public func update(_ health: KnowledgeHealth) {
        state.withLock { $0.health = health }
    }

    /// Shows `health` now and, once worked out, its lint and scores for `assistant`, unless newer knowledge is
    /// shown meanwhile: then this check is stopped or never started, and only the newest is checked.
    public func show(_ health: KnowledgeHealth, checkingWith assistant: Assistant) {
        let start: Bool = state.withLock { state in
            state.health = health
            state.generation += 1
            guard !state.isStopped else { return false }
            state.waiting = (health, assistant, state.generation)
            guard !state.isChecking else { return false }
            state.isChecking = true
            return true
        }
        guard start else { return }
        let thread = Thread { [self] in checkWhileWaiting() }
        thread.name = "knowledge-check"
        thread.start()
    }

    /// Stops the running check (at its next example) and starts no other: for shutdown.
    public func stop() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.isStopped = true
            state.waiting = nil
            guard !state.isChecking else { return [] }
            defer { state.idleWaiters = [] }
            return state.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once no check runs (at once when none does).
    public func idle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { state in
                if state.isChecking {
                    state.idleWaiters.append(continuation)
                    return false
                }
                return true
            }
            if now { continuation.resume() }
        }
    }

    /// The checker thread: checks the waiting knowledge until none waits.
    private func checkWhileWaiting() {
        while let next = takeWaiting() {
            let generation = next.generation
            let isStale: @Sendable () -> Bool = { [self] in
                state.withLock { $0.isStopped || $0.generation != generation }
            }
            guard let checked = next.health.checked(with: next.assistant, shouldStop: isStale) else { continue }
            state.withLock { if !$0.isStopped && $0.generation == generation { $0.health = checked } }
        }
    }

    /// The next knowledge to check, or nil (and the checker marked idle, its waiters woken) when none waits.
    private func takeWaiting() -> (health: KnowledgeHealth, assistant: Assistant, generation: Int)? {
        typealias Next = (health: KnowledgeHealth, assistant: Assistant, generation: Int)
        let (next, waiters): (Next?, [CheckedContinuation<Void, Never>]) = state.withLock { state in
            if !state.isStopped, let next = state.waiting {
                state.waiting = nil
                state.started += 1
                return (next, [])
            }
            state.isChecking = false
            defer { state.idleWaiters = [] }
            return (nil, state.idleWaiters)
        }
        for waiter in waiters { waiter.resume() }
        return next
    }
}
