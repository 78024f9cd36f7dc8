import Foundation
import OpenDoorKit

/// A test store that hands every ``CallbackStore`` call to `base`: a store that adds a protocol (counting
/// replies) or leaves one out (no counts at all) needs to write only that part.
public protocol ForwardingCallbackStore: CallbackStore {
    associatedtype Base: CallbackStore
    /// The store that does the work.
    var base: Base { get }
}

extension ForwardingCallbackStore {
    public func save(_ draft: CallbackDraft, channel: CallbackChannel) async throws -> CallbackRequest {
        try await base.save(draft, channel: channel)
    }
    public func list(status: CallbackStatus?) async throws -> [CallbackRequest] { try await base.list(status: status) }
    public func find(reference: String) async throws -> CallbackRequest? { try await base.find(reference: reference) }
    public func requestCounts(on days: [CountDay]) async throws -> [RequestCount] {
        try await base.requestCounts(on: days)
    }
    public func mark(reference: String, as status: CallbackStatus) async throws -> CallbackRequest? {
        try await base.mark(reference: reference, as: status)
    }
    public func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
        try await base.markCrisisInChat(reference: reference)
    }
    public func purge(olderThan cutoff: Date) async throws -> Int { try await base.purge(olderThan: cutoff) }
    public func close() async throws { try await base.close() }
}
