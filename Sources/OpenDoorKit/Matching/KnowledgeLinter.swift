/// Quality checks beyond the loader's: examples that would be matched to another intent if they were not in
/// the knowledge themselves (leave-one-out). Too few examples is the loader's own error.
public struct KnowledgeLinter: Sendable {
    /// The fewest examples an intent may have (the loader refuses fewer).
    public static let minimumExamples = KnowledgeLoader.minimumExamples

    /// The knowledge checked.
    public let knowledge: Knowledge
    /// The matcher's settings.
    public let configuration: MatcherConfiguration

    /// Creates a linter.
    public init(knowledge: Knowledge, configuration: MatcherConfiguration = MatcherConfiguration()) {
        self.knowledge = knowledge
        self.configuration = configuration
    }

    /// Every problem found, loader warnings first. (Too few examples is the loader's error, so that
    /// `ask` and `serve` refuse what lint refuses.) A server passes `onEveryCore: false`: the check then runs
    /// on the calling thread alone and leaves the threads of async tasks free, and may give `shouldStop`:
    /// once it says true the check ends early, with part of the findings (for a result no longer wanted).
    public func check(
        onEveryCore: Bool = true, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) -> [KnowledgeDiagnostic] {
        knowledge.warnings + leaveOneOut(onEveryCore: onEveryCore, shouldStop: shouldStop)
    }

    /// Each example matched by a matcher built without it; one that lands on another intent is a warning.
    func leaveOneOut(
        onEveryCore: Bool = true, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) -> [KnowledgeDiagnostic] {
        var diagnostics: [KnowledgeDiagnostic] = []
        let matcher = Matcher(knowledge: knowledge, configuration: configuration)
        for entry in matcher.leaveOneOut(onEveryCore: onEveryCore, shouldStop: shouldStop) {
            let intent = knowledge.intents[entry.intent]
            guard case .answer(let other) = entry.result.decision, other != intent.id else { continue }
            let location = intent.exampleLocations[entry.example]
            diagnostics.append(
                KnowledgeDiagnostic(
                    .warning, file: location.file, line: location.line,
                    "“\(intent.examples[entry.example])” matches `\(other)` better than its own `\(intent.id)`. Reword it, move it, or add examples that tell them apart."
                ))
        }
        return diagnostics
    }
}
