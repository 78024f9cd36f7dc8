import Foundation
import Logging
import NIOPosix
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorSQLite
import OpenDoorTestSupport
import PostgresNIO
import Testing

/// Why PostgreSQL tests are skipped, printed by `swift test` next to each one.
let postgresMissing: Comment = """
    PostgreSQL tests skipped: OPENDOOR_TEST_POSTGRES is not set. Scripts/test starts a server; by hand: \
    eval "$(Scripts/postgres start)"
    """

/// The test server's URL, from `Scripts/postgres start`.
let testPostgresURL = ProcessInfo.processInfo.environment["OPENDOOR_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

/// A request to save when its contents don't matter.
let sampleDraft = CallbackDraft(
    name: "Sam",
    phone: PhoneNumber(e164: "+14705550123")!,
    bestTime: .evening,
    voicemailOK: true
)

/// The stores the contract suite runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a new, empty place for stores of this kind (a folder, a database), removed
    /// afterwards. Cancels the test case, with the reason printed, when PostgreSQL is not available.
    func withPlace(_ body: (StorePlace) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            try await withTemporaryDirectory { directory in try await body(.sqlite(directory)) }
        case .postgres:
            guard testPostgresURL != nil else {
                // A cancelled test case prints nothing by itself: the warning is what says it was skipped.
                Issue.record(postgresMissing, severity: .warning)
                try Test.cancel(postgresMissing)
            }
            try await withTestDatabase { url in try await body(.postgres(url)) }
        }
    }
}

/// Settings the contract tests change, whatever the store.
struct StoreOptions: Sendable {
    var now: @Sendable () -> Date = { Date() }
    var makeReference: @Sendable () -> String = { ReferenceCode.random() }
    var referenceAttempts = 16
    /// PostgreSQL: rows per read of a whole list and per batch of a purge (SQLite reads in one go).
    var pageSize = 2_000
}

/// Where a store keeps its requests.
enum StorePlace: Sendable {
    case sqlite(URL)
    case postgres(String)

    /// Opens a store here.
    func open(_ options: StoreOptions = StoreOptions(), logger: Logger = quietLogger) async throws -> any CallbackStore {
        switch self {
        case .sqlite(let directory):
            var configuration = SQLiteCallbackStore.Configuration()
            configuration.now = options.now
            configuration.makeReference = options.makeReference
            configuration.referenceAttempts = options.referenceAttempts
            return try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: logger)
        case .postgres(let url):
            var configuration = PostgresCallbackStore.Configuration.forTests
            configuration.now = options.now
            configuration.makeReference = options.makeReference
            configuration.referenceAttempts = options.referenceAttempts
            configuration.pageSize = options.pageSize
            return try await PostgresCallbackStore.open(url, configuration: configuration, logger: logger)
        }
    }
}

/// Runs `body` with the URL of a new, empty database on the test server, dropped afterwards.
func withTestDatabase(_ body: (String) async throws -> Void) async throws {
    let admin = try #require(testPostgresURL, postgresMissing)
    let letters = "abcdefghijklmnopqrstuvwxyz"
    let name = "opendoor_test_" + String((0..<12).map { _ in letters.randomElement()! })
    try await adminQuery(admin, "CREATE DATABASE \(name)")
    let url = String(admin[..<admin.lastIndex(of: "/")!]) + "/" + name
    do {
        try await body(url)
    } catch {
        try? await adminQuery(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        throw error
    }
    try await adminQuery(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
}

/// Runs one statement on its own connection to the database at `url` (test set-up only).
func adminQuery(_ url: String, _ sql: String) async throws {
    _ = try await withConnection(url) { connection in
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quietLogger)
    }
}

/// Ends every connection to the database at `url` but the one asking, as `pg_terminate_backend` does for an
/// administrator or a failover tool.
func terminateConnections(_ url: String) async throws {
    let database = String(url[url.index(after: url.lastIndex(of: "/")!)...])
    try await adminQuery(
        url,
        """
        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = '\(database)' AND pid <> pg_backend_pid()
        """
    )
}

/// Returns once a statement on the database of `connection` (other than its own) waits for a lock; fails after five
/// minutes (a hang guard, as ``testConnectionLimit``: a minute is not one on a starved machine, where the statement's
/// own connection can take that long to start), or as soon as `ended` says why the statement will never come.
func waitForLockWait(
    on connection: PostgresConnection, of what: String, ended: () -> String? = { nil }
) async throws {
    let deadline = ContinuousClock.now + testConnectionLimit
    while ContinuousClock.now < deadline {
        if let reason = ended() {
            Issue.record("\(reason)")
            throw CancellationError()
        }
        // Inside a transaction, PostgreSQL keeps its first look at pg_stat_activity: look again each time.
        _ = try await connection.query("SELECT pg_stat_clear_snapshot()", logger: quietLogger)
        let waiting = try await connection.query(
            """
            SELECT count(*)::int FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
            """, logger: quietLogger
        ).collect().first?.decode(Int.self) ?? 0
        if waiting > 0 { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("\(what) never reached the lock")
    throw CancellationError()
}

/// How long a test's own connection (set-up, `CREATE DATABASE`, a check) may take in all, connecting included: a hang
/// guard, far beyond what any of them takes on a starved machine. Before it, a set-up statement that never got its
/// answer left the whole suite hanging with PostgreSQL tests pending (round 20, twice under load).
let testConnectionLimit: Duration = .seconds(300)

/// Runs `body` with a connection of its own to the database at `url`; after ``testConnectionLimit`` without an end
/// the test is freed (`AttemptTimedOut`) and the connection closed.
func withConnection<Value: Sendable>(
    _ url: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Value
) async throws -> Value {
    let parsed = try PostgresStoreURL(url)
    var configuration = PostgresConnection.Configuration(
        host: parsed.host,
        port: parsed.port,
        username: parsed.user,
        password: parsed.password,
        database: parsed.database,
        tls: .disable
    )
    configuration.options.connectTimeout = .seconds(Int64(testConnectionLimit.components.seconds))
    let connection = try await PostgresConnection.connect(
        configuration: configuration,
        id: 1,
        logger: quietLogger
    )
    // A hang guard, not a measure. Racing the body rather than closing its connection: PostgresNIO 1.33 never
    // answers a query written to a connection already closed, and closing it again doesn't answer it either, so the
    // close alone left the test waiting for good.
    do {
        let value = try await RetryPolicy.withTimeout(testConnectionLimit) { try await body(connection) }
        try await connection.close()
        return value
    } catch {
        try? await connection.close()
        throw error
    }
}

extension PostgresCallbackStore.Configuration {
    /// Generous windows: on a busy machine the whole test run shares two cores. Short windows are
    /// tested on purpose in PostgresCallbackStoreTests and PostgresOutageTests.
    static var forTests: Self {
        var configuration = Self()
        // An attempt's bound kept: without it, a query the pool wrote to a connection PostgreSQL had just closed
        // waited out the whole window (60 s) and then failed, where the default store tries again on another.
        configuration.retry = RetryPolicy(window: .seconds(60), attemptTimeout: .seconds(20))
        // Opening as `patientToOpen` does, and longer: a minute per connection, five minutes in all (a hang guard).
        // In a loaded run (load average 28, every PostgreSQL suite starting together) four stores failed to open:
        // the migrations' one try waited out the whole 60 s ("did not answer in time, for one statement"), most
        // likely for a connection, which the pool tries again silently when one isn't made within 3 s.
        configuration.connectTimeout = .seconds(60)
        configuration.openRetry = RetryPolicy(window: testConnectionLimit)
        return configuration
    }
}
