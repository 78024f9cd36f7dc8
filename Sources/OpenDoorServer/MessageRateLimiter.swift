/// A token bucket: a connection may send a burst of lines, then lines at a steady rate.
struct MessageRateLimiter {
    /// The most lines in a burst.
    let burst: Double
    /// Lines earned back per second.
    let perSecond: Double
    private var tokens: Double
    private var last: ContinuousClock.Instant

    init(burst: Int, perMinute: Int, now: ContinuousClock.Instant = .now) {
        self.burst = Double(max(1, burst))
        self.perSecond = Double(max(0, perMinute)) / 60
        self.tokens = self.burst
        self.last = now
    }

    /// Whether one more line (costing `cost` lines' worth) may be taken now; takes it if so.
    mutating func allow(cost: Int = 1, now: ContinuousClock.Instant = .now) -> Bool {
        refill(now: now)
        guard tokens >= Double(cost) else { return false }
        tokens -= Double(cost)
        return true
    }

    /// Takes `cost` lines' worth whatever is left: the bucket may go below empty, and refills from there (what was
    /// already read must be paid for; the reader then waits longer).
    mutating func spend(_ cost: Int, now: ContinuousClock.Instant = .now) {
        refill(now: now)
        tokens -= Double(cost)
    }

    /// Whether a line (costing `cost` lines' worth, at most the burst) would be allowed now, without taking it.
    mutating func wouldAllow(cost: Int = 1, now: ContinuousClock.Instant = .now) -> Bool {
        refill(now: now)
        return tokens >= min(burst, Double(cost))
    }

    /// How long until `count` lines (at most the burst) may be taken; nil if the bucket never refills.
    func timeUntil(_ count: Int, now: ContinuousClock.Instant = .now) -> Duration? {
        let wanted = min(burst, Double(count))
        let elapsed = now - last
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let missing = wanted - min(burst, tokens + seconds * perSecond)
        guard missing > 0 else { return .zero }
        guard perSecond > 0 else { return nil }
        return .seconds(missing / perSecond)
    }

    private mutating func refill(now: ContinuousClock.Instant) {
        let elapsed = now - last
        last = now
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        tokens = min(burst, tokens + seconds * perSecond)
    }
}
