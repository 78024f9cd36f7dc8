import Foundation
import Logging

extension Conversation {
    /// What ``respondAtOnce(to:store:)`` did with a message.
    public enum Turn: Sendable {
        /// The reply, already counted: nothing to wait for.
        case replied(Reply)
        /// The conversation has moved on and something must be awaited before the reply (a confirmed request
        /// to save, a crisis to count): pass it to ``finish(_:store:counts:)``.
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
    /// are told plainly and given the center's number. While the store can't save (see
    /// ``CallbackStore/acceptsRequests``), a callback is neither offered nor started: the visitor gets the
    /// center's number at once instead of a request that can't be kept. A crisis reply or check-in is counted
    /// (category, level and day, never the text) in `counts`, or in `store` when it keeps counts too; a failed
    /// count never delays or changes the reply. When `store` counts replies (``ReplyCounting``), every reply is
    /// counted by intent and fallback topic, in memory; never its text.
    public mutating func respond(
        to message: String, store: any CallbackStore, counts: (any CrisisCountStore)? = nil
    ) async -> Reply {
        if !store.acceptsRequests { await store.recheck() }
        switch turn(message, store: store) {
        case .replied(let reply):
            return reply
        case .waiting(let step):
            return await finish(step, store: store, counts: counts)
        }
    }

    /// What ``respond(to:store:counts:)`` does, without suspending when nothing needs waiting for: most
    /// messages on a busy server. Nil (and nothing done) while the store doesn't accept requests, which
    /// ``respond(to:store:counts:)`` rechecks first; otherwise the reply, or the step to ``finish(_:store:counts:)``.
    public mutating func respondAtOnce(to message: String, store: any CallbackStore) -> Turn? {
        guard store.acceptsRequests else { return nil }
        return turn(message, store: store)
    }

    /// The reply to a step ``respondAtOnce(to:store:)`` left waiting: the request saved (or the failure told), the
    /// crisis counted; then the reply is counted.
    public mutating func finish(
        _ step: Step, store: any CallbackStore, counts: (any CrisisCountStore)? = nil
    ) async -> Reply {
        let reply = await answer(step, store: store, counts: counts)
        count(reply, in: store)
        return reply
    }

    private mutating func turn(_ message: String, store: any CallbackStore) -> Turn {
        callbacksAvailable = store.acceptsRequests
        let step = receive(message)
        guard case .reply(let reply) = step, !(reply.crisis && reply.safety != nil) else { return .waiting(step) }
        count(reply, in: store)
        return .replied(reply)
    }

    private func count(_ reply: Reply, in store: any CallbackStore) {
        if let counter = store as? any ReplyCounting {
            counter.countReply(intent: reply.intent, topic: reply.intent == .fallback ? reply.topic : nil)
        }
    }

    private mutating func answer(
        _ step: Step, store: any CallbackStore, counts: (any CrisisCountStore)?
    ) async -> Reply {
        switch step {
        case .reply(let reply):
            if let finding = reply.safety, reply.crisis, let counter = counts ?? (store as? any CrisisCountStore) {
                await record(finding, in: counter)
            }
            return reply
        case .save(let draft):
            do {
                let request = try await store.save(draft, channel: channel)
                return saved(request)
            } catch {
                return saveFailed(error)
            }
        }
    }

    private func record(_ finding: CrisisAssessment, in counter: any CrisisCountStore) async {
        do {
            try await counter.recordCrisis(
                finding.category, level: finding.level, day: CrisisCount.day(of: Date()))
        } catch {
            logger.error("crisis count not recorded", metadata: ["error": "\(type(of: error))"])
        }
    }
}
