import Logging

/// Decides which connections get their own "connection opened" and "connection closed" lines, so that a
/// flood of connections costs a bounded number of log lines, like ``RefusalLog`` for refused lines.
///
/// In each interval the first ``budget`` connections are logged one by one (at info, with what they did
/// when they close); the others are counted, and the counts are logged as one summary line at most once per
/// interval, when a connection opens or closes after it has passed. The counts still unlogged are logged
/// when the server stops (``flush(logger:)``).
struct ConnectionLog {
    /// How long one budget lasts, and the shortest time between two summary lines.
    let interval: Duration
    /// How many connections are logged one by one per interval.
    let budget: Int
    private var windowStart: ContinuousClock.Instant?
    private var loggedInWindow = 0
    /// Connections not logged one by one, and not yet in a summary line.
    private var opened = 0
    private var closed = 0
    /// The same since the server started: a summary's own counts are since the last summary, so a connection
    /// opened before it and closed after shows in `closed` only; the totals of the last summary always agree.
    private var openedTotal = 0
    private var closedTotal = 0
    private var lastSummary: ContinuousClock.Instant?

    init(interval: Duration, budget: Int) {
        self.interval = interval
        self.budget = budget
    }

    /// A connection opens: whether it gets its own lines. Logs a summary to `logger` when one is due.
    mutating func opening(logger: Logger, openNow: Int, now: ContinuousClock.Instant = .now) -> Bool {
        if let start = windowStart, now - start < interval {
            if loggedInWindow < budget {
                loggedInWindow += 1
                return true
            }
        } else {
            windowStart = now
            loggedInWindow = 1
            if budget > 0 { return true }
        }
        opened += 1
        openedTotal += 1
        summarizeIfDue(logger: logger, openNow: openNow, now: now)
        return false
    }

    /// A connection that had no lines of its own closes. Logs a summary to `logger` when one is due.
    mutating func closing(logger: Logger, openNow: Int, now: ContinuousClock.Instant = .now) {
        closed += 1
        closedTotal += 1
        summarizeIfDue(logger: logger, openNow: openNow, now: now)
    }

    /// Logs what is still only counted.
    mutating func flush(logger: Logger, openNow: Int) {
        if opened > 0 || closed > 0 { summarize(logger: logger, openNow: openNow, now: .now) }
    }

    private mutating func summarizeIfDue(logger: Logger, openNow: Int, now: ContinuousClock.Instant) {
        if let lastSummary, now - lastSummary < interval { return }
        summarize(logger: logger, openNow: openNow, now: now)
    }

    private mutating func summarize(logger: Logger, openNow: Int, now: ContinuousClock.Instant) {
        lastSummary = now
        logger.notice(
            "connections not logged one by one",
            metadata: [
                "opened": "\(opened)", "closed": "\(closed)", "open_now": "\(openNow)",
                "opened_total": "\(openedTotal)", "closed_total": "\(closedTotal)",
            ])
        opened = 0
        closed = 0
    }
}
