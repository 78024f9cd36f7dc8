import Logging
import Synchronization

/// Keeps every log line in memory, to check what is logged (and what never is).
public final class LogRecorder: Sendable {
    private struct State {
        var lines: [String] = []
        var waiters: [(substrings: [String], continuation: CheckedContinuation<String, Never>)] = []
    }

    private let state = Mutex(State())

    /// An empty recorder.
    public init() {}

    /// Adds a line, and wakes whoever waits for one like it.
    public func append(_ line: String) {
        let woken = state.withLock { state in
            state.lines.append(line)
            let (match, rest) = (
                state.waiters.filter { $0.substrings.contains { line.contains($0) } },
                state.waiters.filter { !$0.substrings.contains { line.contains($0) } }
            )
            state.waiters = rest
            return match.map(\.continuation)
        }
        for continuation in woken { continuation.resume(returning: line) }
    }

    /// Every line so far, as `level message key=value …` (metadata sorted by key).
    public var all: [String] { state.withLock { $0.lines } }

    /// The first line containing `substring`, waiting for it to be logged if it hasn't been yet.
    public func line(containing substring: String) async -> String {
        await line(containingAny: [substring])
    }

    /// The first line containing any of `substrings`, waiting for one to be logged if none has been yet.
    public func line(containingAny substrings: [String]) async -> String {
        await withCheckedContinuation { continuation in
            let found = state.withLock { state -> String? in
                if let line = state.lines.first(where: { line in substrings.contains { line.contains($0) } }) {
                    return line
                }
                state.waiters.append((substrings, continuation))
                return nil
            }
            if let found { continuation.resume(returning: found) }
        }
    }

    /// A logger at `level` writing here.
    public func logger(label: String = "opendoor.test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = level
        return logger
    }
}

/// A log handler writing to a ``LogRecorder``.
public struct RecordingLogHandler: LogHandler {
    /// Where lines go.
    public let recorder: LogRecorder
    /// The handler's metadata.
    public var metadata: Logger.Metadata = [:]
    /// The handler's level.
    public var logLevel: Logger.Level = .trace

    /// A handler writing to `recorder`.
    public init(recorder: LogRecorder) {
        self.recorder = recorder
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Records the event as one line.
    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        recorder.append("\(event.level) \(event.message) \(fields)\(error)")
    }
}
