import Foundation
import Logging
import NIOPosix
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorSQLite
import PostgresNIO
import Testing

/// Why PostgreSQL tests are skipped, printed by `swift test` next to each one.
let postgresMissing: Comment = """
    PostgreSQL tests skipped: OPENDOOR_TEST_POSTGRES is not set. Scripts/test starts a server; by hand: \
    eval "$(Scripts/postgres start)"
    """

/// The test server's URL, from `Scripts/postgres start`.
let testPostgresURL = ProcessInfo.processInfo.environment["OPENDOOR_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

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
            var configuration = PostgresCallbackStore.Configuration()
            configuration.now = options.now
            configuration.makeReference = options.makeReference
            configuration.referenceAttempts = options.referenceAttempts
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

/// Runs `body` with a connection of its own to the database at `url`.
func withConnection<Value>(_ url: String, _ body: (PostgresConnection) async throws -> Value) async throws -> Value {
    let parsed = try PostgresStoreURL(url)
    let configuration = PostgresConnection.Configuration(
        host: parsed.host,
        port: parsed.port,
        username: parsed.user,
        password: parsed.password,
        database: parsed.database,
        tls: .disable
    )
    let connection = try await PostgresConnection.connect(
        configuration: configuration,
        id: 1,
        logger: quietLogger
    )
    do {
        let value = try await body(connection)
        try await connection.close()
        return value
    } catch {
        try? await connection.close()
        throw error
    }
}

// MARK: - Shared helpers

/// A logger that drops everything, for tests that don't look at logs.
let quietLogger = Logger(label: "opendoor.test.quiet") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` with a new folder and removes it afterwards.
func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "opendoor-test-\(UUID().uuidString)",
        isDirectory: true
    )
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}

/// Log lines kept in memory: level, message and metadata, one string each.
final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var all: [String] { lock.withLock { lines } }

    /// A logger that writes here.
    var logger: Logger {
        Logger(label: "test") { _ in CapturingLogHandler(records: self) }
    }

    func append(_ line: String) {
        lock.withLock { lines.append(line) }
    }
}

/// A `LogHandler` that writes into ``CapturedLogs``.
struct CapturingLogHandler: LogHandler {
    let records: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        records.append("\(event.level) \(event.message) \(rendered)")
    }
}

/// A clock tests move by hand.
final class StoreTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_741_096_800.123_456)

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}

/// Reference codes handed out in order, then random ones.
final class StoreScriptedCodes: @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [String]

    init(_ codes: [String]) { self.codes = codes }

    func set(_ codes: [String]) {
        lock.withLock { self.codes = codes }
    }

    func next() -> String {
        lock.withLock { codes.isEmpty ? ReferenceCode.random() : codes.removeFirst() }
    }
}
