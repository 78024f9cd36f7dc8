import Foundation
import Logging

extension Conversation {
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
        callbacksAvailable = store.acceptsRequests
        let reply = await answer(message, store: store, counts: counts)
        if let counter = store as? any ReplyCounting {
            counter.countReply(intent: reply.intent, topic: reply.intent == .fallback ? reply.topic : nil)
        }
        return reply
    }

    private mutating func answer(
        _ message: String, store: any CallbackStore, counts: (any CrisisCountStore)?
    ) async -> Reply {
        switch receive(message) {
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
