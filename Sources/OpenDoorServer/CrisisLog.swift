import Logging
import Synchronization

/// A server-wide budget for the conversations' crisis lines ("crisis", "crisis check-in", …), so that a flood of
/// crisis messages over many connections costs a bounded number of log lines, like ``ConnectionLog`` for
/// connections. Replies and the crisis counts are not affected: only the log lines are.
///
/// In each interval the first ``budget`` crisis lines are written; the others are counted by message, and the
/// counts are logged as one summary line at most once per interval, when a crisis line comes after it has
/// passed. Whatever is still only counted is logged when the server stops (``flush(logger:)``).
final class CrisisLog: Sendable {
    private struct State {
        var windowStart: ContinuousClock.Instant?
        var writtenInWindow = 0
        /// Lines not written and not yet in a summary, by message.
        var unwritten: [String: Int] = [:]
        /// Every line not written since the server started.
        var unwrittenTotal = 0
        var lastSummary: ContinuousClock.Instant?
    }

    /// How long one budget lasts, and the shortest time between two summary lines.
    let interval: Duration
    /// How many crisis lines are written one by one per interval.
    let budget: Int
    private let state = Mutex(State())

    init(interval: Duration, budget: Int) {
        self.interval = interval
        self.budget = budget
    }

    /// Whether a line is a crisis line this budget is for.
    static func isCrisisLine(_ message: Logger.Message) -> Bool {
        message.description.hasPrefix("crisis")
    }

    /// A crisis line is about to be written: true if it may be; if not, it is counted, and the summary due (if
    /// any) is returned for the caller to log.
    func admit(_ message: Logger.Message, now: ContinuousClock.Instant = .now) -> (write: Bool, summary: Logger.Metadata?)
    {
        state.withLock { state in
            if let start = state.windowStart, now - start < interval {
                if state.writtenInWindow < budget {
                    state.writtenInWindow += 1
                    return (true, nil)
                }
            } else {
                state.windowStart = now
                state.writtenInWindow = 0
                if budget > 0 {
                    state.writtenInWindow = 1
                    return (true, nil)
                }
            }
            state.unwritten[message.description, default: 0] += 1
            state.unwrittenTotal += 1
            if let last = state.lastSummary, now - last < interval { return (false, nil) }
            state.lastSummary = now
            return (false, Self.summary(&state))
        }
    }

    /// Logs what is still only counted.
    func flush(logger: Logger) {
        let summary = state.withLock { state in state.unwritten.isEmpty ? nil : Self.summary(&state) }
        if let summary { logger.notice(Self.summaryMessage, metadata: summary) }
    }

    static let summaryMessage: Logger.Message = "crisis lines not logged one by one"

    private static func summary(_ state: inout State) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["total": "\(state.unwrittenTotal)"]
        metadata["count"] = "\(state.unwritten.values.reduce(0, +))"
        metadata["lines"] = "\(state.unwritten.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))"
        state.unwritten = [:]
        return metadata
    }
}

/// Passes a conversation's log lines on, except the crisis lines past the server's ``CrisisLog`` budget.
struct CrisisBudgetLogHandler: LogHandler {
    var wrapped: any LogHandler
    let budget: CrisisLog

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard CrisisLog.isCrisisLine(event.message) else { return wrapped.log(event: event) }
        let (write, summary) = budget.admit(event.message)
        if write { return wrapped.log(event: event) }
        guard let summary else { return }
        var notice = event
        notice.level = .notice
        notice.message = CrisisLog.summaryMessage
        notice.metadata = summary
        notice.error = nil
        wrapped.log(event: notice)
    }
}

extension Logger {
    /// This logger, with its crisis lines counted against `budget`.
    func withCrisisBudget(_ budget: CrisisLog) -> Logger {
        var logger = self
        logger.handler = CrisisBudgetLogHandler(wrapped: handler, budget: budget)
        return logger
    }
}
