import Foundation
import Logging
import OpenDoorKit
import Synchronization

/// The callback store a running service uses: a ``SQLiteCallbackStore`` that may be missing or unable
/// to write, without taking the service down.
///
/// - Creating it never fails. When the database can't be opened for writing (a full or read-only disk,
///   no permission), the service still starts and answers questions; ``acceptsRequests`` is false, so
///   the conversation gives the center's number instead of offering a callback.
/// - A save that fails because the disk is full or read-only turns ``acceptsRequests`` false too.
/// - ``recheck()`` (called by the conversation while saves are off) looks at the file system, which costs
///   a `statvfs` call, and opens the store again once it looks writable: saving resumes by itself.
/// - A database (or its `-wal`) deleted or replaced while open (``CallbackStoreError/Code/replaced``) is reopened at its
///   path (a new one is created if it was deleted) and the save is tried once more there, so the request
///   lands in the file staff read. Closing the old store first carries the requests only it held into the file at
///   the path (and keeps a replaced file's content beside it). The event is logged as an error. A service also
///   runs ``watchFile()``, which looks for it every few seconds, so a quiet server notices it too (issue 10).
public actor ReopeningCallbackStore: CallbackStore {
    /// How the store is opened and how often opening is retried.
    public struct Configuration: Sendable {
        /// How the SQLite store opens (file name, busy timeout, clock).
        public var store = SQLiteCallbackStore.Configuration()
        /// The least time between two attempts to open the store while the file system looks fine but
        /// opening failed (a damaged file, say), so a busy service doesn't retry on every message.
        public var retryInterval: Duration = .seconds(10)
        /// How long crisis counts wait in memory before they are written together (and between tries while the
        /// store can't be written): a crash loses at most this long's counts, never a reply.
        public var crisisCountInterval: Duration = .seconds(5)
        /// How often ``watchFile()`` looks whether the path still names the database this store has open (one
        /// `stat`): a file deleted or replaced while serving is then reopened, and logged, within this long instead of
        /// at the next save or staff read, which on a quiet night can be hours after the requests it held were lost
        /// from view. Nil: no looks.
        public var fileCheckInterval: Duration? = .seconds(5)

        /// The defaults.
        public init() {}
    }

    /// The folder of the database.
    public nonisolated let directory: URL
    let configuration: Configuration
    let logger: Logger
    private let accepting = Atomic<Bool>(false)
    private var store: SQLiteCallbackStore?
    /// Why saves are off, while they are.
    private var problem: CallbackStoreError?
    private var lastAttempt: ContinuousClock.Instant?
    /// The reopening under way, which saves wait for.
    private var reopening: Task<Void, Never>?
    private(set) var isClosed = false
    /// Replies counted since the last write (see ReopeningCallbackStore+ReplyCounts.swift).
    nonisolated let replyTally = ReplyTally()
    /// Crisis replies and check-ins counted since the last write, and the write's state (see
    /// ReopeningCallbackStore+CrisisCounts.swift).
    nonisolated let crisisTally = CrisisTally()
    nonisolated let crisisWriteScheduled = Atomic<Bool>(false)
    var crisisWrite: Task<Bool, Never>?
    var crisisCountsWaiting = false

    /// Opens the store in `directory` if it can; if not, logs why and starts with saves off.
    public init(directory: URL, configuration: Configuration = Configuration(), logger: Logger) {
        self.directory = directory
        self.configuration = configuration
        self.logger = logger
        do {
            store = try SQLiteCallbackStore(directory: directory, configuration: configuration.store, logger: logger)
            if let full = Self.fileSystemProblem(directory: directory) {
                problem = full
            } else {
                accepting.store(true, ordering: .releasing)
            }
        } catch {
            problem = Self.storeError(error)
            lastAttempt = .now
        }
        if let problem {
            logger.error(
                "Callback requests can't be saved; visitors are given the center's number until they can",
                metadata: ["error.code": "\(problem.code)", "error.reason": "\(problem.reason ?? "-")"])
        }
    }

    /// Why callback requests can't be saved right now, or nil when they can.
    public var unavailability: CallbackStoreError? {
        problem
    }

    public nonisolated var acceptsRequests: Bool {
        accepting.load(ordering: .acquiring)
    }

    public func recheck() async {
        guard !isClosed, problem != nil else { return }
        if Self.fileSystemProblem(directory: directory) != nil { return }
        if store != nil, problem?.code == .diskFull || problem?.code == .readOnly {
            // Space was freed, or the disk remounted read-write: the open store can write again. If it
            // can't after all, the next save says so and turns saves off again.
            recovered()
            return
        }
        // The file system looks fine now. If it was what failed (full, read-only), try at once; if not
        // (a damaged file, say), no more often than the retry interval.
        let fileSystemFailed = problem?.code == .diskFull || problem?.code == .readOnly
        if !fileSystemFailed, let lastAttempt, ContinuousClock.now - lastAttempt < configuration.retryInterval {
            return
        }
        await reopen()
    }

    public func save(_ draft: CallbackDraft, channel: CallbackChannel) async throws -> CallbackRequest {
        try await save(draft, channel: channel, key: UUID())
    }

    /// Saves as ``save(_:channel:)`` does, passing `key` on: a save that committed but could not be read back is
    /// ``CallbackStoreError/Code-swift.struct/unconfirmed`` for this visitor (never "not saved"), and when the
    /// file turned out damaged, saves stop for everyone after it.
    public func save(_ draft: CallbackDraft, channel: CallbackChannel, key: UUID) async throws -> CallbackRequest {
        try checkOpen()
        if problem != nil { await recheck() }
        // A second try only after the file was replaced (or another save's reopen closed the store
        // this one was using): the request then goes to the file at the path.
        for attempt in 0..<2 {
            if let reopening { await reopening.value }
            guard let store, problem == nil else { throw problem ?? CallbackStoreError.closed() }
            do {
                return try await store.save(draft, channel: channel, key: key)
            } catch let error as CallbackStoreError
                where attempt == 0 && !isClosed && (error.code == .replaced || error.code == .closed)
            {
                if error.code == .replaced {
                    logger.error(
                        "The callback database was deleted or replaced while open; opening the one at its path",
                        metadata: ["path": "\(store.path)", "error.reason": "\(error.reason ?? "-")"])
                    // Written into the old file just as it was replaced: closing it carries the request over, so
                    // the visitor gets that reference, not a second request.
                    let committed = await store.committedReference(for: key)
                    await reopen(replacing: store)
                    if let committed, problem == nil, let found = try? await self.store?.find(reference: committed) {
                        return found
                    }
                }
            } catch let error as CallbackStoreError {
                if Self.stopsSaving(error) { turnOff(error) }
                if error.code == .unconfirmed, let damage = await store.damage { turnOff(damage) }
                throw error
            }
        }
        throw problem ?? CallbackStoreError.closed()
    }

    public func list(status: CallbackStatus?) async throws -> [CallbackRequest] {
        try await current().list(status: status)
    }

    public func list(status: CallbackStatus?, limit: Int, oldestFirst: Bool) async throws -> [CallbackRequest] {
        try await current().list(status: status, limit: limit, oldestFirst: oldestFirst)
    }

    public func listing(status: CallbackStatus?, limit: Int?, oldestFirst: Bool) async throws -> CallbackListing {
        try await current().listing(status: status, limit: limit, oldestFirst: oldestFirst)
    }

    public func listingPage(status: CallbackStatus?, after cursor: CallbackCursor?, limit: Int) async throws -> CallbackPage {
        try await current().listingPage(status: status, after: cursor, limit: limit)
    }

    public func requestCounts(on days: [CountDay]) async throws -> [RequestCount] {
        try await current().requestCounts(on: days)
    }

    public func find(reference: String) async throws -> CallbackRequest? {
        try await current().find(reference: reference)
    }

    public func mark(reference: String, as status: CallbackStatus) async throws -> CallbackRequest? {
        try await current().mark(reference: reference, as: status)
    }

    public func markCrisisInChat(reference: String) async throws -> CallbackRequest? {
        try await current().markCrisisInChat(reference: reference)
    }
    public func purge(olderThan cutoff: Date) async throws -> Int {
        try await current().purge(olderThan: cutoff)
    }

    public func close() async throws {
        guard !isClosed else { return }
        await writeCountsBeforeClosing()
        isClosed = true
        accepting.store(false, ordering: .releasing)
        try await store?.close()
    }

    // MARK: - State

    func current() async throws -> SQLiteCallbackStore {
        try checkOpen()
        if let reopening { await reopening.value }
        // Staff read the file at the path: one moved there (or the path emptied) since the last look is opened now
        // (a `stat` per read).
        await reopenIfDetached(noticedBy: "read")
        guard let store else { throw problem ?? CallbackStoreError.closed() }
        return store
    }

    /// Looks every ``Configuration/fileCheckInterval`` whether the path still names the database this store has
    /// open, and when it doesn't (deleted, or another file moved there) reopens the store at its path as a save or a
    /// read that found it would: the requests only the old file held are carried into the new one, and the event is
    /// logged as an error. Returns when the calling task is cancelled or the store closes; a service runs it for as
    /// long as it serves.
    public func watchFile() async {
        guard let interval = configuration.fileCheckInterval else { return }
        while !isClosed {
            do { try await Task.sleep(for: interval) } catch { return }
            guard !isClosed, reopening == nil else { continue }
            await reopenIfDetached(noticedBy: "periodic check")
        }
    }

    /// Reopens the store at its path when the path no longer names the file it has open; `noticedBy` says, in the
    /// log, which look found it.
    private func reopenIfDetached(noticedBy: String) async {
        guard let store, let reason = await store.detached() else { return }
        logger.error(
            "The callback database was deleted or replaced while open; opening the one at its path",
            metadata: ["path": "\(store.path)", "noticedBy": "\(noticedBy)", "error.reason": "\(reason)"])
        await reopen(replacing: store)
    }

    private func checkOpen() throws {
        if isClosed { throw CallbackStoreError.closed() }
    }

    /// Closes `old` (the current store, if still current: nil for none) and opens the store again.
    /// Saves that arrive meanwhile wait for it; a second caller with the same `old` finds it done.
    private func reopen(replacing old: SQLiteCallbackStore? = nil) async {
        if let reopening {
            await reopening.value
            return
        }
        guard old == nil || store === old else { return }
        let task = Task { await self.openAgain() }
        reopening = task
        await task.value
        reopening = nil
    }

    private func openAgain() async {
        lastAttempt = .now
        if let old = store {
            // Closing checkpoints the old log, so a new file at the path never replays its pages.
            try? await old.close()
            store = nil
        }
        do {
            store = try SQLiteCallbackStore(directory: directory, configuration: configuration.store, logger: logger)
            recovered()
        } catch {
            let failure = Self.storeError(error)
            if failure.code != problem?.code { turnOff(failure) }
        }
    }

    private func turnOff(_ error: CallbackStoreError) {
        let wasOn = problem == nil
        problem = error
        accepting.store(false, ordering: .releasing)
        if wasOn {
            logger.error(
                "Callback requests can't be saved; visitors are given the center's number until they can",
                metadata: ["error.code": "\(error.code)", "error.reason": "\(error.reason ?? "-")"])
        }
    }

    private func recovered() {
        guard problem != nil else { return }
        problem = nil
        accepting.store(true, ordering: .releasing)
        logger.notice("Callback requests can be saved again")
    }

    /// Failures that will repeat for every visitor until someone fixes the disk or the folder.
    private static func stopsSaving(_ error: CallbackStoreError) -> Bool {
        [.diskFull, .readOnly, .permissionDenied, .notFound, .cannotOpen, .damaged, .newerSchema, .replaced]
            .contains(error.code)
    }

    private static func storeError(_ error: any Error) -> CallbackStoreError {
        error as? CallbackStoreError ?? .cannotOpen(path: "-", reason: "\(type(of: error))")
    }

    /// A full or read-only disk, or a folder that is gone (it is created again only by a reopen).
    private static func fileSystemProblem(directory: URL) -> CallbackStoreError? {
        guard let volume = Volume.of(directory.path) else {
            // The folder is missing: opening creates it, if its parent can take it.
            return nil
        }
        if volume.isReadOnly { return .readOnly(path: directory.path, reason: CallbackStoreError.readOnlyMount) }
        if volume.freeBytes < SQLiteCallbackStore.minimumFreeBytes { return .diskFull(path: directory.path) }
        return nil
    }
}
