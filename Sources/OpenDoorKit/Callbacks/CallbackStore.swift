import Foundation

/// Where callback requests are kept until someone at the center calls.
///
/// Implementations: `SQLiteCallbackStore` (in OpenDoorSQLite) for real use, ``InMemoryCallbackStore``
/// for tests. They hold sensitive health information: they log reference codes, counts and events,
/// never names or numbers.
public protocol CallbackStore: Sendable {
    /// Saves a confirmed request and returns it with its new id and reference code.
    ///
    /// When this returns, the request is durably stored: the caller may tell the visitor it is
    /// saved. When it throws, nothing was saved and the visitor must be told so.
    func save(_ draft: CallbackDraft, channel: CallbackChannel) async throws -> CallbackRequest

    /// Saves a confirmed request under the caller's `key`: a save whose key is stored already returns that request
    /// (with this draft's details while nobody has called yet) instead of making a second one. A conversation
    /// told ``CallbackStoreError/Code-swift.struct/unconfirmed`` passes the same key when the visitor asks again,
    /// so a save that did land late is not stored twice.
    ///
    /// The default ignores the key: for stores whose failed save is never stored later (SQLite, memory), nothing
    /// is ever unconfirmed.
    func save(_ draft: CallbackDraft, channel: CallbackChannel, key: UUID) async throws -> CallbackRequest

    /// The requests with `status` (all of them when nil), newest first.
    func list(status: CallbackStatus?) async throws -> [CallbackRequest]

    /// The `limit` newest requests with `status` (all statuses when nil), newest first, or with `oldestFirst` the
    /// `limit` oldest, oldest first: a bounded page, for screens that show some (the staff inbox), read with the
    /// limit in the query.
    func list(status: CallbackStatus?, limit: Int, oldestFirst: Bool) async throws -> [CallbackRequest]

    /// As ``list(status:)`` (`limit` nil) or ``list(status:limit:oldestFirst:)``, with the rows that could not be
    /// read as requests (a value written outside OpenDoor) named in ``CallbackListing/unreadable``: staff commands
    /// and the console show the others and say which were skipped. The `list` methods skip such rows too (and log
    /// them), so one odd row never hides the rest.
    func listing(status: CallbackStatus?, limit: Int?, oldestFirst: Bool) async throws -> CallbackListing

    /// Up to `limit` rows with `status` (all when nil), newest first, from the one after `cursor` on (from the newest
    /// when nil), with where the next page starts: a listing read a page at a time (``forEachPage(status:pageSize:_:)``,
    /// `callbacks list` and `export`), each page a query of its own, in the memory of one page. Rows that can't be
    /// read are named in the page's listing and still move the cursor.
    func listingPage(status: CallbackStatus?, after cursor: CallbackCursor?, limit: Int) async throws -> CallbackPage

    /// How many requests were made on each of `days` (contiguous, oldest first), by their status now: the staff
    /// console's counts, from one grouped query where the store has one (the default reads every request).
    func requestCounts(on days: [CountDay]) async throws -> [RequestCount]

    /// The request with this reference code, typed in any case, with or without the dash.
    func find(reference: String) async throws -> CallbackRequest?

    /// Sets a request's status and returns it updated, or nil when there is no such request.
    func mark(reference: String, as status: CallbackStatus) async throws -> CallbackRequest?

    /// Marks the request with this reference code as asked for in a chat that had a crisis reply
    /// (``CallbackRequest/crisisInChat``): a crisis said after the request was sent. Returns it marked, or nil when
    /// there is no such request. Marking a marked request changes nothing, so it is safe to ask twice. Its status and
    /// every other detail stay as they are.
    func markCrisisInChat(reference: String) async throws -> CallbackRequest?

    /// Deletes every request created before `cutoff`, whatever its status; returns how many.
    func purge(olderThan cutoff: Date) async throws -> Int

    /// Closes the store; later calls throw ``CallbackStoreError/closed(file:line:)``.
    func close() async throws

