import Foundation

/// Refuses sign-in for a while after repeated failures, for the account tried and for the address trying,
/// so that guessing passwords takes years rather than hours: by default 5 failures in 15 minutes lock the
/// account name and the address for 15 minutes. A success clears the account's and the address's count.
actor SignInThrottle {
    private struct Record {
        var failures: [Date] = []
        var lockedUntil: Date?
    }

    private let maximumFailures: Int
    private let window: TimeInterval
    private let now: @Sendable () -> Date
    private var records: [String: Record] = [:]

    init(maximumFailures: Int, lockout: Duration, now: @escaping @Sendable () -> Date) {
        self.maximumFailures = maximumFailures
        let (seconds, attoseconds) = lockout.components
        self.window = TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
        self.now = now
    }

    /// When sign-in is refused for `account` or from `address`, until when; nil when it may be tried.
    func lockedUntil(account: String, address: String) -> Date? {
        let date = now()
        let until = [Self.key(account: account), Self.key(address: address)].compactMap { records[$0]?.lockedUntil }
            .filter { $0 > date }.max()
        return until
    }

    /// Counts a failure for both; returns when they are locked until, if this failure locked them.
    @discardableResult
    func failed(account: String, address: String) -> Date? {
        let date = now()
        var locked: Date?
        for key in [Self.key(account: account), Self.key(address: address)] {
            var record = records[key] ?? Record()
            record.failures = record.failures.filter { date.timeIntervalSince($0) < window } + [date]
            if record.failures.count >= maximumFailures {
                record.lockedUntil = date.addingTimeInterval(window)
                record.failures = []
                locked = record.lockedUntil
            }
            records[key] = record
        }
        if records.count > 10_000 { forgetOld(before: date) }
        return locked
    }

    /// Clears the counts after a successful sign-in.
    func succeeded(account: String, address: String) {
        records[Self.key(account: account)] = nil
        records[Self.key(address: address)] = nil
    }

    private func forgetOld(before date: Date) {
        records = records.filter { _, record in
            (record.lockedUntil.map { $0 > date } ?? false)
                || record.failures.contains { date.timeIntervalSince($0) < window }
        }
    }

    private static func key(account: String) -> String { "account:" + account.lowercased() }
    private static func key(address: String) -> String { "address:" + address }
}
