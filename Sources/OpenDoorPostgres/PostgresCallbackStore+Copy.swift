import Foundation
import OpenDoorKit
import PostgresNIO

extension PostgresCallbackStore {
    /// What ``copy(_:)`` did with each request it was given.
    public struct CopyReport: Sendable, Hashable {
        /// Requests added to the store.
        public var copied = 0
        /// Requests already there: same reference, same creation time and number (an earlier copy).
        public var alreadyThere = 0
        /// References the store holds for a different request (another server drew the same code):
        /// those requests were not copied. Should never happen in practice (28⁶ codes).
        public var conflicts: [String] = []
        /// Replies counted in the source store (summed over every day, intent and topic), now in the store.
        public var replyCounts = 0
        /// Crisis replies and check-ins counted in the source store, now in the store.
        public var crisisCounts = 0
        /// Status changes (the audit: who marked what, when) added to the store.
        public var statusChanges = 0
        /// Status changes already there (an earlier copy).
        public var statusChangesAlreadyThere = 0

        /// An empty report.
        public init() {}

        /// Adds what another copy into the same store did (a command copying a page at a time).
        public mutating func add(_ other: CopyReport) {
            copied += other.copied
            alreadyThere += other.alreadyThere
            conflicts += other.conflicts
            replyCounts += other.replyCounts
            crisisCounts += other.crisisCounts
            statusChanges += other.statusChanges
            statusChangesAlreadyThere += other.statusChangesAlreadyThere
        }
    }

    /// Reply and crisis counts copied from another store (see ``copy(_:counts:)``).
    public struct CopiedCounts: Sendable {
        /// Names the store they come from (its file or URL without password): a copy from the same source
        /// replaces the counts an earlier one brought.
        public var source: String
        /// Its reply counts, every day.
        public var replies: [ReplyCount]
        /// Its crisis counts, every day.
        public var crises: [CrisisCount]

        /// Counts from `source`.
        public init(source: String, replies: [ReplyCount], crises: [CrisisCount]) {
            self.source = source
            self.replies = replies
            self.crises = crises
        }
    }

    /// What this database is, whatever URL named it (`localhost` or `127.0.0.1`, another user): the
    /// cluster's system identifier and the database's name, e.g. `postgres:7301452394021375/opendoor`. A copy
    /// keeps the counts it brought under this name, and refuses to copy a database into itself. When the
    /// identifier may not be read (a restricted user), the server's address and port stand in for it.
    public func identity() async throws -> String {
        try checkOpen()
        let client = client
        let quiet = Self.silent
        return try await perform(.read, event: "Could not identify the database") {
            let database = try await client.query("SELECT current_database()", logger: quiet)
                .collect().first?.decode(String.self) ?? "?"
            let system = try? await client.query(
                "SELECT system_identifier::text FROM pg_control_system()", logger: quiet
            ).collect().first?.decode(String.self)
            if let system { return "postgres:\(system)/\(database)" }
            let server = try await client.query(
                "SELECT coalesce(host(inet_server_addr()), 'local') || ':' || coalesce(inet_server_port(), 0)",
                logger: quiet
            ).collect().first?.decode(String.self) ?? "?"
            return "postgres:\(server)/\(database)"
        }
    }

    /// Adds saved requests from another store, keeping their reference, creation time, channel and
    /// status; ids are the store's own. Idempotent: a request whose reference is already there is
    /// left as it is, so copying twice gives the same store as copying once.
    ///
    /// `counts`, the source's reply and crisis counts, are kept beside the servers' own under the source's
    /// name and added to them when read; a later copy from the same source replaces them rather than adding
    /// them again, so copying twice counts as copying once (and a copy made again after the source counted more
    /// brings the difference).
    ///
    /// `changes`, the source's audit of status changes, are added unless the same change (reference, staff,
    /// statuses, time) is there already, so they too are copied once however often the copy runs.
    ///
    /// It is copied in batches of ``Configuration/copyBatchSize``, each its own transaction with its own deadline, so a store of
    /// any size can be copied (one transaction for everything failed past a couple of thousand requests). If a batch
    /// fails, the batches before it stay copied and the error says how many requests were; running the copy again
    /// skips those and goes on.
    public func copy(
        _ requests: [CallbackRequest], counts: CopiedCounts? = nil, changes: [CallbackStatusChange] = []
    ) async throws -> CopyReport {
        try checkOpen()
        let client = client
        let quiet = Self.silent
        var report = CopyReport()
        let size = max(1, configuration.copyBatchSize)
        do {
            if let counts {
                try await perform(.save, event: "Could not copy the counts", quietly: true) {
                    try await client.withTransaction(logger: quiet) { connection in
                        try await Self.replaceCopiedCounts(
                            PendingCounts.Counts(replies: counts.replies, crises: counts.crises),
                            from: "copy:" + counts.source, on: connection)
                    }
                }
                report.replyCounts = counts.replies.reduce(0) { $0 + $1.count }
                report.crisisCounts = counts.crises.reduce(0) { $0 + $1.count }
            }
            for start in stride(from: 0, to: requests.count, by: size) {
                let batch = Array(requests[start..<min(start + size, requests.count)])
                let done = try await perform(.save, event: "Could not copy callback requests", quietly: true) {
                    try await client.withTransaction(logger: quiet) { try await Self.copy(batch, on: $0) }
                }
                report.copied += done.copied
                report.alreadyThere += done.alreadyThere
                report.conflicts += done.conflicts
            }
            // Oldest first, so that the store's own ids keep their order.
            let oldestFirst = Array(changes.reversed())
            for start in stride(from: 0, to: oldestFirst.count, by: size) {
                let batch = Array(oldestFirst[start..<min(start + size, oldestFirst.count)])
                let (added, there) = try await perform(.save, event: "Could not copy status changes", quietly: true) {
                    try await client.withTransaction(logger: quiet) { try await Self.copy(batch, on: $0) }
                }
                report.statusChanges += added
                report.statusChangesAlreadyThere += there
            }
        } catch {
            let failure = (error as? CallbackStoreError) ?? .saveFailed(reason: "\(type(of: error))", path: path)
            let done = report.copied + report.alreadyThere + report.conflicts.count
            let reason =
                (failure.reason.map { $0 + "; " } ?? "")
                + "\(done) of \(requests.count) requests were copied or found there before it stopped"
            logger.error("Could not copy callback requests", metadata: ["error.code": "\(failure.code)", "copied": "\(done)"])
            throw CallbackStoreError.saveFailed(reason: reason, path: path)
        }
        logger.info(
            "Copied callback requests",
            metadata: [
                "copied": "\(report.copied)", "alreadyThere": "\(report.alreadyThere)",
                "conflicts": "\(report.conflicts.count)", "replyCounts": "\(report.replyCounts)",
                "crisisCounts": "\(report.crisisCounts)", "statusChanges": "\(report.statusChanges)",
            ]
        )
        return report
    }

