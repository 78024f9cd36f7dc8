import Foundation
import GRDB
import OpenDoorKit

extension SQLiteCallbackStore {
    /// What the store was doing when something failed; decides the code for failures with no
    /// better one.
    enum Operation {
        case open
        case save
        case read
    }

    /// Maps any error to a ``CallbackStoreError`` naming `path`.
    ///
    /// Reasons come from SQLite's own message ("database or disk is full") or the file system,
    /// never from GRDB's descriptions, which may quote SQL arguments or whole rows (a name, a number).
    static func storeError(
        _ error: any Error,
        during operation: Operation,
        path: String,
        busyTimeout: Duration
    ) -> CallbackStoreError {
        if let error = error as? CallbackStoreError {
            return error.naming(path: path)
        }
        guard let error = error as? DatabaseError else {
            let reason = "unexpected \(String(describing: type(of: error)))"
            return fallback(operation, path: path, reason: reason)
        }
        let reason = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_READONLY:
            return .readOnly(path: path)
        case .SQLITE_FULL:
            return .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .locked(path: path, timeout: busyTimeout)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .damaged(path: path, reason: reason)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return .cannotOpen(path: path, reason: reason)
        default:
            return fallback(operation, path: path, reason: reason)
        }
    }

    private static func fallback(_ operation: Operation, path: String, reason: String) -> CallbackStoreError {
        switch operation {
        case .open: .cannotOpen(path: path, reason: reason)
        case .save: .saveFailed(reason: reason, path: path)
        case .read: .readFailed(reason: reason, path: path)
        }
    }
}
