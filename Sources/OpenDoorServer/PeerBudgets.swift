import NIOCore
import Synchronization

/// Rate-limit budgets left behind by connections that closed while spent, by the peer's address, until they would
/// have refilled: a flooder that disconnects and reconnects picks up the budget it left, not a fresh burst.
///
/// Only a spent budget is kept (a connection refused for coming too fast, or closed with less than a quarter of its
/// burst left), so visitors who chat normally, and tests whose clients all connect from 127.0.0.1, each start with
/// a full one. A budget is kept no longer than it takes to refill, after which a fresh one is the same thing. The
/// crisis answers' budget is never carried over: a crisis is answered on a new connection whatever came before.
/// Memory is bounded by ``capacity`` addresses; past it the budgets nearest to refilled are forgotten first.
final class PeerBudgets: Sendable {
    /// A connection's budgets: lines within the limit, and lines over it that are still read.
    struct Budget: Sendable {
        var limiter: MessageRateLimiter
        var overLimit: MessageRateLimiter
    }

    private struct Entry {
        var budget: Budget
        /// When both budgets are full again: the entry is worth nothing after.
        var refilled: ContinuousClock.Instant
    }

    /// How many addresses are remembered at most.
    let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The budget a connection from `address` left, if one is still spent.
    func budget(for address: String, now: ContinuousClock.Instant = .now) -> Budget? {
        entries.withLock { entries in
            guard let entry = entries[address] else { return nil }
            guard entry.refilled > now else {
                entries[address] = nil
                return nil
            }
            return entry.budget
        }
    }

    /// A connection from `address` closed with `budget`: kept if it is spent, until it would have refilled.
    func leave(_ budget: Budget, for address: String, now: ContinuousClock.Instant = .now) {
        guard capacity > 0, Self.isSpent(budget, now: now) else { return }
        let refilled = now + Self.timeToRefill(budget, now: now)
        entries.withLock { entries in
            // Of two connections from one address, the budget that refills last is kept.
            if let kept = entries[address], kept.refilled >= refilled { return }
            entries[address] = Entry(budget: budget, refilled: refilled)
            // One entry over: forget the one nearest to refilled (an expired one first), found in one pass and
            // without rebuilding the table, so a flood from many addresses costs one scan per closed connection.
            guard entries.count > capacity,
                let soonest = entries.min(by: { $0.value.refilled < $1.value.refilled })
            else { return }
            entries[soonest.key] = nil
        }
    }

    /// How many addresses have a budget kept.
    var count: Int { entries.withLock { $0.count } }

    /// Refused lines were charged, or less than a quarter of the burst is left.
    private static func isSpent(_ budget: Budget, now: ContinuousClock.Instant) -> Bool {
        var budget = budget
        return !budget.overLimit.wouldAllow(cost: Int(budget.overLimit.burst), now: now)
            || !budget.limiter.wouldAllow(cost: Int((budget.limiter.burst * 0.25).rounded(.up)), now: now)
    }

    private static func timeToRefill(_ budget: Budget, now: ContinuousClock.Instant) -> Duration {
        // A bucket that never refills (no steady rate) is kept for an hour at most.
        let never = Duration.seconds(3600)
        let limiter = budget.limiter.timeUntil(Int(budget.limiter.burst), now: now) ?? never
        let overLimit = budget.overLimit.timeUntil(Int(budget.overLimit.burst), now: now) ?? never
        return min(never, max(limiter, overLimit))
    }
}