    /// Whether a save can be expected to work now. False while the store's disk is full, read-only or
    /// gone: the conversation then gives the center's number instead of offering a callback.
    ///
    /// Read on every message, so it is cheap and synchronous (an atomic flag, not an actor hop).
    var acceptsRequests: Bool { get }

    /// Looks again whether saves can work (the disk was freed, the folder came back), so that
    /// ``acceptsRequests`` can turn true again. Called while ``acceptsRequests`` is false.
    func recheck() async
}

extension CallbackStore {
    /// The first (or last) `limit` of ``list(status:)``; stores that can should put the limit in their query.
    public func list(status: CallbackStatus?, limit: Int, oldestFirst: Bool) async throws -> [CallbackRequest] {
        let all = try await list(status: status)
        return oldestFirst ? Array(all.reversed().prefix(max(0, limit))) : Array(all.prefix(max(0, limit)))
    }

    /// The requests as ``list(status:limit:oldestFirst:)`` gives them; a store that can skip unreadable rows
    /// implements this itself.
    public func listing(status: CallbackStatus?, limit: Int?, oldestFirst: Bool) async throws -> CallbackListing {
        guard let limit else {
            let all = try await list(status: status)
            return CallbackListing(requests: oldestFirst ? all.reversed() : all)
        }
        return CallbackListing(requests: try await list(status: status, limit: limit, oldestFirst: oldestFirst))
    }

    /// Every request with `status`, newest first, and the rows that could not be read.
    public func listing(status: CallbackStatus?) async throws -> CallbackListing {
        try await listing(status: status, limit: nil, oldestFirst: false)
    }

    /// The `limit` newest requests with `status`, newest first.
    public func list(status: CallbackStatus?, limit: Int) async throws -> [CallbackRequest] {
        try await list(status: status, limit: limit, oldestFirst: false)
    }

    /// Saves without a key of the caller's: see ``save(_:channel:key:)``.
    public func save(_ draft: CallbackDraft, channel: CallbackChannel, key: UUID) async throws -> CallbackRequest {
        try await save(draft, channel: channel)
    }

    /// A store that never knows in advance that saving will fail: always true.
    public var acceptsRequests: Bool { true }

    /// Nothing to look at again.
    public func recheck() async {}
}

