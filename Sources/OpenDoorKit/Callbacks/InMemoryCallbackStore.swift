import Foundation

/// A ``CallbackStore`` that keeps requests in memory, for tests of the dialogue, the server and the
/// commands. It can be told to fail saves, to test what the visitor hears when saving fails.
public actor InMemoryCallbackStore: CallbackStore {
    private var requests: [CallbackRequest] = []
    private var nextID: Int64 = 1
    private var saveFailure: CallbackStoreError?
    private var isClosed = false
    private let now: @Sendable () -> Date
    private let makeReference: @Sendable () -> String

    /// Creates an empty store.
    ///
    /// - Parameters:
    ///   - failingSavesWith: an error every ``save(_:channel:)`` throws, until ``failSaves(with:)``
    ///     changes it; nil (the default) to save normally.
    ///   - now: the clock for ``CallbackRequest/created``; tests pass a fixed one.
    ///   - makeReference: draws reference codes; tests pass one that repeats to test collisions.
    public init(
        failingSavesWith saveFailure: CallbackStoreError? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        makeReference: @escaping @Sendable () -> String = { ReferenceCode.random() }
    ) {
        self.saveFailure = saveFailure
        self.now = now
        self.makeReference = makeReference
    }

    /// Makes every later save throw `error` (a real store's `.diskFull()`, say); nil to save again.
    public func failSaves(with error: CallbackStoreError?) {
        saveFailure = error
    }

    /// How many requests are stored.
    public var count: Int { requests.count }

    public func save(_ draft: CallbackDraft, channel: CallbackChannel) throws -> CallbackRequest {
        try checkOpen()
        if let saveFailure { throw saveFailure }
        var reference = makeReference()
        var attempts = 1
        while requests.contains(where: { $0.reference == reference }) {
            guard attempts < 32 else { throw CallbackStoreError.saveFailed(reason: "no unused reference code found") }
            reference = makeReference()
            attempts += 1
        }
        let request = CallbackRequest(id: nextID, reference: reference, created: now(), draft: draft, channel: channel)
        nextID += 1
        requests.append(request)
        return request
    }

    public func list(status: CallbackStatus?) throws -> [CallbackRequest] {
        try checkOpen()
        return requests.filter { status == nil || $0.status == status }.sorted(by: CallbackRequest.newestFirst)
    }

    public func find(reference: String) throws -> CallbackRequest? {
        try checkOpen()
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        return requests.first { $0.reference == reference }
    }

    public func mark(reference: String, as status: CallbackStatus) throws -> CallbackRequest? {
        try update(reference) { $0.status = status }
    }

    public func markCrisisInChat(reference: String) throws -> CallbackRequest? {
        try update(reference) { $0.crisisInChat = true }
    }

    /// The request with `reference` (typed in any case) after `change`, or nil when there is none.
    private func update(_ reference: String, _ change: (inout CallbackRequest) -> Void) throws -> CallbackRequest? {
        try checkOpen()
        guard let reference = ReferenceCode.normalized(reference),
            let index = requests.firstIndex(where: { $0.reference == reference })
        else { return nil }
        change(&requests[index])
        return requests[index]
    }

    public func purge(olderThan cutoff: Date) throws -> Int {
        try checkOpen()
        let before = requests.count
        requests.removeAll { $0.created < cutoff }
        return before - requests.count
    }

    public func close() {
        isClosed = true
    }

    private func checkOpen() throws {
        if isClosed { throw CallbackStoreError.closed() }
    }
}
