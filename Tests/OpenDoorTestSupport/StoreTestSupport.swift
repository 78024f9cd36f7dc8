import Foundation
import Logging
import OpenDoorKit

// Shared by the store tests (OpenDoorSQLiteTests, OpenDoorPostgresTests): one copy, not one per target.

/// A logger that drops everything, for tests that don't look at logs.
public let quietLogger = Logger(label: "opendoor.test.quiet") { _ in SwiftLogNoOpLogHandler() }

/// Runs `body` with a new folder and removes it afterwards. Its name has no digits, so tests can
/// look for digits in logs that mention the path.
public func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let letters = "abcdefghijklmnopqrstuvwxyz"
    let name = "opendoor-test-" + String((0..<16).map { _ in letters.randomElement()! })
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(name, isDirectory: true)
    // Its owner's only, whatever the umask: a store that writes refuses a folder others may write.
    try FileManager.default.createDirectory(
        at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}

/// The permission bits of a file or folder.
public func permissionBits(_ url: URL) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
    return (attributes[.posixPermissions] as? NSNumber).map { $0.intValue & 0o777 } ?? -1
}

/// Log lines kept in memory: message, metadata and source, one string each.
public final class CapturedLogs: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    /// An empty record.
    public init() {}

    /// Every line so far.
    public var all: [String] { lock.withLock { lines } }

    /// A logger that writes here.
    public var logger: Logger {
        Logger(label: "test") { _ in CapturingLogHandler(records: self) }
    }

    /// Adds a line.
    public func append(_ line: String) {
        lock.withLock { lines.append(line) }
    }
}

/// A `LogHandler` that writes into ``CapturedLogs``.
public struct CapturingLogHandler: LogHandler {
    let records: CapturedLogs
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    /// A handler that writes into `records`.
    public init(records: CapturedLogs) { self.records = records }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        records.append("\(event.level) \(event.message) \(rendered)\(error)")
    }
}

/// A clock tests move by hand.
public final class StoreTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_741_096_800.123_456)

    /// A clock at a fixed instant in 2025.
    public init() {}

    /// The time now.
    public var now: Date { lock.withLock { current } }

    /// Moves the clock on.
    public func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}

/// Reference codes handed out in order, then random ones.
public final class StoreScriptedCodes: @unchecked Sendable {
    private let lock = NSLock()
    private var codes: [String]

    /// Codes to hand out first.
    public init(_ codes: [String]) { self.codes = codes }

    /// Replaces the codes still to hand out.
    public func set(_ codes: [String]) {
        lock.withLock { self.codes = codes }
    }

    /// The next code.
    public func next() -> String {
        lock.withLock { codes.isEmpty ? ReferenceCode.random() : codes.removeFirst() }
    }
}
