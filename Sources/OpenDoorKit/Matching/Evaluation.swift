/// How well the matcher does on a labeled set: accuracy, per-intent precision and recall, confusions.
public struct Evaluation: Sendable {
    /// One message's outcome.
    public struct Outcome: Sendable, Hashable {
        /// The item.
        public var item: EvaluationSet.Item
        /// What the matcher decided: an intent id, `clarify` or `fallback`.
        public var predicted: IntentID
        /// Whether a clarify question offered the expected intent.
        public var clarifyOffered: Bool
        /// The top candidate's confidence.
        public var confidence: Double
        /// The best intents the matcher considered, best first (for tuning thresholds offline).
        public var candidates: [MatchCandidate] = []
    }

    /// Precision and recall of one label.
    public struct LabelScore: Sendable, Hashable {
        /// The label.
        public var label: IntentID
        /// Items with this label.
        public var support: Int
        /// Correct predictions of this label over all predictions of it.
        public var precision: Double
        /// Correct predictions of this label over all items with it.
        public var recall: Double
    }

    /// Every outcome, in set order.
    public var outcomes: [Outcome]

    /// Runs the matcher over a set. An item labeled with a topic the knowledge doesn't answer (an intent whose
    /// action is `fallback`: insurance, hours, off_topic…) expects the fallback, as leave-one-out does: the reply
    /// to it is the honest "I don't know", never that intent's answer, so it counts with the fallback lines.
    public init(matcher: Matcher, set: EvaluationSet) {
        outcomes = set.items.map { item in
            var item = item
            if matcher.knowledge.intent(item.label)?.action == .fallback { item.label = .fallback }
            return Self.outcome(item, matcher.match(item.text))
        }
    }

    /// Leave-one-out on the knowledge's own examples: each example is matched by a matcher built
    /// without it. Examples of topics marked `fallback` are expected to get the fallback.
    public init(leaveOneOutOf knowledge: Knowledge, configuration: MatcherConfiguration = MatcherConfiguration()) {
        outcomes = Matcher(knowledge: knowledge, configuration: configuration).leaveOneOut().map { entry in
            let intent = knowledge.intents[entry.intent]
            let label: IntentID = intent.action == .fallback ? .fallback : intent.id
            let item = EvaluationSet.Item(
                label: label, text: intent.examples[entry.example], line: intent.exampleLocations[entry.example].line ?? 0)
            return Self.outcome(item, entry.result)
        }
    }

    static func outcome(_ item: EvaluationSet.Item, _ result: MatchResult) -> Outcome {
        var outcome = decided(item, result)
        outcome.candidates = result.candidates
        return outcome
    }

    private static func decided(_ item: EvaluationSet.Item, _ result: MatchResult) -> Outcome {
        switch result.decision {
        case .answer(let id):
            return Outcome(item: item, predicted: id, clarifyOffered: false, confidence: result.confidence)
        case .clarify(let first, let second):
            return Outcome(
                item: item, predicted: .clarify, clarifyOffered: item.label == first || item.label == second,
                confidence: result.confidence)
        case .fallback:
            return Outcome(item: item, predicted: .fallback, clarifyOffered: false, confidence: result.confidence)
        }
    }

    /// Share of items whose decision is exactly their label (a clarify counts as wrong).
    public var accuracy: Double {
        ratio(outcomes.filter { $0.predicted == $0.item.label }.count, outcomes.count)
    }

    /// Share of items answered correctly or asked about with the right intent among the choices.
    public var accuracyCountingClarify: Double {
        ratio(outcomes.filter { $0.predicted == $0.item.label || $0.clarifyOffered }.count, outcomes.count)
    }

    /// Share of `fallback` items that got the fallback: off-topic and unanswered questions kept honest.
    public var fallbackRate: Double {
        let fallbacks = outcomes.filter { $0.item.label == .fallback }
        return ratio(fallbacks.filter { $0.predicted == .fallback }.count, fallbacks.count)
    }

    /// Share of in-domain items that wrongly got the fallback.
    public var missedRate: Double {
        let known = outcomes.filter { $0.item.label != .fallback }
        return ratio(known.filter { $0.predicted == .fallback }.count, known.count)
    }

    /// Share of fallback items that got a (wrong) answer: the guesses principle 2 forbids.
    public var guessRate: Double {
        let fallbacks = outcomes.filter { $0.item.label == .fallback }
        return ratio(fallbacks.filter { $0.predicted != .fallback && $0.predicted != .clarify }.count, fallbacks.count)
    }

    /// Share of all items answered with a wrong intent: an answer where the right reply was the fallback or another
    /// intent's answer. A clarify question or a fallback is not a guess (the visitor is asked, or told honestly).
    public var wrongAnswerRate: Double {
        ratio(outcomes.count(where: Self.isWrongAnswer), outcomes.count)
    }

    /// Whether an outcome answered with a wrong intent (see ``wrongAnswerRate``).
    static func isWrongAnswer(_ outcome: Outcome) -> Bool {
        outcome.predicted != .fallback && outcome.predicted != .clarify && outcome.predicted != outcome.item.label
    }

    /// Precision and recall for every label in the set, sorted by label.
    public var labelScores: [LabelScore] {
        let labels = Set(outcomes.map(\.item.label)).sorted()
        return labels.map { label in
            let support = outcomes.filter { $0.item.label == label }.count
            let predicted = outcomes.filter { $0.predicted == label }.count
            let correct = outcomes.filter { $0.predicted == label && $0.item.label == label }.count
            return LabelScore(
                label: label, support: support, precision: predicted == 0 ? 1 : ratio(correct, predicted),
                recall: ratio(correct, support))
        }
    }

    /// The most frequent (expected, predicted) mistakes, most frequent first.
    public func confusions(limit: Int = 10) -> [(expected: IntentID, predicted: IntentID, count: Int)] {
        var counts: [[IntentID]: Int] = [:]
        for outcome in outcomes where outcome.predicted != outcome.item.label {
            counts[[outcome.item.label, outcome.predicted], default: 0] += 1
        }
        return counts.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key.lexicographicallyPrecedes($1.key)) }
            .prefix(limit).map { ($0.key[0], $0.key[1], $0.value) }
    }

    /// The outcomes that were wrong.
    public var mistakes: [Outcome] {
        outcomes.filter { $0.predicted != $0.item.label }
    }

    private func ratio(_ part: Int, _ whole: Int) -> Double {
        whole == 0 ? 0 : Double(part) / Double(whole)
    }
}
