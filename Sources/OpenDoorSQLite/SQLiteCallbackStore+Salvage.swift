import Foundation
import GRDB
import Logging
import OpenDoorKit

/// What a store does on close when its file was damaged in place (truncated, overwritten) or deleted while it was
/// open (QA20 O4).
///
/// Copying the write-ahead log into such a file, as a normal close does, makes the loss final: the log holds the
/// pages this server wrote, the file's first page is gone, and the result reads as "not a database". But the store's
/// own connection can still read every request it wrote (its pages are in its cache and in the log; a deleted file
/// stays whole while it is open). So the store reads them there, moves the damaged file and its log aside (kept, with
/// their time in the name), and writes the requests into a new database at the path, which staff read and a
/// reopening service saves into. Nothing a visitor was told is saved is lost to the damage.
extension SQLiteCallbackStore {
    /// Why the file at the path can no longer be read as this store's database, or nil when it can (or when the
    /// check itself can't tell, as when another program holds a lock: then nothing is done differently).
    func fileDamage() async -> String? {
        if let damage { return damage.reason ?? "damaged" }
        switch FileIdentity.of(path) {
        case .failure(let error) where error.code == ENOENT:
            return "deleted"
        case .success(let now) where identity != nil && now != identity:
            // Another file at the path (moved there on purpose, a restore): the normal close is right for the old one.
            return nil
        default:
            break
        }
        do {
            try await Self.readBack(nil, path: path, busyTimeout: configuration.busyTimeout, before: {})
            return nil
        } catch {
            let failure = Self.storeError(
                error, during: .read, path: path, directory: directory, busyTimeout: configuration.busyTimeout)
            return failure.code == .damaged ? failure.reason ?? "damaged" : nil
        }
    }

    /// Reads every request through this store's connection, moves the damaged file aside (a deleted one is gone
    /// already), closes, and writes the requests into a new database at the path; logs what it did and where the
    /// old file is.
    func salvageAndClose(because why: String) async {
        let listing = try? await pool.writeWithoutTransaction { db in try Self.fetch(status: nil, in: db) }
        let stamp = Self.stamp(configuration.now())
        let aside = path + ".damaged-" + stamp
        var moved: String?
        if why != "deleted", rename(path, aside) == 0 {
            moved = aside
            // The log and index go with it, under the names SQLite pairs with the new name.
            for suffix in ["-wal", "-shm"] { rename(path + suffix, aside + suffix) }
        }
        try? pool.close()
        // QA29 S3-10: a folder renamed while serving was logged as "damaged"; the file is gone from the path, not hurt.
        let happened = why == "deleted" ? "deleted or moved away (its folder renamed?)" : "damaged"
        guard let listing else {
            logger.error(
                "The callback database was \(happened) while open and its requests could not be read back",
                metadata: [
                    "path": "\(path)", "reason": "\(why)", "movedTo": "\(moved ?? "-")",
                    "advice": "keep \(moved.map { "\($0) and \($0)-wal" } ?? "the files"): they hold the requests",
                ])
            return
        }
        do {
            var fresh = configuration
            fresh.createIfMissing = true
            let store = try SQLiteCallbackStore(directory: URL(fileURLWithPath: directory), configuration: fresh, logger: logger)
            let restored = try await store.restore(listing.requests)
            try await store.close()
            logger.error(
                "The callback database was \(happened) while open; its requests were saved into a new database",
                metadata: [
                    "path": "\(path)", "reason": "\(why)", "restored": "\(restored)",
                    "unreadable": "\(listing.unreadable.count)", "movedTo": "\(moved ?? "-")",
                ])
        } catch {
            let failure = Self.storeError(
                error, during: .save, path: path, directory: directory, busyTimeout: configuration.busyTimeout)
            logger.error(
                "The callback database was \(happened) while open and a new one could not be written",
                metadata: [
                    "path": "\(path)", "reason": "\(why)", "error.code": "\(failure.code)",
                    "error.reason": "\(failure.reason ?? "-")", "movedTo": "\(moved ?? "-")",
                    "advice": "keep \(moved.map { "\($0) and \($0)-wal" } ?? "the files"): they hold the requests",
                ])
        }
    }

    /// Inserts `requests` as they were (reference, creation time, status, channel), skipping references already
    /// stored; returns how many were inserted.
    package func restore(_ requests: [CallbackRequest]) async throws -> Int {
        try checkOpen()
        return try await pool.write { db in
            var count = 0
            for request in requests where try !Self.referenceExists(request.reference, in: db) {
                var draft = CallbackDraft(
                    name: request.name, phone: request.phone, bestTime: request.bestTime,
                    bestTimeSaid: request.bestTimeSaid, voicemail: request.voicemail)
                draft.crisisInChat = request.crisisInChat
                draft.backupPhone = request.backupPhone
                let milliseconds = Int64((request.created.timeIntervalSince1970 * 1000).rounded())
                _ = try Self.insert(
                    draft, channel: request.channel, reference: request.reference, milliseconds: milliseconds, in: db)
                try db.execute(
                    sql: "UPDATE callback_request SET status = ? WHERE reference = ?",
                    arguments: [request.status.rawValue, request.reference])
                count += 1
            }
            return count
        }
    }

    /// A UTC time for a file name: 20261206T122500Z.
    static func stamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}
