import Foundation

/// The saves a SQLite store committed but could not read back, by the caller's save key: a visitor who sends the
/// same request again gets that one back (confirmed, or updated) instead of a second row.
///
/// Bounded: only the most recent ``capacity`` are kept, so a store failing every read-back for days holds a few
/// kilobytes. A key forgotten that way costs at most one duplicate request, which staff see side by side.
struct UnconfirmedSaves {
    /// How many unconfirmed saves are remembered at most.
    static let capacity = 256

    private var references: [UUID: String] = [:]
    private var order: [UUID] = []

    /// The reference saved under `key`, if that save is unconfirmed.
    func reference(for key: UUID) -> String? {
        references[key]
    }

    /// Remembers that the save under `key` committed as `reference` but was not confirmed.
    mutating func remember(_ reference: String, for key: UUID) {
        if references.updateValue(reference, forKey: key) == nil { order.append(key) }
        while order.count > Self.capacity { references[order.removeFirst()] = nil }
    }

    /// The save under `key` was confirmed (or never needed to be).
    mutating func forget(_ key: UUID) {
        guard references.removeValue(forKey: key) != nil else { return }
        order.removeAll { $0 == key }
    }
}
