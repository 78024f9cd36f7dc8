import OpenDoorKit

extension ReopeningCallbackStore: CallbackAuditStore {
    public func mark(reference: String, as status: CallbackStatus, by staff: String) async throws -> CallbackRequest? {
        try await current().mark(reference: reference, as: status, by: staff)
    }

    public func statusChanges(limit: Int) async throws -> [CallbackStatusChange] {
        try await current().statusChanges(limit: limit)
    }

    public func statusChanges(after cursor: StatusChangeCursor?, limit: Int) async throws -> StatusChangePage {
        try await current().statusChanges(after: cursor, limit: limit)
    }
}
