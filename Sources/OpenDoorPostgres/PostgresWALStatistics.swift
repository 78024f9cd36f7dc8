import Logging
import OpenDoorKit
import PostgresNIO

/// What a PostgreSQL server says about its write-ahead log: how durable its commits are, and how many WAL syncs
/// (the disk flushes a durable commit waits for) it has made and how long they took. `opendoor load` reads it
/// before and after a run against PostgreSQL, so a slow save can be told apart from a slow disk.
public struct PostgresWALStatistics: Sendable, Equatable {
    /// `synchronous_commit`: `on` for the product (a COMMIT is answered once it is on disk).
    public var synchronousCommit: String
    /// `fsync`: `on` unless the server was told to skip disk flushes altogether.
    public var fsync: String
    /// `wal_sync_method` (`fdatasync` on Linux by default).
    public var syncMethod: String
    /// WAL syncs since the statistics were last reset (`pg_stat_wal.wal_sync`).
    public var syncs: Int64
    /// Their total time in milliseconds (`pg_stat_wal.wal_sync_time`); nil unless `track_wal_io_timing` is on.
    public var syncMilliseconds: Double?
    /// The process id of the backend that read these statistics (a child of the server's postmaster, scheduled as
    /// the server's other backends are), or nil when it could not be read.
    public var backendPID: Int32?

    /// Reads the statistics of the server at `url` on a connection of its own (PostgreSQL 14 or later).
    ///
    /// A server's connections add their WAL syncs to the statistics when they end: after a run, with
    /// `afterOthersLeave`, this waits (up to about 2 s) until no other client is connected to the database.
    public static func read(_ url: PostgresStoreURL, afterOthersLeave: Bool = false) async throws
        -> PostgresWALStatistics
    {
        let connection = try await PostgresConnection.connect(
            configuration: url.connectionConfiguration(connectTimeout: .seconds(3)), id: 0,
            logger: PostgresCallbackStore.silent)
        do {
            for _ in 0..<(afterOthersLeave ? 40 : 0) {
                let others = try await connection.query(
                    """
                    SELECT count(*) FROM pg_stat_activity
                    WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
                    """,
                    logger: PostgresCallbackStore.silent
                ).collect().first?.decode(Int64.self)
                if others == 0 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let rows = try await connection.query(
                """
                SELECT current_setting('synchronous_commit'), current_setting('fsync'),
                    current_setting('wal_sync_method'), current_setting('track_wal_io_timing') = 'on',
                    wal_sync, wal_sync_time, pg_backend_pid()
                FROM pg_stat_wal
                """,
                logger: PostgresCallbackStore.silent
            ).collect()
            try? await connection.close()
            guard let row = rows.first else { throw CallbackStoreError.readFailed(reason: "pg_stat_wal is empty") }
            let (commit, fsync, method, timed, syncs, time, pid) = try row.decode(
                (String, String, String, Bool, Int64, Double, Int32).self)
            return PostgresWALStatistics(
                synchronousCommit: commit, fsync: fsync, syncMethod: method, syncs: syncs,
                syncMilliseconds: timed ? time : nil, backendPID: pid)
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// One line on the server's durability settings and the WAL syncs made since `earlier`: how many, and their
    /// mean time when it is tracked.
    public func summary(since earlier: PostgresWALStatistics) -> String {
        let count = syncs - earlier.syncs
        var line =
            "PostgreSQL synchronous_commit=\(synchronousCommit), fsync=\(fsync), wal_sync_method=\(syncMethod): "
            + "\(count) WAL syncs"
        if let total = syncMilliseconds, let before = earlier.syncMilliseconds, count > 0 {
            line += ", \(String(format: "%.2f", (total - before) / Double(count))) ms each on average"
        } else {
            line += " (their time is not tracked: track_wal_io_timing is off)"
        }
        return line
    }
}
