import CoreMetrics
import Foundation
import OpenDoorKit

/// A callback store that counts saves and failed saves, and tells `onSave` about each saved request, around
/// another store that does the work.
///
/// `onSave` runs after the store has committed and before the visitor's reply is written, so it must return at
/// once (a webhook queues the request and delivers it elsewhere). Everything else is the wrapped store's:
/// availability, reading, marking, closing, and reply and crisis counts when it keeps them.
public struct ObservedCallbackStore: CallbackStore, CrisisCountStore, CrisisCounting, ReplyCounting, ReplyCountStore {
    /// The store that saves.
    public let base: any CallbackStore
    /// `base` when it counts replies: looked up once, not for every reply.
    private let replyCounter: (any ReplyCounting)?
    /// `base` when it counts crises in memory: looked up once.
    private let crisisCounter: (any CrisisCounting)?
    private let factory: any MetricsFactory
    private let saveFailures: Counter
    private let onSave: @Sendable (CallbackRequest) -> Void

    /// Wraps `base`; counts through `factory` (the process's swift-metrics backend by default).
    public init(
        _ base: any CallbackStore, factory: any MetricsFactory = MetricsSystem.factory,
        onSave: @escaping @Sendable (CallbackRequest) -> Void = { _ in }
    ) {
        self.base = base
        self.factory = factory
        self.onSave = onSave
        replyCounter = base as? any ReplyCounting
        crisisCounter = base as? any CrisisCounting
        saveFailures = Counter(label: MetricName.callbackSaveFailures.rawValue, factory: factory)
    }

    public func save(_ draft: CallbackDraft, channel: CallbackChannel) async throws -> CallbackRequest {
        try await save(draft, channel: channel, key: UUID())
    }

    public func save(_ draft: CallbackDraft, channel: CallbackChannel, key: UUID) async throws -> CallbackRequest {
        let request: CallbackRequest
        do {
            request = try await base.save(draft, channel: channel, key: key)
        } catch {
            saveFailures.increment()
            throw error
        }
        Counter(
            label: MetricName.callbacksSaved.rawValue, dimensions: [("channel", request.channel.rawValue)],
            factory: factory
        ).increment()
        onSave(request)
        return request
    }

    public func list(status: CallbackStatus?) async throws -> [CallbackRequest] {
        try await base.list(status: status)
    }

    public func list(status: CallbackStatus?, limit: Int, oldestFirst: Bool) async throws -> [CallbackRequest] {
        try await base.list(status: status, limit: limit, oldestFirst: oldestFirst)
    }

    public func listing(status: CallbackStatus?, limit: Int?, oldestFirst: Bool) async throws -> CallbackListing {
        try await base.listing(status: status, limit: limit, oldestFirst: oldestFirst)
    }

    public func listingPage(status: CallbackStatus?, after cursor: CallbackCursor?, limit: Int) async throws -> CallbackPage {
        try await base.listingPage(status: status, after: cursor, limit: limit)
    }

    public func requestCounts(on days: [CountDay]) async throws -> [RequestCount] {
        try await base.requestCounts(on: days)
    }

    public func find(reference: String) async throws -> CallbackRequest? {
        try await base.find(reference: reference)
    }

    public func mark(reference: String, as status: CallbackStatus) async throws -> CallbackRequest? {
        try await base.mark(reference: reference, as: status)
    }

    public func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
        try await base.markCrisisInChat(reference: reference)
    }
    public func purge(olderThan cutoff: Date) async throws -> Int {
        try await base.purge(olderThan: cutoff)
    }

    public func close() async throws {
        try await base.close()
    }

    public var acceptsRequests: Bool { base.acceptsRequests }

    public func recheck() async {
        await base.recheck()
    }

    /// Recorded in the wrapped store when it keeps crisis counts; otherwise not kept, as without the wrapper.
    public func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) async throws {
        try await (base as? any CrisisCountStore)?.recordCrisis(category, level: level, day: day)
    }

    public func crisisCounts(since day: String) async throws -> [CrisisCount] {
        try await (base as? any CrisisCountStore)?.crisisCounts(since: day) ?? []
    }

    /// Counted by the wrapped store when it counts crises; otherwise not counted, as without the wrapper.
    public func countCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) {
        crisisCounter?.countCrisis(category, level: level, day: day)
    }

    @discardableResult
    public func flushCounts() async -> Bool {
        await crisisCounter?.flushCounts() ?? true
    }

    /// Counted by the wrapped store when it counts replies; otherwise not counted, as without the wrapper.
    public func countReply(intent: IntentID, topic: IntentID?) {
        replyCounter?.countReply(intent: intent, topic: topic)
    }

    /// Added to the wrapped store when it keeps reply counts; otherwise not kept.
    public func addReplyCounts(_ counts: [ReplyCount]) async throws {
        try await (base as? any ReplyCountStore)?.addReplyCounts(counts)
    }

    public func replyCounts(since day: String) async throws -> [ReplyCount] {
        try await (base as? any ReplyCountStore)?.replyCounts(since: day) ?? []
    }
}