/// Why a callback store could not do what was asked, with what a person can do about it.
///
/// Messages name the database's path and what went wrong, never a visitor's name or number.
public struct CallbackStoreError: Error, Hashable, Sendable {
    /// The kind of problem: compare with `==` (`error.code == .locked`).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum _Code: Hashable, Sendable {
            case cannotOpen
            case readOnly
            case diskFull
            case locked
            case damaged
            case newerSchema
            case saveFailed
            case readFailed
            case closed
            case notFound
            case permissionDenied
            case replaced
            case unconfirmed
        }

        private var code: _Code

        private init(_ code: _Code) {
            self.code = code
        }

        /// The code's name, like `locked`.
        public var description: String {
            switch code {
            case .cannotOpen: "cannotOpen"
            case .readOnly: "readOnly"
            case .diskFull: "diskFull"
            case .locked: "locked"
            case .damaged: "damaged"
            case .newerSchema: "newerSchema"
            case .saveFailed: "saveFailed"
            case .readFailed: "readFailed"
            case .closed: "closed"
            case .notFound: "notFound"
            case .permissionDenied: "permissionDenied"
            case .replaced: "replaced"
            case .unconfirmed: "unconfirmed"
            }
        }

        /// The database could not be opened or created.
        public static let cannotOpen = Code(.cannotOpen)
        /// The database or its folder cannot be written.
        public static let readOnly = Code(.readOnly)
        /// The disk is full.
        public static let diskFull = Code(.diskFull)
        /// Another program held the database longer than the busy timeout.
        public static let locked = Code(.locked)
        /// The file is damaged or is not a callback database.
        public static let damaged = Code(.damaged)
        /// The database was written by a newer version of OpenDoor.
        public static let newerSchema = Code(.newerSchema)
        /// Saving failed for another reason.
        public static let saveFailed = Code(.saveFailed)
        /// Reading failed for another reason.
        public static let readFailed = Code(.readFailed)
        /// The store was closed.
        public static let closed = Code(.closed)
        /// There is no callback database (or no folder) where one was expected.
        public static let notFound = Code(.notFound)
        /// This user may not read or write the database or its folder.
        public static let permissionDenied = Code(.permissionDenied)
        /// The database file was deleted or replaced by another file while the store had it open.
        public static let replaced = Code(.replaced)
        /// A save was sent but its outcome could not be learned in time (the database stalled or a lock held it):
        /// it may still be stored. Never tell the visitor "nothing was kept"; retry with the same key.
        public static let unconfirmed = Code(.unconfirmed)
    }

    /// The kind of problem. The only thing `==` and hashing look at.
    public let code: Code
    /// The database file or folder concerned, when known.
    public let path: String?
    /// What the system or SQLite said, when it helps (like "disk I/O error").
    public let reason: String?
    /// Where in OpenDoor the error was made, for bug reports.
    public let file: String
    /// The line in ``file``.
    public let line: Int

    private init(_ code: Code, path: String?, reason: String?, file: String, line: Int) {
        self.code = code
        self.path = path
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The database at `path` could not be opened or created.
    public static func cannotOpen(path: String, reason: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.cannotOpen, path: path, reason: reason, file: file, line: line)
    }

    /// The database (or its folder) at `path` is read-only; `reason` says why, when known (a read-only mount).
    public static func readOnly(
        path: String? = nil, reason: String? = nil, file: String = #fileID, line: Int = #line
    ) -> Self {
        Self(.readOnly, path: path, reason: reason, file: file, line: line)
    }

    /// The reason a read-only mount gives.
    public static let readOnlyMount = "its file system is mounted read-only"

    /// The disk holding `path` is full.
    public static func diskFull(path: String? = nil, file: String = #fileID, line: Int = #line) -> Self {
        // A reason of its own, so that log lines say it rather than `error.reason=-` (QA25 S3-6, QA27 S3-5).
        Self(.diskFull, path: path, reason: diskFullReason, file: file, line: line)
    }

    /// The reason a full disk gives, in log lines.
    public static let diskFullReason = "no space left on the disk"

    /// Another connection held the database at `path` for longer than `timeout`.
    public static func locked(
        path: String? = nil,
        timeout: Duration? = nil,
        file: String = #fileID,
        line: Int = #line
    ) -> Self {
        let reason = timeout.map { timeout -> String in
            let milliseconds =
                timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
            return milliseconds % 1000 == 0 ? "waited \(milliseconds / 1000) s" : "waited \(milliseconds) ms"
        }
        return Self(.locked, path: path, reason: reason, file: file, line: line)
    }

    /// The file at `path` is damaged or is not a callback database.
    public static func damaged(path: String? = nil, reason: String? = nil, file: String = #fileID, line: Int = #line)
        -> Self
    {
        Self(.damaged, path: path, reason: reason, file: file, line: line)
    }

    /// The database at `path` has changes from a newer OpenDoor this one does not know.
    public static func newerSchema(path: String? = nil, file: String = #fileID, line: Int = #line) -> Self {
        Self(.newerSchema, path: path, reason: nil, file: file, line: line)
    }

    /// A save failed for a reason none of the other codes name.
    public static func saveFailed(reason: String, path: String? = nil, file: String = #fileID, line: Int = #line)
        -> Self
    {
        Self(.saveFailed, path: path, reason: reason, file: file, line: line)
    }

    /// A read failed for a reason none of the other codes name.
    public static func readFailed(reason: String, path: String? = nil, file: String = #fileID, line: Int = #line)
        -> Self
    {
        Self(.readFailed, path: path, reason: reason, file: file, line: line)
    }

    /// The one request asked for is stored with a value this version can't read (written outside OpenDoor): a
    /// read failure of that row only, not a damaged database.
    public static func unreadable(
        _ row: UnreadableRequest, path: String? = nil, file: String = #fileID, line: Int = #line
    ) -> Self {
        Self(
            .readFailed, path: path,
            reason: "\(row); it was written outside OpenDoor: correct the value with sqlite3 or psql, the other "
                + "requests are not affected",
            file: file, line: line)
    }

    /// A save at `path` was sent, but whether it was stored could not be learned; `reason` says why.
    public static func unconfirmed(reason: String, path: String? = nil, file: String = #fileID, line: Int = #line)
        -> Self
    {
        Self(.unconfirmed, path: path, reason: reason, file: file, line: line)
    }

    /// The store was used after ``CallbackStore/close()``.
    public static func closed(file: String = #fileID, line: Int = #line) -> Self {
        Self(.closed, path: nil, reason: nil, file: file, line: line)
    }

    /// There is no callback database (or folder) at `path`.
    public static func notFound(path: String, reason: String? = nil, file: String = #fileID, line: Int = #line)
        -> Self
    {
        Self(.notFound, path: path, reason: reason, file: file, line: line)
    }

    /// This user may not use the database or folder at `path`.
    public static func permissionDenied(path: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.permissionDenied, path: path, reason: nil, file: file, line: line)
    }

    /// The database at `path` was deleted or replaced while open; `reason` says which.
    public static func replaced(path: String, reason: String, file: String = #fileID, line: Int = #line) -> Self {
        Self(.replaced, path: path, reason: reason, file: file, line: line)
    }

    /// The same error naming `path`, unless it names a path already; for stores whose inner layers
    /// don't know the path.
    package func naming(path: String) -> Self {
        guard self.path == nil else { return self }
        return Self(code, path: path, reason: reason, file: file, line: line)
    }
}

extension CallbackStoreError: CustomStringConvertible, CustomDebugStringConvertible {
    /// What happened and what to do, for the person running OpenDoor.
    public var description: String {
        if let path, path.contains("://") { return serverDescription(url: path) }
        let place = path.map { " at \($0)" } ?? ""
        let because = reason.map { " (\($0))" } ?? ""
        switch code {
        case .cannotOpen:
            return "Could not open the callback database\(place)\(because). "
                + "Check the path, or choose another folder with --data."
        case .notFound:
            return "There is no callback database\(place)\(because)."
        case .permissionDenied:
            return "This user may not use the callback database\(place) (permission denied). "
                + "Run OpenDoor as the user that owns the folder, or choose another folder with --data."
        case .replaced:
            return "The callback database\(place) was \(reason ?? "deleted or replaced") while OpenDoor had it open; "
                + "nothing more was saved into the old file. Keep the old file if you moved it: it holds requests."
        case .readOnly where reason == Self.readOnlyMount:
            return "The callback database\(place) is read-only (\(Self.readOnlyMount)), so nothing can be saved. "
                + "Mount it read-write, or choose another folder with --data."
        case .readOnly:
            return "The callback database\(place) is read-only, so nothing can be saved. "
                + "Give this user write access to the folder and its files, or choose another folder with --data."
        case .diskFull:
            return "The disk holding the callback database\(place) is full, so nothing can be saved. "
                + "Free some space; requests saved before are not affected."
        case .locked:
            return "The callback database\(place) is busy: another program kept it locked\(because). "
                + "Close other programs using it (a second opendoor, an sqlite3 shell) and try again."
        case .damaged:
            return "The callback database\(place) is damaged or is not an OpenDoor database\(because). "
                + "Move the file aside (keep it: it may hold requests) and start again to create a new one."
        case .newerSchema:
            return "The callback database\(place) was written by a newer version of OpenDoor. "
                + "Run that version, or choose another folder with --data."
        case .saveFailed:
            return "The callback request could not be saved\(place)\(because)."
        case .readFailed:
            return "The callback requests could not be read\(place)\(because)."
        case .unconfirmed:
            return "A callback request sent\(place) could not be confirmed as saved\(because); "
                + "look it up with `opendoor callbacks list` before calling the visitor twice."
        case .closed:
            return "The callback store was already closed."
        default:
            return "Callback store error \(code)\(place)\(because)."
        }
    }

    /// The description with the code and where the error was made.
    public var debugDescription: String {
        "CallbackStoreError(\(code), \(file):\(line)): \(description)"
    }
}
