/// Quality checks beyond the loader's: enough examples per intent, and examples that would be
/// matched to another intent if they were not in the knowledge themselves (leave-one-out).
public struct KnowledgeLinter: Sendable {
    /// The fewest examples an intent should have.
    public static let minimumExamples = 12

    /// The knowledge checked.
    public let knowledge: Knowledge
    /// The matcher's settings.
    public let configuration: MatcherConfiguration

    /// Creates a linter.
    public init(knowledge: Knowledge, configuration: MatcherConfiguration = MatcherConfiguration()) {
        self.knowledge = knowledge
        self.configuration = configuration
    }

    /// Every problem found, loader warnings first.
    public func check() -> [KnowledgeDiagnostic] {
        var diagnostics = knowledge.warnings
        for intent in knowledge.intents where intent.examples.count < Self.minimumExamples {
            diagnostics.append(
                KnowledgeDiagnostic(
                    .error, file: intent.location.file, line: intent.location.line,
                    "`\(intent.id)` has \(intent.examples.count) examples; write at least \(Self.minimumExamples), the way visitors really type."
                ))
        }
        diagnostics += leaveOneOut()
        return diagnostics
    }

    /// Each example matched by a matcher built without it; one that lands on another intent is a warning.
    func leaveOneOut() -> [KnowledgeDiagnostic] {
        var diagnostics: [KnowledgeDiagnostic] = []
        for entry in Matcher(knowledge: knowledge, configuration: configuration).leaveOneOut() {
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
