extension Conversation {
    /// The reply to one message, saving a confirmed callback request in `store` first when there is one.
    ///
    /// The visitor is told "saved" only after the store has committed the request; if saving fails they
    /// are told plainly and given the center's number. While the store can't save (see
    /// ``CallbackStore/acceptsRequests``), a callback is neither offered nor started: the visitor gets the
    /// center's number at once instead of a request that can't be kept.
    public mutating func respond(to message: String, store: any CallbackStore) async -> Reply {
        if !store.acceptsRequests { await store.recheck() }
        callbacksAvailable = store.acceptsRequests
        switch receive(message) {
        case .reply(let reply):
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
}
