import Foundation

/// One change of a callback request's status, as the audit keeps it: who, when, from which status to which,
/// and the request's reference code. Never a name or a phone number.
public struct CallbackStatusChange: Sendable, Hashable, Codable {
    /// The request's reference code.
    public var reference: String
    /// The status before the change.
    public var from: CallbackStatus
    /// The status after the change.
    public var to: CallbackStatus
    /// The staff account that made the change.
    public var staff: String
    /// When the change was made (whole milliseconds, as stored).
    public var at: Date

    /// Creates a change.
    public init(reference: String, from: CallbackStatus, to: CallbackStatus, staff: String, at: Date) {
        self.reference = reference
        self.from = from
        self.to = to
        self.staff = staff
        self.at = at
    }
}

/// A callback store that records who changed a request's status: the staff console marks requests only
/// through it. The SQLite and PostgreSQL stores implement it.
public protocol CallbackAuditStore: CallbackStore {
    /// Sets a request's status and records the change (who, when, from which status) in the same transaction;
    /// returns the request updated, or nil when there is no such request. Marking a request with the status it
    /// already has changes nothing and records nothing.
    func mark(reference: String, as status: CallbackStatus, by staff: String) async throws -> CallbackRequest?

    /// The latest status changes, newest first, at most `limit`.
    func statusChanges(limit: Int) async throws -> [CallbackStatusChange]
}
