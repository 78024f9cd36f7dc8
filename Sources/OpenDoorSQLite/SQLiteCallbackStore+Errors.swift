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
        directory: String,
        busyTimeout: Duration
    ) -> CallbackStoreError {
        if let error = error as? CallbackStoreError {
            if error.code == .cannotOpen || error.code == .saveFailed,
                let found = fileSystemError(directory: directory)
            {
                return found.naming(path: path)
            }
            return error.naming(path: path)
        }
        guard let error = error as? DatabaseError else {
            let reason = "unexpected \(String(describing: type(of: error)))"
            return fallback(operation, path: path, reason: reason)
        }
        let reason = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_READONLY:
            // A read-only mount says so (root may write every file, so permissions are not why).
            if let found = fileSystemError(directory: directory), found.code == .readOnly {
                return found.naming(path: path)
            }
            return .readOnly(path: path)
        case .SQLITE_FULL:
            return .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .locked(path: path, timeout: busyTimeout)
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .damaged(path: path, reason: reason)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH, .SQLITE_IOERR:
            // SQLite says "disk I/O error" or "unable to open database file" for a full disk, a
            // read-only one, a missing folder and a permission problem alike: ask the file system.
            return fileSystemError(directory: directory)?.naming(path: path)
                ?? (operation == .open || error.resultCode != .SQLITE_IOERR
                    ? .cannotOpen(path: path, reason: reason) : fallback(operation, path: path, reason: reason))
        default:
            return fallback(operation, path: path, reason: reason)
        }
    }

    /// What the file system says is wrong with the folder, if anything: missing, read-only, full, or
    /// not writable by this user. Nil when it looks fine.
    static func fileSystemError(directory: String) -> CallbackStoreError? {
        var info = stat()
        if stat(directory, &info) != 0 {
            return errno == ENOENT
                ? .notFound(path: directory, reason: "the folder does not exist") : posixError(errno, path: directory)
        }
        guard let volume = Volume.of(directory) else { return nil }
        if volume.isReadOnly { return .readOnly(reason: CallbackStoreError.readOnlyMount) }
        if volume.freeBytes < minimumFreeBytes { return .diskFull() }
        if !volume.isWritable { return .permissionDenied(path: directory) }
        return nil
    }

    private static func fallback(_ operation: Operation, path: String, reason: String) -> CallbackStoreError {
        switch operation {
        case .open: .cannotOpen(path: path, reason: reason)
        case .save: .saveFailed(reason: reason, path: path)
        case .read: .readFailed(reason: reason, path: path)
        }
    }
}
