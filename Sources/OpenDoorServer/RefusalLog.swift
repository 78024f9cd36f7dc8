import Logging

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
