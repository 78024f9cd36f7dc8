import Logging

extension Conversation {
    /// Asks for the request sent in this conversation to be marked "crisis in chat" when this message brought a crisis
    /// reply or a check-in (QA31 S2-1): staff calling back know, as they do when the crisis came before sending. Only
    /// this conversation's own request, and once it is marked, never again. `markedBefore` is ``crisisReplied`` before
    /// the message was read.
    mutating func noteCrisisAfterSending(_ step: Step, markedBefore: Bool) {
        guard case .reply(let reply) = step, let reference = sentRequest, !sentMarked else { return }
        let safetyReply = reply.intent == .crisis || (reply.intent == .crisisCheck && reply.crisis)
        // A failed mark is tried again at the next crisis reply or check-in, not at every message after it.
        guard safetyReply || (crisisReplied && !markedBefore) else { return }
        crisisMarkPending = reference
    }

    /// Marks the sent request asked for by ``noteCrisisAfterSending(_:markedBefore:)`` in `store`. Never throws: the
    /// visitor's reply doesn't depend on it. A mark that can't be written is logged (reference and error code, never
    /// words).
    mutating func markSentRequest(in store: any CallbackStore) async {
        guard let reference = crisisMarkPending else { return }
        crisisMarkPending = nil
        do {
            if try await store.markCrisisInChat(reference: reference) == nil {
                logger.warning(
                    "sent callback request not found to mark crisis in chat", metadata: ["reference": "\(reference)"])
            }
            sentMarked = true
        } catch {
            let code = (error as? CallbackStoreError).map { "\($0.code)" } ?? "\(type(of: error))"
            logger.error(
                "could not mark the sent callback request crisis in chat",
                metadata: ["reference": "\(reference)", "error.code": "\(code)"])
        }
    }
}
