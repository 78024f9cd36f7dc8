import OpenDoorKit

extension ReopeningCallbackStore: CallbackAuditStore {
    public func mark(reference: String, as status: CallbackStatus, by staff: String) async throws -> CallbackRequest? {
        try await current().mark(reference: reference, as: status, by: staff)
    }

    public func statusChanges(limit: Int) async throws -> [CallbackStatusChange] {
        try await current().statusChanges(limit: limit)
    }
}
