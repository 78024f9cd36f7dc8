import Logging

/// Everything a conversation needs that does not change while it runs: the knowledge, the matcher and
/// the crisis detector. Built once and shared by every conversation (it is an immutable value).
public struct Assistant: Sendable {
    /// The knowledge.
    public var knowledge: Knowledge { responder.matcher.knowledge }
    /// Turns matches into replies.
    public let responder: Responder
    /// Checks every message for crisis before anything else.
    public let safety: CrisisDetector
    /// The callback steps' answer phrases, split into words once here rather than for every message.
    let stepAnswers: StepAnswer

    /// Creates an assistant.
    public init(knowledge: Knowledge, safety: CrisisDetector, configuration: MatcherConfiguration = MatcherConfiguration())
    {
        self.responder = Responder(matcher: Matcher(knowledge: knowledge, configuration: configuration))
        self.safety = safety
        self.stepAnswers = StepAnswer(knowledge.dialogue)
    }

    /// A new conversation for one visitor.
    public func makeConversation(channel: CallbackChannel, logger: Logger = Logger(label: "opendoor.conversation"))
        -> Conversation
    {
        Conversation(assistant: self, channel: channel, logger: logger)
    }
}
