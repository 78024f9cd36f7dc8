import Logging

/// Times `Conversation.receive`: what the chat server spends on a message beside its sockets, on messages as the load
/// benchmark sends them (one conversation answering a visitor's questions in turn).
public enum ConversationBenchmark {
    /// What one run measured.
    public struct Run: Sendable {
        /// Per message, in microseconds.
        public var latency: MatcherBenchmark.Latency
        /// The mean per message, in microseconds: what a busy server's CPU per message follows.
        public var mean: Double
    }

    /// Each of `messages` in turn to one conversation, `turns` messages a conversation (then a new one, as a visitor
    /// who hangs up and comes back), `rounds` times over the list. The opening reply of each conversation is not timed.
    public static func run(assistant: Assistant, messages: [String], turns: Int, rounds: Int) -> Run {
        precondition(!messages.isEmpty && turns > 0 && rounds > 0)
        var logger = Logger(label: "opendoor.bench")
        logger.logLevel = .critical
        var samples: [UInt64] = []
        samples.reserveCapacity(messages.count * rounds)
        var conversation = assistant.makeConversation(channel: .socket, logger: logger)
        _ = conversation.start()
        var given = 0
        var answered = 0
        for _ in 0..<rounds {
            for message in messages {
                if given == turns {
                    conversation = assistant.makeConversation(channel: .socket, logger: logger)
                    _ = conversation.start()
                    given = 0
                }
                samples.append(
                    MatcherBenchmark.nanoseconds {
                        if case .reply = conversation.receive(message) { answered += 1 }
                    })
                given += 1
            }
        }
        precondition(answered >= 0)
        let total = samples.reduce(0, +)
        return Run(latency: MatcherBenchmark.latency(samples), mean: Double(total) / Double(samples.count) / 1_000)
    }
}
