import Logging
import Synchronization

/// Logs refusals (lines over the rate limit, visitors turned away because the chat is full) as summaries,
/// so that a flood costs a bounded number of log lines, not one per refused line.
///
/// The first refusal is logged at once; later ones are counted and logged as one line with their count at
/// most once per interval, when the next refusal comes after it has passed. Whatever is still uncounted
/// is in ``total``, for the line that closes the connection.
struct RefusalLog {
    /// The shortest time between two summary lines.
    let interval: Duration
    /// Every refusal so far.
    private(set) var total = 0
    /// Refusals not yet in a logged line, by code.
    private var unlogged: [String: Int] = [:]
    private var lastLogged: ContinuousClock.Instant?

    init(interval: Duration) {
        self.interval = interval
    }

    /// Counts a refusal with `code`; logs a summary to `logger` when one is due.
    mutating func refused(
        _ code: String, message: Logger.Message, logger: Logger, now: ContinuousClock.Instant = .now,
        metadata: Logger.Metadata = [:]
    ) {
        total += 1
        unlogged[code, default: 0] += 1
        if let lastLogged, now - lastLogged < interval { return }
        summarize(message, logger: logger, now: now, metadata: metadata)
    }

    /// Logs the refusals counted since the last line, if any (when the server stops: what was only counted in its
    /// last interval would otherwise never be told).
    mutating func flush(
        _ message: Logger.Message, logger: Logger, now: ContinuousClock.Instant = .now, metadata: Logger.Metadata = [:]
    ) {
        guard !unlogged.isEmpty else { return }
        summarize(message, logger: logger, now: now, metadata: metadata)
    }

    private mutating func summarize(
        _ message: Logger.Message, logger: Logger, now: ContinuousClock.Instant, metadata: Logger.Metadata
    ) {
        lastLogged = now
        var metadata = metadata
        metadata["count"] = "\(unlogged.values.reduce(0, +))"
        metadata["codes"] = "\(unlogged.keys.sorted().joined(separator: ","))"
        metadata["total"] = "\(total)"
        unlogged = [:]
        logger.notice(message, metadata: metadata)
    }
}

/// A ``RefusalLog`` shared by many connections, logging to one logger: lines refused on every connection of a port
/// (QA29 S2-6: under connection churn, a notice per connection for its first refused line came to 100 KB of log a
/// second; now a flood of any shape costs at most a line per interval, and each connection's close line still has
/// its own count), or a listener's connections closed for want of a PROXY header.
final class SharedRefusalLog: Sendable {
    private let log: Mutex<RefusalLog>
    private let logger: Logger
    private let message: Logger.Message
    private let metadata: Logger.Metadata

    /// Summaries `message` (with `metadata`) every `interval` at most, to `logger`.
    init(interval: Duration, logger: Logger, message: Logger.Message, metadata: Logger.Metadata = [:]) {
        log = Mutex(RefusalLog(interval: interval))
        self.logger = logger
        self.message = message
        self.metadata = metadata
    }

    /// Counts a refusal with `code`; logs a summary when one is due.
    func refused(_ code: String) {
        log.withLock { $0.refused(code, message: message, logger: logger, metadata: metadata) }
    }

    /// Logs what was counted since the last summary (when the server stops).
    func flush() {
        log.withLock { $0.flush(message, logger: logger, metadata: metadata) }
    }
}
