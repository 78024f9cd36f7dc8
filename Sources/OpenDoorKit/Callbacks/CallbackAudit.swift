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

    /// Up to `limit` status changes after `cursor` (from the first when nil), in the order they were recorded, and
    /// where the next page starts (nil after a page short of `limit`).
    func statusChanges(after cursor: StatusChangeCursor?, limit: Int) async throws -> StatusChangePage
}

/// Where a page of status changes ended: the last change's row id. Pages run in the order changes were recorded
/// (by id, the primary key's order: each page an index range, however long the audit).
public struct StatusChangeCursor: Hashable, Sendable {
    /// The change's row id.
    public var id: Int64

    public init(id: Int64) {
        self.id = id
    }
}

/// One page of ``CallbackAuditStore/statusChanges(after:limit:)``.
public struct StatusChangePage: Sendable {
    /// The changes, in the order recorded.
    public var changes: [CallbackStatusChange]
    /// Where the next page starts; nil when none follows.
    public var next: StatusChangeCursor?

    public init(changes: [CallbackStatusChange], next: StatusChangeCursor?) {
        self.changes = changes
        self.next = next
    }
}

extension CallbackAuditStore {
    /// Up to `limit` status changes after `cursor` (from the first when nil), in the order recorded: the audit read a
    /// page at a time (`callbacks copy`). The SQLite and PostgreSQL stores read each page with its own query; this default
    /// reads ``statusChanges(limit:)`` whole and cuts it, with positions for ids.
    public func statusChanges(after cursor: StatusChangeCursor?, limit: Int) async throws -> StatusChangePage {
        let all = Array(try await statusChanges(limit: Int.max).reversed())
        let start = cursor.map { Int($0.id) } ?? 0
        let page = Array(all.dropFirst(start).prefix(max(1, limit)))
        let end = start + page.count
        return StatusChangePage(changes: page, next: end < all.count ? StatusChangeCursor(id: Int64(end)) : nil)
    }

    /// Reads every status change a page of `pageSize` at a time, in the order recorded, handing each page to `body`.
    public func forEachStatusChangePage(pageSize: Int, _ body: ([CallbackStatusChange]) async throws -> Void) async throws {
        var cursor: StatusChangeCursor?
        repeat {
            let page = try await statusChanges(after: cursor, limit: pageSize)
            try await body(page.changes)
            cursor = page.next
        } while cursor != nil
    }
}
