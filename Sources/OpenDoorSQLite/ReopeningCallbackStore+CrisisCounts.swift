import OpenDoorKit

extension ReopeningCallbackStore: CrisisCountStore {
    /// Counts in the store it holds; while that store can't be written, the count is lost (and logged by the
    /// conversation), never the reply.
    public func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) async throws {
        try await current().recordCrisis(category, level: level, day: day)
    }

    public func crisisCounts(since day: String) async throws -> [CrisisCount] {
        try await current().crisisCounts(since: day)
    }
}