    /// Copies `requests` on `connection` (in the caller's transaction): what was added, found, or conflicting.
    ///
    /// Two statements for the whole batch: one multi-row INSERT that skips references already there, and one read of
    /// those, to tell an earlier copy of the same request from another request with the same code. A row at a time,
    /// twenty thousand requests took minutes.
    private static func copy(_ requests: [CallbackRequest], on connection: PostgresConnection) async throws -> CopyReport {
        guard !requests.isEmpty else { return CopyReport() }
        var bindings = PostgresBindings(capacity: requests.count * 13)
        var rows: [String] = []
        for (index, request) in requests.enumerated() {
            let first = index * 13
            InsertRequestStatement.bind(request, milliseconds: milliseconds(request.created), saveKey: nil, to: &bindings)
            let types = [
                "text", "bigint", "text", "text", "text", "text", "boolean", "text", "text", "text", "text", "boolean",
                "text",
            ]
            rows.append("(" + types.enumerated().map { "$\(first + $0.offset + 1)::\($0.element)" }.joined(separator: ", ") + ")")
        }
        let insert = PostgresQuery(
            unsafeSQL: """
                INSERT INTO callback_request
                    (reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok,
                     channel, status, best_time_said, voicemail, crisis_in_chat, backup_phone_e164)
                VALUES \(rows.joined(separator: ",\n"))
                ON CONFLICT (reference) DO NOTHING
                RETURNING reference
                """,
            binds: bindings)
        var inserted = Set<String>()
        for try await reference in try await connection.query(insert, logger: silent).decode(String.self) {
            inserted.insert(reference)
        }
        var report = CopyReport()
        report.copied = inserted.count
        let others = requests.filter { !inserted.contains($0.reference) }
        guard !others.isEmpty else { return report }
        var there: [String: (Int64, String)] = [:]
        let references = others.map(\.reference)
        for try await (reference, created, phone) in try await connection.query(
            "SELECT reference, created_ms, phone_e164 FROM callback_request WHERE reference = ANY(\(references))",
            logger: silent
        ).decode((String, Int64, String).self) {
            there[reference] = (created, phone)
        }
        for request in others {
            if let found = there[request.reference], found.0 == milliseconds(request.created),
                found.1 == request.phone.e164
            {
                report.alreadyThere += 1
            } else {
                report.conflicts.append(request.reference)
            }
        }
        return report
    }

    /// Copies status changes, oldest first, on `connection`: how many were added and how many were there.
    private static func copy(_ changes: [CallbackStatusChange], on connection: PostgresConnection) async throws -> (Int, Int) {
        var (added, there) = (0, 0)
        for change in changes {
            let milliseconds = Self.milliseconds(change.at)
            let inserted = try await connection.query(
                """
                INSERT INTO callback_status_change (reference, staff, from_status, to_status, at_ms)
                SELECT \(change.reference), \(change.staff), \(change.from.rawValue), \(change.to.rawValue),
                    \(milliseconds)
                WHERE NOT EXISTS (
                    SELECT 1 FROM callback_status_change
                    WHERE reference = \(change.reference) AND staff = \(change.staff)
                        AND from_status = \(change.from.rawValue) AND to_status = \(change.to.rawValue)
                        AND at_ms = \(milliseconds))
                RETURNING id
                """,
                logger: silent
            ).collect()
            if inserted.isEmpty { there += 1 } else { added += 1 }
        }
        return (added, there)
    }
}
