import Foundation
import GRDB
import Logging
import OpenDoorKit

/// The callback store OpenDoor runs with: one SQLite file, `callbacks.sqlite`, in the data folder.
///
/// - The folder is created readable by its owner only (0700) when it does not exist; the database
///   file and its `-wal` and `-shm` companions are made 0600, and tightened to 0600 if found looser.
/// - The database runs in WAL mode with `synchronous = FULL`, so ``save(_:channel:)`` returns only
///   after the request is on disk: then, and only then, may the visitor be told it is saved.
///   `secure_delete` is on, so purged requests are overwritten, not just unlinked from the b-tree.
/// - Several stores (in one process or several) may share the file: writes wait for each other up
///   to ``Configuration/busyTimeout``, then fail with ``CallbackStoreError/Code/locked``.
/// - SQLite's failures become ``CallbackStoreError``s a person can act on: read-only, disk full,
///   permission denied, not found, locked, damaged; an I/O error is explained from the file system
///   (read-only, full, not writable).
/// - The file's identity (device and inode), and its write-ahead log's, is checked before and after every
///   write: a database or a `-wal` deleted or replaced while open fails as ``CallbackStoreError/Code/replaced``,
///   loudly, instead of writing into a file nobody will read (a deleted log keeps taking commits through the open
///   descriptor, which no other connection reads: QA29 S3-10).
/// - ``close()`` checkpoints the write-ahead log into the database file, so that the `.sqlite` file
///   alone holds every request; ``backup(to:)`` writes a consistent copy while others write. A file found
///   truncated, overwritten or deleted is never checkpointed into: its requests are read through the store's own
///   connection and written into a new database at the path, the old file moved aside (SQLiteCallbackStore+Salvage).
/// - Logs carry events, reference codes and counts; never a name or a phone number.
public actor SQLiteCallbackStore: CallbackStore {
    /// How the store opens its database. Every field has a default.
    public struct Configuration: Sendable {
        /// The database's file name inside the folder.
        public var fileName = "callbacks.sqlite"
        /// How long an operation waits while another connection writes before failing as locked.
        public var busyTimeout: Duration = .seconds(5)
        /// Open the database without writing to it (to list or export requests from a copy or a
        /// folder this user may not write). It must exist already; saves fail as read-only. When the
        /// disk is full or read-only, it is read the one way SQLite still can (see ``readingFallback``).
        public var readOnly = false
        /// Create the folder and the database when they are missing. False for staff commands, which
        /// open an existing store only and fail as ``CallbackStoreError/Code/notFound`` otherwise.
        public var createIfMissing = true
        /// The clock that stamps ``CallbackRequest/created``.
        public var now: @Sendable () -> Date = { Date() }
        /// How many reference codes a save draws before giving up (each is checked unused first).
        public var referenceAttempts = 16
        /// Draws reference codes; tests replace it to force collisions.
        package var makeReference: @Sendable () -> String = { ReferenceCode.random() }
        /// Caps the database at this many pages; tests use it to fill the "disk".
        package var maximumPageCount: Int?
        /// Runs just before the checkpoint on close; tests throw from it to make the checkpoint fail as a full
        /// disk would.
        package var beforeCloseCheckpoint: @Sendable () throws -> Void = {}
        /// Runs just before a save's read-back, off the store's actor; tests block in it, or throw from it to make the
        /// read-back fail as running out of file descriptors would.
        package var beforeReadBack: @Sendable () throws -> Void = {}

        /// The defaults.
        public init() {}
    }

    /// The database file.
    public nonisolated let path: String
    /// The folder the database is in.
    public nonisolated let directory: String
    /// How a read-only store was opened when the usual way failed (a full or read-only disk), to tell
    /// staff; nil when it opened normally.
    public nonisolated let readingFallback: String?
    let pool: any DatabaseWriter
    let identity: FileIdentity?
    /// The identity of the write-ahead log this store's connections write into; nil for a read-only store, or until
    /// the log is first seen.
    private var walIdentity: FileIdentity?
    let configuration: Configuration
    let logger: Logger
    private var isClosed = false
    /// Why the file can no longer be trusted, once a read-back found it damaged: later saves fail at once.
    private(set) var damage: CallbackStoreError?
    /// Saves that committed but could not be read back, by the caller's key.
    private var unconfirmed = UnconfirmedSaves()

    /// Opens the store in `directory`, creating the folder (0700) and the database (0600) if needed
    /// and bringing its schema up to date.
    ///
    /// - Throws: ``CallbackStoreError`` (`cannotOpen`, `readOnly`, `diskFull`, `locked`, `damaged`,
    ///   `newerSchema`).
    public init(directory: URL, configuration: Configuration = Configuration(), logger: Logger) throws {
        let path = directory.appendingPathComponent(configuration.fileName).path
        self.path = path
        self.directory = directory.path
        self.configuration = configuration
        self.logger = logger

        do {
            try Self.prepareFiles(
                directory: directory.path,
                database: path,
                readOnly: configuration.readOnly,
                create: configuration.createIfMissing,
                logger: logger
            )
            let opened = try Self.openDatabase(path: path, directory: directory.path, configuration: configuration)
            pool = opened.database
            readingFallback = opened.fallback
            if !configuration.readOnly {
                try Self.makeCommitsDurable(pool)
            }
            try Self.migrate(pool, readOnly: configuration.readOnly, create: configuration.createIfMissing)
            if !configuration.readOnly {
                // SQLite gives -wal and -shm the database file's mode; make sure of it.
                try Self.tightenPermissions(database: path, logger: logger)
            }
            identity = try? FileIdentity.of(path).get()
            walIdentity = configuration.readOnly ? nil : try? FileIdentity.of(path + "-wal").get()
        } catch {
            let failure = Self.storeError(
                error, during: .open, path: path, directory: directory.path, busyTimeout: configuration.busyTimeout)
            logger.error(
                "Could not open the callback store",
                metadata: ["error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")"]
            )
            throw failure
        }
        logger.info(
            "Opened the callback store",
            metadata: [
                "path": "\(path)", "readOnly": "\(configuration.readOnly)", "schema": "\(Self.currentSchema)",
                "fallback": "\(readingFallback ?? "-")",
            ]
        )
    }

    public func save(_ draft: CallbackDraft, channel: CallbackChannel) async throws -> CallbackRequest {
        try await save(draft, channel: channel, key: UUID())
    }

    /// Saves as ``save(_:channel:)`` does. When the save committed but could not be read back (the file damaged
    /// in place, or no descriptor left to read it with), it throws ``CallbackStoreError/Code-swift.struct/unconfirmed``,
    /// never "not saved": the request is in the write-ahead log. A later save with the same `key` (the visitor
    /// sending again) then reads that request back instead of storing a second one, and gives it this draft's
    /// details while nobody has called yet.
    public func save(_ draft: CallbackDraft, channel: CallbackChannel, key: UUID) async throws -> CallbackRequest {
        try checkOpen()
        if let damage { throw damage }
        // Stored as whole milliseconds; the returned request carries the same value a read gives.
        let milliseconds = Int64((configuration.now().timeIntervalSince1970 * 1000).rounded(.down))
        let makeReference = configuration.makeReference
        let attempts = configuration.referenceAttempts
        let earlier = unconfirmed.reference(for: key)
        let request: CallbackRequest
        do {
            try checkIdentity()
            try checkFolder()
            // `write` commits (and, with synchronous = FULL, syncs the WAL) before it returns.
            var updated: CallbackRequest?
            if let earlier {
                updated = try await pool.write { db in try Self.update(earlier, with: draft, in: db) }
            }
            if let updated {
                request = updated
            } else {
                request = try await pool.write { db in
                    try Self.insert(
                        draft, channel: channel, milliseconds: milliseconds, makeReference: makeReference,
                        attempts: attempts, in: db)
                }
            }
            // A file swapped in while the write ran got nothing: the request went to the old one. It is remembered
            // under `key`, so the save tried again after reopening finds it carried over instead of storing it twice.
            do {
                try checkIdentity()
            } catch {
                unconfirmed.remember(request.reference, for: key)
                throw error
            }
        } catch {
            throw failure(error, during: .save, event: "Could not save a callback request")
        }
        // Committed: from here on, a failure means "not confirmed", never "not saved" (the row is in the log).
        do {
            try await Self.readBack(
                request.reference, path: path, busyTimeout: configuration.busyTimeout,
                before: configuration.beforeReadBack)
        } catch {
            // The file or its log went from the path as this save ran (QA29 S3-10: a deleted `-wal` fails the read-back
            // as a disk I/O error): the request is in this store's own files, which closing checkpoints into the file at
            // the path. Remembered under `key`, it is read back there after the reopen, not stored twice. A file found
            // damaged stays damaged (SQLite removes the log of a file truncated to nothing when it opens it).
            let readBackFailure = Self.storeError(
                error, during: .read, path: path, directory: directory, busyTimeout: configuration.busyTimeout)
            if readBackFailure.code != .damaged, let moved = detachment() {
                unconfirmed.remember(request.reference, for: key)
                throw failure(moved, during: .save, event: "Saved a callback request as the database's files changed")
            }
            throw unconfirmedSave(request, key: key, readBackError: error)
        }
        unconfirmed.forget(key)
        logger.info(
            "Saved a callback request",
            metadata: ["reference": "\(request.reference)", "channel": "\(channel.rawValue)"]
        )
        return request
    }

    /// The reference a save under `key` committed without being confirmed (the file replaced as it wrote, or the
    /// read-back failed), or nil.
    package func committedReference(for key: UUID) -> String? {
        unconfirmed.reference(for: key)
    }

    public func list(status: CallbackStatus?) async throws -> [CallbackRequest] {
        try await listing(status: status, limit: nil, oldestFirst: false).requests
    }

    public func list(status: CallbackStatus?, limit: Int, oldestFirst: Bool) async throws -> [CallbackRequest] {
        try await listing(status: status, limit: limit, oldestFirst: oldestFirst).requests
    }

    /// The requests, with the rows that can't be read skipped, named, and logged as a warning (reference, row and
    /// column: the value only for a word from a closed set).
    public func listing(status: CallbackStatus?, limit: Int?, oldestFirst: Bool) async throws -> CallbackListing {
        try checkOpen()
        let listing: CallbackListing
        do {
            listing = try await pool.read { db in
                try Self.fetch(status: status, limit: limit, oldestFirst: oldestFirst, in: db)
            }
        } catch {
            throw failure(error, during: .read, event: "Could not list callback requests")
        }
        listing.logUnreadable(logger)
        logger.debug(
            "Listed callback requests",
            metadata: ["status": "\(status?.rawValue ?? "all")", "count": "\(listing.requests.count)"]
        )
        return listing
    }

    /// A page of the listing, read by its place in the index on `created_ms` (keyset pagination): each page a read
    /// of its own, however long the list.
    public func listingPage(status: CallbackStatus?, after cursor: CallbackCursor?, limit: Int) async throws -> CallbackPage {
        try checkOpen()
        let page: CallbackPage
        do {
            page = try await pool.read { db in try Self.fetchPage(status: status, after: cursor, limit: limit, in: db) }
        } catch {
            throw failure(error, during: .read, event: "Could not list callback requests")
        }
        page.listing.logUnreadable(logger)
        return page
    }

    public func find(reference: String) async throws -> CallbackRequest? {
        try checkOpen()
        // What was typed is not logged: a visitor may type anything where a code is asked for.
        guard let reference = ReferenceCode.normalized(reference) else { return nil }
        do {
            return try await pool.read { db in try Self.fetch(reference: reference, in: db) }
        } catch {
            throw failure(error, during: .read, event: "Could not look up a callback request")
        }
    }

    public func purge(olderThan cutoff: Date) async throws -> Int {
        try await purge(olderThan: cutoff, includingNew: true)
    }

    /// Deletes requests created before `cutoff`; `new` ones (nobody has called yet) only when `includingNew`.
    public func purge(olderThan cutoff: Date, includingNew: Bool) async throws -> Int {
        try await purge(olderThan: cutoff, includingNew: includingNew, through: nil)
    }

    /// Deletes requests created before `cutoff` (`new` ones only when `includingNew`) whose id is at most `lastID` (any
    /// id when nil): `callbacks purge` passes the highest id it showed, so a row added since (a copy brings old rows)
    /// is never deleted unseen.
    ///
    /// In batches of ``purgeBatchSize`` rows, each its own short write: a server saving into the same file waits for
    /// one batch at most, never for the whole purge (one transaction of sixty thousand rows, overwritten as
    /// `secure_delete` does, held the file past a save's busy timeout). Each batch reads its rows' status again as it
    /// deletes them: a request reopened meanwhile stays.
    public func purge(olderThan cutoff: Date, includingNew: Bool, through lastID: Int64?) async throws -> Int {
        try checkOpen()
        let milliseconds = Int64((cutoff.timeIntervalSince1970 * 1000).rounded(.down))
        let batch = max(1, Self.purgeBatchSize)
        do {
            try checkIdentity()
            var count = 0
            var after = Int64.min
            while true {
                let from = after
                let (deleted, last, read) = try await pool.write { db in
                    try Self.purge(
                        before: milliseconds, includingNew: includingNew, after: from, through: lastID ?? .max,
                        limit: batch, in: db)
                }
                count += deleted
                after = last
                if read < batch { break }
            }
            if count > 0 {
                // Copy the zeroed pages into the file and empty the WAL, so the deleted requests do
                // not linger there. Best effort: a reader in another process may hold the WAL.
                do {
                    _ = try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                } catch {
                    logger.notice("Could not empty the write-ahead log after a purge; it will be reused later")
                }
            }
            logger.info("Purged callback requests", metadata: ["count": "\(count)"])
            return count
        } catch {
            throw failure(error, during: .save, event: "Could not purge callback requests")
        }
    }

    /// How many rows one write of a purge deletes.
    static let purgeBatchSize = 500

    public func close() async throws {
        guard !isClosed else { return }
        if !configuration.readOnly, let why = await fileDamage() {
            // Never copy the log into a file found damaged or deleted: the requests are read here and kept.
            isClosed = true
            await salvageAndClose(because: why)
            return
        }
        // Another file moved over the path while open (a restore done without stopping, QA25 S1-3): the requests
        // only this file holds are carried into it, after the log is checkpointed below.
        var carried: ReplacedFile?
        if !configuration.readOnly { carried = await requestsOfReplacedFile() }
        if !configuration.readOnly {
            // Copy the write-ahead log into the database file and empty it, so that the .sqlite file
            // alone holds every request (a copy of it is a backup). Best effort: another process
            // reading the store may hold the log; it is checkpointed by whoever closes last.
            // Also when the file was replaced: the log at the path is still this database's, and a
            // new file opened at the path would otherwise replay its pages.
            let before = configuration.beforeCloseCheckpoint
            do {
                _ = try await pool.writeWithoutTransaction { db in
                    try before()
                    return try db.checkpoint(.truncate)
                }
            } catch {
                logCheckpointFailure(error)
            }
        }
        isClosed = true
        do {
            try pool.close()
        } catch {
            throw failure(error, during: .read, event: "Could not close the callback store")
        }
        if let carried { await carryOver(carried) }
        logger.info("Closed the callback store")
    }

    /// Says why the write-ahead log could not be copied into the database file on close: only another process
    /// using the store is harmless (it is copied by whoever closes last); a full disk or another failure leaves
    /// requests in the `-wal` file only, so `callbacks.sqlite` alone is not a copy of them.
    private func logCheckpointFailure(_ error: any Error) {
        let failure = Self.storeError(
            error, during: .save, path: path, directory: directory, busyTimeout: configuration.busyTimeout)
        if failure.code == .locked {
            logger.notice("Could not checkpoint the write-ahead log on close; another process is using the store")
            return
        }
        let restart =
            failure.code == .diskFull
            ? "free some space and start the server again, which finishes the copy"
            : "start the server again once the cause is mended, which finishes the copy"
        logger.error(
            "Could not copy the write-ahead log into the database on close: some requests are only in its -wal file",
            metadata: [
                "path": "\(path)", "error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")",
                "advice": "don't copy \(Self.fileNameOf(path)) alone (use opendoor callbacks backup); \(restart)",
            ])
    }

    private static func fileNameOf(_ path: String) -> String {
        URL(fileURLWithPath: path).lastPathComponent
    }

    /// Writes a consistent copy of the whole store to a new file at `destination` (0600) with SQLite's
    /// online backup, while other connections go on reading and writing; returns how many requests it
    /// holds. The copy is one self-contained file (rollback journal, no -wal), checked before returning.
    ///
    /// - Throws: ``CallbackStoreError``; `cannotOpen` when a file is already at `destination` (never
    ///   overwritten). A failed copy is removed.
    public func backup(to destination: URL) async throws -> Int {
        try checkOpen()
        let target = destination.path
        let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, Self.fileMode)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST {
                throw CallbackStoreError.cannotOpen(path: target, reason: "a file is already there; give a new name")
            }
            throw Self.posixError(code, path: target)
        }
        closeDescriptor(descriptor)
        do {
            let copy = try DatabaseQueue(path: target)
            try pool.backup(to: copy)
            let (count, check) = try await copy.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                return (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM callback_request") ?? 0,
                    try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "-"
                )
            }
            try copy.close()
            guard check == "ok" else {
                throw CallbackStoreError.damaged(path: target, reason: "the copy failed its check: \(check)")
            }
            logger.info("Backed up the callback store", metadata: ["count": "\(count)"])
            return count
        } catch {
            // The copy and the rollback journal a failed write leaves beside it (QA25 S3-1).
            for suffix in ["", "-journal"] { unlink(target + suffix) }
            let failure = Self.storeError(
                error, during: .save, path: target, directory: destination.deletingLastPathComponent().path,
                busyTimeout: configuration.busyTimeout)
            logger.error(
                "Could not back up the callback store",
                metadata: ["error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")"])
            throw failure
        }
    }

    /// The value of `PRAGMA name` on the connection that writes, for tests of the set-up.
    package func writerPragma(_ name: String) async throws -> String? {
        try checkOpen()
        return try await pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// Runs `sql` on the connection that writes, as someone with `sqlite3` would: for tests of rows written outside
    /// OpenDoor.
    package func execute(sql: String) async throws {
        try checkOpen()
        try await pool.write { db in try db.execute(sql: sql) }
    }

    func checkOpen() throws {
        if isClosed { throw CallbackStoreError.closed() }
    }

    /// Why the path no longer names the file this store opened (deleted, or another file moved there), or its
    /// write-ahead log is no longer the one its connections write into; nil while they are.
    package func detached() -> String? {
        guard !isClosed, !configuration.readOnly else { return nil }
        return detachment().map { $0.reason ?? "deleted or replaced" }
    }

    /// Throws ``CallbackStoreError/Code/replaced`` when the path no longer names the file opened, or its `-wal` the
    /// log this store writes into.
    func checkIdentity() throws {
        if let detached = detachment() { throw detached }
    }

    /// Why the store's files are no longer the ones at the path, or nil while they are.
    private func detachment() -> CallbackStoreError? {
        guard let identity else { return nil }
        if let reason = Self.change(of: path, from: identity) {
            return .replaced(path: path, reason: reason)
        }
        let log = path + "-wal"
        guard let walIdentity else {
            // Seen for the first time (it appears with the first read or write).
            if !configuration.readOnly { walIdentity = try? FileIdentity.of(log).get() }
            return nil
        }
        if let reason = Self.change(of: log, from: walIdentity) {
            // Commits would go on into the old log through its open descriptor, read by no other connection, and lost
            // for good if the server stopped before a checkpoint.
            return .replaced(path: path, reason: "left without its write-ahead log (\(Self.fileNameOf(log)) \(reason))")
        }
        return nil
    }

    /// How the file at `path` differs from `identity` ("deleted", "replaced by another file"), or nil when it is the
    /// same file.
    private static func change(of path: String, from identity: FileIdentity) -> String? {
        switch FileIdentity.of(path) {
        case .success(let now) where now == identity:
            return nil
        case .success:
            return "replaced by another file"
        case .failure(let error) where error.code == ENOENT:
            return "deleted"
        case .failure(let error):
            return "made unreachable (\(String(cString: strerror(error.code))))"
        }
    }

    /// Throws when other users may now write in the data folder (``refusal(ofFolder:_:)``); the folder's `stat`
    /// failing is left to the identity check and the write itself.
    private func checkFolder() throws {
        guard configuration.readOnly == false else { return }
        var info = stat()
        guard stat(directory, &info) == 0 else { return }
        if let refusal = Self.refusal(ofFolder: directory, info) { throw refusal }
    }

    /// Reads the request just saved back (with no reference: finds the requests' table) through a connection of its
    /// own, which reads the file from its first page:
    /// damage written into the file in place (its header overwritten, garbage from a disk fault, an old copy `cp`'d
    /// over it while open) fails here as damaged (SQLite's "file is not a database", "malformed", or the request not
    /// found), while this store's connection, with the first page cached, would go on writing as if nothing happened
    /// (QA19 O9). A save is rare (one per callback request), so opening a connection for it costs nothing that matters.
    /// SQLite keeps the process's file locks when this connection closes (its descriptors are shared per file).
    ///
    /// Opening and reading are blocking file I/O: they run on a dispatch queue, so neither this store's actor nor a
    /// thread of Swift's cooperative pool waits for the disk meanwhile.
    static func readBack(
        _ reference: String?, path: String, busyTimeout: Duration, before: @escaping @Sendable () throws -> Void
    ) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try before()
                        var readOnly = GRDB.Configuration()
                        readOnly.readonly = true
                        readOnly.busyMode = .timeout(seconds(busyTimeout))
                        let queue = try DatabaseQueue(path: path, configuration: readOnly)
                        defer { try? queue.close() }
                        let found = try queue.read { db in
                            // A file truncated in place reads as an empty database: no table at all.
                            guard try db.tableExists("callback_request") else { return false }
                            return try reference.map { try referenceExists($0, in: db) } ?? true
                        }
                        guard found else {
                            throw CallbackStoreError.damaged(
                                path: path,
                                reason: reference == nil
                                    ? "the file no longer holds the requests: it was truncated or changed in place"
                                    : "the request just saved can't be read back from the file: it was changed in place")
                        }
                    })
            }
        }
    }

    /// The error for a save that committed but could not be read back: logged loudly with its reference (so staff
    /// can look for it), remembered under `key` (so the visitor sending again doesn't store it twice), and, when the
    /// file is damaged, kept as the reason every later save fails before writing into it.
    private func unconfirmedSave(_ request: CallbackRequest, key: UUID, readBackError: any Error) -> CallbackStoreError {
        let cause = Self.storeError(
            readBackError, during: .read, path: path, directory: directory, busyTimeout: configuration.busyTimeout)
        if cause.code == .damaged { damage = cause }
        unconfirmed.remember(request.reference, for: key)
        logger.error(
            "Saved a callback request but could not read it back: it may be stored",
            metadata: [
                "reference": "\(request.reference)", "error.code": "\(cause.code)",
                "error.reason": "\(cause.reason ?? "-")",
            ])
        return .unconfirmed(
            reason: "it was written, but reading it back failed (\(cause.reason ?? "\(cause.code)"))", path: path)
    }

    /// Maps `error`, logs it (code and SQLite's reason only), and returns it to throw.
    func failure(_ error: any Error, during operation: Operation, event: Logger.Message) -> CallbackStoreError {
        let failure =
            isClosed
            ? CallbackStoreError.closed()
            : Self.storeError(
                error, during: operation, path: path, directory: directory, busyTimeout: configuration.busyTimeout)
        logger.error(event, metadata: ["error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")"])
        return failure
    }
}
