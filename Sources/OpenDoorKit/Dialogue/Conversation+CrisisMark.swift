import Logging

extension Conversation {
    /// Asks for the request sent in this conversation to be marked "crisis in chat" when this message brought a crisis
    /// reply or a check-in (QA31 S2-1): staff calling back know, as they do when the crisis came before sending. Only
    /// this conversation's own request, and once it is marked, never again. `markedBefore` is ``crisisReplied`` before
    /// the message was read.
    mutating func noteCrisisAfterSending(_ step: Step, markedBefore: Bool) {
        guard case .reply(let reply) = step, let reference = sentRequest, !sentMarked else { return }
        let safetyReply = reply.intent == .crisis || (reply.intent == .crisisCheck && reply.crisis)
        // A crisis reply or check-in, or the first message of this conversation to bring one (the mark is tried once).
        guard safetyReply || (crisisReplied && !markedBefore) else { return }
        crisisMarkPending = reference
    }

    /// How long a crisis reply waits for the mark before it goes out anyway (the mark goes on after it): a store
    /// that is down or slow retries for seconds, and the crisis reply must not wait for that.
    static let crisisMarkWait: Duration = .seconds(1)

    /// Marks the sent request asked for by ``noteCrisisAfterSending(_:markedBefore:)`` in `store`, waiting for it at
    /// most ``crisisMarkWait``. Never throws: the visitor's reply doesn't depend on it. Tried once: a mark that can't
    /// be written is logged (reference and error code, never words).
    mutating func markSentRequest(in store: any CallbackStore) async {
        guard let reference = crisisMarkPending else { return }
        crisisMarkPending = nil
        sentMarked = true
        let logger = self.logger
        let mark = Task {
            do {
                if try await store.markCrisisInChat(reference: reference) == nil {
                    logger.warning(
                        "sent callback request not found to mark crisis in chat", metadata: ["reference": "\(reference)"])
                }
            } catch {
                logger.error(
                    "could not mark the sent callback request crisis in chat",
                    metadata: ["reference": "\(reference)", "error.code": "\(CallbackStoreError.logCode(of: error))"])
            }
        }
        await Self.wait(for: mark, atMost: Self.crisisMarkWait)
    }

    /// Returns when `task` has finished or `limit` has passed, whichever comes first; `task` goes on either way.
    static func wait(for task: Task<Void, Never>, atMost limit: Duration) async {
        // Whichever ends the stream first wakes the wait; finishing it again does nothing.
        let (ended, end) = AsyncStream<Never>.makeStream()
        let timer = Task {
            try? await Task.sleep(for: limit)
            end.finish()
        }
        Task {
            await task.value
            end.finish()
        }
        for await _ in ended {}
        timer.cancel()
    }
}
