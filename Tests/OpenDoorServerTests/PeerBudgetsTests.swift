import Testing

@testable import OpenDoorServer

@Suite("Spent budgets kept by address")
struct PeerBudgetsTests {
    /// A budget with its whole burst spent at `now`, refilling at `perMinute`.
    private func spent(perMinute: Int, now: ContinuousClock.Instant) -> PeerBudgets.Budget {
        var limiter = MessageRateLimiter(burst: 10, perMinute: perMinute, now: now)
        limiter.spend(10, now: now)
        var overLimit = MessageRateLimiter(burst: 10, perMinute: perMinute, now: now)
        overLimit.spend(10, now: now)
        return PeerBudgets.Budget(limiter: limiter, overLimit: overLimit)
    }

    @Test("past its capacity, the table forgets the budget nearest to refilled and keeps the others")
    func capacity() {
        let now = ContinuousClock.now
        let budgets = PeerBudgets(capacity: 2)
        budgets.leave(spent(perMinute: 60, now: now), for: "a", now: now)  // refilled in 10 s
        budgets.leave(spent(perMinute: 6, now: now), for: "b", now: now)  // 100 s
        budgets.leave(spent(perMinute: 12, now: now), for: "c", now: now)  // 50 s
        #expect(budgets.count == 2)
        #expect(budgets.budget(for: "a", now: now) == nil)
        #expect(budgets.budget(for: "b", now: now) != nil)
        #expect(budgets.budget(for: "c", now: now) != nil)
    }

    @Test("a budget is forgotten once it would have refilled, and a full one is never kept")
    func refilled() {
        let now = ContinuousClock.now
        let budgets = PeerBudgets(capacity: 10)
        budgets.leave(spent(perMinute: 60, now: now), for: "a", now: now)
        #expect(budgets.budget(for: "a", now: now + .seconds(5)) != nil)
        #expect(budgets.budget(for: "a", now: now + .seconds(11)) == nil)
        budgets.leave(
            PeerBudgets.Budget(
                limiter: MessageRateLimiter(burst: 10, perMinute: 60, now: now),
                overLimit: MessageRateLimiter(burst: 10, perMinute: 60, now: now)),
            for: "b", now: now)
        #expect(budgets.count == 0)
    }
}
