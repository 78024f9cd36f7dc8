/// One intent the matcher considered, with how sure it is.
public struct MatchCandidate: Sendable, Hashable {
    /// The intent.
    public var intent: IntentID
    /// How sure the matcher is that this intent is meant, from 0 to 1: the learned probability blended
    /// with ``similarity``.
    public var confidence: Double
    /// How much the message looks like the intent's examples (TF-IDF cosine), from 0 (no shared word) to
    /// 1 (exactly an example): the evidence the fallback threshold is checked against.
    public var similarity: Double = 0
    /// The message's tokens the intent's examples share.
    public var matchedWords: [String]
}

/// What to do with a message.
public enum MatchDecision: Sendable, Hashable {
    /// Confident: answer with this intent.
    case answer(IntentID)
    /// Two intents are close: ask which one was meant.
    case clarify(IntentID, IntentID)
    /// Nothing fits, or the topic is one the knowledge doesn't answer (`topic` names it when known).
    case fallback(topic: IntentID?)

    /// "answer", "clarify" or "fallback", for explanations and evaluation.
    public var name: String {
        switch self {
        case .answer: "answer"
        case .clarify: "clarify"
        case .fallback: "fallback"
        }
    }
}

/// Everything the matcher worked out for one message.
public struct MatchResult: Sendable, Hashable {
    /// How the message was read.
    public var analysis: Analysis
    /// The best intents, best first.
    public var candidates: [MatchCandidate]
    /// What to do.
    public var decision: MatchDecision
    /// Another question the message asks that another intent answers, offered as an option.
    public var alsoAsked: IntentID?
    /// A question the message asks beside the one answered that the knowledge knows it doesn't answer
    /// (an `action: fallback` topic like `insurance`): the reply answers the one and says so of the other.
    public var alsoUnknown: IntentID?

    /// For a long message, each request read without the story and whether the answer addresses it (see
    /// ``Answerability``), for explanations: empty when the message wasn't checked.
    public var answerability: [Answerability] = []

    /// The message as the matcher read it (``TextNormalizer/folded(_:)``): what ``asksNothing`` reads.
    var folded = ""

    /// Whether the message asks nothing: no question mark, and no clause that asks by its words ("i dont want to see
    /// my old counselor again"). An answer's opening that only answers a question is left out then (QA36 S3-5).
    /// Worked out when asked: only a reply whose answer opens with a `question_only` word needs it, and it walks the
    /// message's clauses (``MessageParts``), a cost no other message should pay.
    public var asksNothing: Bool {
        !folded.utf8.contains(UInt8(ascii: "?")) && MessageParts(folded).askingTails(last: 1).isEmpty
    }

    /// The best candidate's confidence, or 0.
    public var confidence: Double { candidates.first?.confidence ?? 0 }
}
