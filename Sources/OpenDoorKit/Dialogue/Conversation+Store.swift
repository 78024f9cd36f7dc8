import Foundation

extension Conversation {
    /// What ``respondAtOnce(to:store:)`` did with a message.
    public enum Turn: Sendable {
        /// The reply, already counted: nothing to wait for.
        case replied(Reply)
        /// The visitor confirmed a callback request, which must be saved before the reply: pass it to
        /// ``finish(_:store:)``.
        case waiting(Step)
    }

    /// The opening reply, with the offer of a call only while `store` can save requests: while it can't (a full
    /// disk, the database away), the welcome gives the center's number instead. Conversations started once it can
    /// save again offer it again.
    public mutating func start(store: any CallbackStore) -> Reply {
        callbacksAvailable = store.acceptsRequests
        return start()
    }

    /// The reply to one message, saving a confirmed callback request in `store` first when there is one.
    ///
    /// The visitor is told "saved" only after the store has committed the request; if saving fails they
    /// are told plainly and given the center's number, and the request is kept for "try again" (see
    /// ``saveFailed(_:)``). While the store can't save (see
    /// ``CallbackStore/acceptsRequests``), a callback is neither offered nor started: the visitor gets the
    /// center's number at once instead of a request that can't be kept. A crisis reply or check-in is counted
    /// (category, level and day, never the text) in `counts`, or in `store` when it counts crises
    /// (``CrisisCounting``): in memory, so the reply never waits for the count's write; see
    /// ``countsCrisis(_:)`` for which are counted. When `store` counts replies (``ReplyCounting``), every reply
    /// is counted by intent and fallback topic, in memory; never its text.
    public mutating func respond(
        to message: String, store: any CallbackStore, counts: (any CrisisCounting)? = nil
    ) async -> Reply {
        if !store.acceptsRequests { await store.recheck() }
        switch turn(message, store: store, counts: counts) {
        case .replied(let reply):
            return reply
        case .waiting(let step):
            return await finish(step, store: store, counts: counts)
        }
    }

    /// What ``respond(to:store:counts:)`` does, without suspending when nothing needs waiting for: every message
    /// but a confirmed request. Nil (and nothing done) while the store doesn't accept requests, which
    /// ``respond(to:store:counts:)`` rechecks first; otherwise the reply, or the step to ``finish(_:store:)``.
    public mutating func respondAtOnce(to message: String, store: any CallbackStore) -> Turn? {
        guard store.acceptsRequests else { return nil }
        return turn(message, store: store, counts: nil)
    }

    /// The reply to a step ``respondAtOnce(to:store:)`` left waiting: the request saved (or the failure told);
    /// then the reply is counted.
    /// A crisis reply given with the save ("send it. i took all my pills") is counted as any other, in `counts` or
    /// in `store` when it counts crises.
    public mutating func finish(_ step: Step, store: any CallbackStore, counts: (any CrisisCounting)? = nil) async -> Reply {
        // A crisis after "Sent.": the request already sent is marked for staff before the reply; the reply is the
        // crisis reply whatever the store says.
        await markSentRequest(in: store)
        let reply: Reply
        switch step {
        case .reply(let given):
            reply = given
        case .save(let draft):
            // A request after an unconfirmed one reuses its key: if that one landed late, it is updated, not doubled.
            let key = unconfirmedSaveKey ?? UUID()
            do {
                reply = saved(try await store.save(draft, channel: channel, key: key))
                unconfirmedSaveKey = nil
            } catch {
                unconfirmedSaveKey = (error as? CallbackStoreError)?.code == .unconfirmed ? key : nil
                reply = saveFailed(error)
            }
        }
        if reply.crisis, let finding = reply.safety, let counter = counts ?? (store as? any CrisisCounting),
            countsCrisis(finding)
        {
            counter.countCrisis(finding.category, level: finding.level, day: CrisisCount.day(of: Date()))
        }
        count(reply, in: store)
        return reply
    }

    /// Whether a crisis reply or check-in is counted as a new crisis event: one conversation counts as one event
    /// unless it gets worse. The first crisis reply or check-in of a conversation is counted; after it, a safety
    /// reply is counted only when its level is above every level counted so far (a check-in answered "yes", so
    /// the crisis reply follows). The follow-ups of a crisis reply or a check-in ("are you safe right now?" and
    /// the replies to its answers), and a second worrying message at the same level, are not new events.
    mutating func countsCrisis(_ finding: CrisisAssessment) -> Bool {
        if let counted = countedCrisisLevel, finding.level <= counted { return false }
        countedCrisisLevel = finding.level
        return true
    }

    private mutating func turn(
        _ message: String, store: any CallbackStore, counts: (any CrisisCounting)?
    ) -> Turn {
        callbacksAvailable = store.acceptsRequests
        let step = receive(message)
        guard case .reply(let reply) = step, crisisMarkPending == nil else { return .waiting(step) }
        if reply.crisis, let finding = reply.safety, let counter = counts ?? (store as? any CrisisCounting),
            countsCrisis(finding)
        {
            counter.countCrisis(finding.category, level: finding.level, day: CrisisCount.day(of: Date()))
        }
        count(reply, in: store)
        return .replied(reply)
    }

    private func count(_ reply: Reply, in store: any CallbackStore) {
        if let counter = store as? any ReplyCounting {
            counter.countReply(intent: reply.intent, topic: reply.intent == .fallback ? reply.topic : nil)
        }
    }
}
