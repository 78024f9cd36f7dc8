import Foundation
import GRDB
import OpenDoorKit

extension SQLiteCallbackStore {
    /// The newest migration this version knows.
    static let currentSchema = "backup_phone"

    /// The schema's history. Never edit a migration once released: add the next one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // `created_ms` is milliseconds since 1970 (UTC), so a request reads back exactly as it
            // was returned by save. AUTOINCREMENT: ids are never reused after a purge.
            // Only what a caller needs; never a transcript.
            try db.execute(
                sql: """
                    CREATE TABLE callback_request (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        reference TEXT NOT NULL UNIQUE,
                        created_ms INTEGER NOT NULL,
                        name TEXT,
                        phone_e164 TEXT NOT NULL,
                        phone_extension TEXT,
                        best_time TEXT NOT NULL,
                        voicemail_ok INTEGER NOT NULL CHECK (voicemail_ok IN (0, 1)),
                        channel TEXT NOT NULL,
                        status TEXT NOT NULL DEFAULT 'new'
                    );
                    CREATE INDEX callback_request_on_created ON callback_request(created_ms);
                    """
            )
        }
        registerCrisisCounts(in: &migrator)
        migrator.registerMigration("best_time_said") { db in
            // The best time in the visitor's words ("after 5 on weekdays"); best_time stays the part of
            // the day, for sorting.
            try db.execute(sql: "ALTER TABLE callback_request ADD COLUMN best_time_said TEXT")
        }
        registerAudit(in: &migrator)
        registerReplyCounts(in: &migrator)
        migrator.registerMigration("voicemail_choice") { db in
            // Three answers instead of yes/no: "yes" (may name the center), "discreet" (a message that
            // doesn't name it), "none" (no voicemail at all). An old no meant a discreet message, so old rows
            // keep their meaning; voicemail_ok stays, true only for "yes".
            try db.execute(
                sql: """
                    ALTER TABLE callback_request ADD COLUMN voicemail TEXT
                        CHECK (voicemail IN ('yes', 'discreet', 'none'));
                    UPDATE callback_request SET voicemail = CASE voicemail_ok WHEN 1 THEN 'yes' ELSE 'discreet' END;
                    """
            )
        }
        migrator.registerMigration("crisis_in_chat") { db in
            // Whether the chat that asked for the call had a crisis reply in it: a marker for staff, never the words.
            // Older rows had none recorded: 0.
            try db.execute(
                sql: """
                    ALTER TABLE callback_request ADD COLUMN crisis_in_chat INTEGER NOT NULL DEFAULT 0
                        CHECK (crisis_in_chat IN (0, 1))
                    """)
        }
        migrator.registerMigration("backup_phone") { db in
            // A second number the visitor offered, to try when the first doesn't answer (E.164). Older rows: none.
            try db.execute(sql: "ALTER TABLE callback_request ADD COLUMN backup_phone_e164 TEXT")
        }
        return migrator
    }()

    /// GRDB's configuration for the store's connections.
    static func databaseConfiguration(_ configuration: Configuration) -> GRDB.Configuration {
        var config = GRDB.Configuration()
        config.label = "OpenDoor.callbacks"
        config.readonly = configuration.readOnly
        config.busyMode = .timeout(seconds(configuration.busyTimeout))
        config.maximumReaderCount = 2
        let maximumPageCount = configuration.maximumPageCount
        config.prepareDatabase { db in
            // synchronous = FULL is set in makeCommitsDurable: DatabasePool resets it on its writer.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            if let maximumPageCount {
                try db.execute(sql: "PRAGMA max_page_count = \(maximumPageCount)")
            }
        }
        return config
    }

    /// Opens the database: a WAL pool, or for a read-only store whose pool can't open (SQLite must
    /// create or grow the -shm file, which a full or read-only disk refuses), the one way left to read
    /// it, with a sentence saying which for staff.
    ///
    /// - Read-only file system: `immutable=1`, reading the database file alone (nothing can write it;
    ///   a write-ahead log left by a crash is not read).
    /// - Otherwise (a full disk): one connection in exclusive locking mode, which keeps the WAL index in
    ///   its own memory instead of the -shm file, with `query_only` so it cannot write. It holds the
    ///   database's lock while open: staff commands open, read and close.
    static func openDatabase(
        path: String, directory: String, configuration: Configuration
    ) throws -> (database: any DatabaseWriter, fallback: String?) {
        let config = databaseConfiguration(configuration)
        do {
            return (try DatabasePool(path: path, configuration: config), nil)
        } catch {
            guard configuration.readOnly else { throw error }
            let volume = Volume.of(directory)
            if volume?.isReadOnly == true {
                var immutable = config
                immutable.readonly = true
                let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
                let queue = try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: immutable)
                return (queue, "the file system is read-only: read from callbacks.sqlite alone")
            }
            var exclusive = config
            exclusive.readonly = false
            exclusive.prepareDatabase { db in
                try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE")
                try db.execute(sql: "PRAGMA query_only = ON")
            }
            let queue = try DatabaseQueue(path: path, configuration: exclusive)
            let reason = volume.map { $0.freeBytes < minimumFreeBytes ? "the disk is full" : "\(error)" } ?? "\(error)"
            return (queue, "\(reason): read with the database locked, without the -shm file")
        }
    }

    /// Below this many free bytes a disk counts as full: SQLite needs a few pages and a 32 KiB -shm file.
    static let minimumFreeBytes: Int64 = 256 * 1024

    /// Sets `synchronous = FULL` on the pool's one writing connection, and checks it took.
    ///
    /// In WAL mode FULL syncs the WAL at every commit, so a saved request survives a power cut, not
    /// just a crash; NORMAL syncs only at checkpoints and may lose the last commits. It cannot go in
    /// `prepareDatabase`: DatabasePool runs that first and then sets `synchronous = NORMAL` itself
    /// when it turns WAL on (GRDB 7.10, `Database.setUpWALMode`). The writer connection lives as long
    /// as the pool, so setting it once holds.
    static func makeCommitsDurable(_ pool: any DatabaseWriter) throws {
        let level = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard level == 2 else {
            throw CallbackStoreError.cannotOpen(path: pool.path, reason: "SQLite refused synchronous = FULL")
        }
    }

    /// Brings the schema up to date; a read-only store only checks it is. Without `create` (staff commands), a
    /// database no OpenDoor ever migrated is refused, not turned into a store: it is someone else's file.
    static func migrate(_ pool: any DatabaseWriter, readOnly: Bool, create: Bool = true) throws {
        let (superseded, completed, started) = try pool.read { db in
            (
                try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db),
                try !migrator.appliedIdentifiers(db).isEmpty
            )
        }
        if superseded { throw CallbackStoreError.newerSchema() }
        if completed { return }
        if !started && (!create || readOnly) {
            throw CallbackStoreError.notFound(path: pool.path, reason: noStore)
        }
        if readOnly { throw CallbackStoreError.readOnly() }
        try migrator.migrate(pool)
    }

    /// Why a staff command refuses a database file with no OpenDoor schema in it (an empty file, another program's).
    static let noStore =
        "this file holds no OpenDoor callback store, and staff commands never create one; give the folder "
        + "`opendoor serve` uses, or start `opendoor serve --data DIR` once to create the store"

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    static func date(milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }

    static func referenceExists(_ reference: String, in db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: "SELECT EXISTS (SELECT 1 FROM callback_request WHERE reference = ?)",
            arguments: [reference]
        ) ?? false
    }

    /// Inserts `draft` under a reference code no request has yet, drawing up to `attempts` codes.
    static func insert(
        _ draft: CallbackDraft,
        channel: CallbackChannel,
        milliseconds: Int64,
        makeReference: () -> String,
        attempts: Int,
        in db: Database
    ) throws -> CallbackRequest {
        var reference = makeReference()
        var tries = 1
        while try referenceExists(reference, in: db) {
            guard tries < attempts else {
                throw CallbackStoreError.saveFailed(reason: "no unused reference code found in \(attempts) tries")
            }
            reference = makeReference()
            tries += 1
        }
        return try insert(draft, channel: channel, reference: reference, milliseconds: milliseconds, in: db)
    }

    /// Gives the request `reference` the details of `draft` while its status is still `new` (nobody has called),
    /// and returns it as stored; nil when there is no such request (purged since).
    static func update(_ reference: String, with draft: CallbackDraft, in db: Database) throws -> CallbackRequest? {
        let request = CallbackRequest(id: 0, reference: reference, created: Date(), draft: draft, channel: .web)
        try db.execute(
            sql: """
                UPDATE callback_request SET name = ?, phone_e164 = ?, phone_extension = ?, best_time = ?,
                    voicemail_ok = ?, best_time_said = ?, voicemail = ?, crisis_in_chat = ?, backup_phone_e164 = ?
                WHERE reference = ? AND status = ?
                """,
            arguments: [
                request.name, request.phone.e164, request.phone.extensionDigits, request.bestTime.rawValue,
                request.voicemailOK, request.bestTimeSaid, request.voicemail.rawValue, request.crisisInChat,
                request.backupPhone?.e164, reference, CallbackStatus.new.rawValue,
            ])
        return try fetch(reference: reference, in: db)
    }

    static func insert(
        _ draft: CallbackDraft,
        channel: CallbackChannel,
        reference: String,
        milliseconds: Int64,
        in db: Database
    ) throws -> CallbackRequest {
        var request = CallbackRequest(
            id: 0,
            reference: reference,
            created: date(milliseconds: milliseconds),
            draft: draft,
            channel: channel
        )
        try db.execute(
            sql: """
                INSERT INTO callback_request
                    (reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok, channel, status,
                     best_time_said, voicemail, crisis_in_chat, backup_phone_e164)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                request.reference, milliseconds, request.name, request.phone.e164, request.phone.extensionDigits,
                request.bestTime.rawValue, request.voicemailOK, request.channel.rawValue, request.status.rawValue,
                request.bestTimeSaid, request.voicemail.rawValue, request.crisisInChat, request.backupPhone?.e164,
            ]
        )
        request.id = db.lastInsertedRowID
        return request
    }

    static let columns =
        "id, reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok, channel, status, "
        + "best_time_said, voicemail, crisis_in_chat, backup_phone_e164"

    /// The requests with `status` (all when nil), newest first; the `limit` newest when given. Rows that can't be
    /// read are skipped and named.
    static func fetch(
        status: CallbackStatus?, limit: Int? = nil, oldestFirst: Bool = false, in db: Database
    ) throws -> CallbackListing {
        let filter = status == nil ? "" : "WHERE status = ?"
        let bound = limit.map { " LIMIT \(max(0, $0))" } ?? ""
        let order = oldestFirst ? "ASC" : "DESC"
        let arguments: StatementArguments = status.map { [$0.rawValue] } ?? []
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT \(columns) FROM callback_request \(filter) ORDER BY created_ms \(order), id \(order)\(bound)",
            arguments: arguments
        )
        return try collect(rows).listing
    }

    /// Reads `rows` in order, skipping (and naming) those that can't be read; also the last row's place, read or
    /// not, and how many rows came.
    private static func collect(_ rows: RowCursor) throws -> (listing: CallbackListing, last: CallbackCursor?, count: Int) {
        var listing = CallbackListing(requests: [])
        var last: CallbackCursor?
        var count = 0
        while let row = try rows.next() {
            let stored = stored(row)
            count += 1
            if let id = stored.id, let created = stored.createdMilliseconds {
                last = CallbackCursor(createdMilliseconds: created, id: id)
            }
            switch stored.request() {
            case .success(let request): listing.requests.append(request)
            case .failure(let unreadable): listing.unreadable.append(unreadable)
            }
        }
        return (listing, last, count)
    }

    /// Up to `limit` rows with `status` (all when nil) after `cursor`, newest first; the next page's cursor when the
    /// page is full.
    static func fetchPage(
        status: CallbackStatus?, after cursor: CallbackCursor?, limit: Int, in db: Database
    ) throws -> CallbackPage {
        let limit = max(1, limit)
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let status {
            conditions.append("status = ?")
            arguments += [status.rawValue]
        }
        if let cursor {
            conditions.append("(created_ms, id) < (?, ?)")
            arguments += [cursor.createdMilliseconds, cursor.id]
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT \(columns) FROM callback_request \(filter) ORDER BY created_ms DESC, id DESC LIMIT \(limit)",
            arguments: arguments
        )
        let (listing, last, count) = try collect(rows)
        return CallbackPage(listing: listing, next: count < limit ? nil : last)
    }

    /// Deletes, of the first `limit` rows with an id after `after` and at most `through` that were created before
    /// `milliseconds` (`new` ones only when `includingNew`), those that can be read: a row with a value written outside
    /// OpenDoor stays, as staff were never shown it. Returns how many were deleted, the last id read, and how many rows
    /// were read (fewer than `limit`: no batch follows).
    static func purge(
        before milliseconds: Int64, includingNew: Bool, after: Int64, through: Int64, limit: Int, in db: Database
    ) throws -> (deleted: Int, last: Int64, read: Int) {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT \(columns) FROM callback_request
                WHERE created_ms < ? AND (? OR status <> 'new') AND id > ? AND id <= ? ORDER BY id LIMIT ?
                """,
            arguments: [milliseconds, includingNew, after, through, limit])
        var doomed: [Int64] = []
        var (last, read) = (after, 0)
        while let row = try rows.next() {
            read += 1
            if let id: Int64 = row["id"] { last = id }
            if case .success(let request) = stored(row).request() { doomed.append(request.id) }
        }
        let delete = try db.cachedStatement(sql: "DELETE FROM callback_request WHERE id = ?")
        for id in doomed { try delete.execute(arguments: [id]) }
        return (doomed.count, last, read)
    }

    /// The request with `reference`; throws ``CallbackStoreError/unreadable(_:path:file:line:)`` when its row can't be
    /// read.
    static func fetch(reference: String, in db: Database) throws -> CallbackRequest? {
        guard
            let row = try Row.fetchOne(
                db,
                sql: "SELECT \(columns) FROM callback_request WHERE reference = ?",
                arguments: [reference]
            )
        else { return nil }
        return try request(from: row)
    }

    /// Reads a row, checking every value; throws ``CallbackStoreError/unreadable(_:path:file:line:)`` naming the row
    /// and column, never its contents (GRDB's own decoding errors print the row, number and name included).
    static func request(from row: Row) throws -> CallbackRequest {
        try stored(row).request().mapError { CallbackStoreError.unreadable($0) }.get()
    }

    /// A row's values, each nil when missing or of another type.
    static func stored(_ row: Row) -> StoredRequest {
        func value<Value: DatabaseValueConvertible>(_ column: String, _ type: Value.Type = Value.self) -> Value? {
            Value.fromDatabaseValue(row[column] as DatabaseValue)
        }
        return StoredRequest(
            id: value("id"), reference: value("reference"), createdMilliseconds: value("created_ms"), name: value("name"),
            phoneE164: value("phone_e164"), phoneExtension: value("phone_extension"), bestTime: value("best_time"),
            voicemailOK: value("voicemail_ok"), channel: value("channel"), status: value("status"),
            bestTimeSaid: value("best_time_said"), voicemail: value("voicemail"), crisisInChat: value("crisis_in_chat"),
            backupPhoneE164: value("backup_phone_e164"))
    }
}
