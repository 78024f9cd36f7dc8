import Foundation

/// Refuses sign-in for a while after repeated failures, so that guessing passwords takes years rather than hours,
/// without letting anyone lock staff out (QA25 S2-3):
/// - 5 failures in 15 minutes (by default) for one name from one address pause that name from that address, and 5 from
///   one address (whatever the names) pause that address, for 15 minutes.
/// - A name is never locked for everyone: five wrong passwords for `dana` from one address leave Dana free to sign in
///   from hers. A name tried from many addresses (``attackFactor`` times the limit in the window) is slowed instead:
///   an address that has already failed ``triesUnderAttack`` times for it gets no further try until its failures age
///   out, while an address with fewer keeps every try: a correct password from an address that failed once (a typo)
///   or never always gets through, whatever others guess (QA27 S2-2).
/// - A success clears that name's count from that address and the address's count.
///
/// Each try is counted as a failure *before* its password is checked (``reserve(account:address:)``) and
/// forgiven only when the password matched: tries sent in parallel can't all be checked before the first of
/// them is counted. And only a few passwords are checked at once, overall and per address: a try past that is
/// refused at once (``Reservation/busy``) instead of queueing bcrypt work that a staff member would wait behind.
///
/// Failures and locks are timed on the monotonic clock, like the sessions: a step of the wall clock (NTP, a VM
/// restored from a snapshot) neither ends a lockout early nor stretches it (QA21 O4). The wall clock only dates the
/// end of a lock for the page and the log.
actor SignInThrottle {
    /// What a try may do.
    enum Reservation: Equatable {
        /// Check the password, then call ``finish(_:matched:)`` with this ticket, whatever happens.
        case granted(Ticket)
        /// Refused: too many failures; sign-in is refused until this time.
        case locked(until: Date)
        /// Refused: the name is being guessed from many addresses and this address failed for it
        /// ``SignInThrottle/triesUnderAttack`` times; its next try waits until this time.
        case slowed(until: Date)
        /// Refused: as many passwords are being checked as the throttle allows; try again in a moment.
        case busy
    }

    /// A try under way, counted as a failure until it is finished.
    struct Ticket: Equatable {
        fileprivate let account: String
        fileprivate let address: String
        fileprivate let at: ContinuousClock.Instant
        /// The end of the lock this try set, if it set one (monotonic).
        fileprivate let lockEnds: ContinuousClock.Instant?
        /// When the account or the address became locked by this try being counted, if it did: said to the
        /// person (and logged) if the password then doesn't match.
        let locks: Date?
        /// This try, counted, made the name one guessed from many addresses (logged once at warning if the password
        /// then doesn't match).
        let startsAttack: Bool
        /// Until when this address's tries for the name wait, if this try made it wait (under attack).
        let slows: Date?
    }

    private struct Record {
        var failures: [ContinuousClock.Instant] = []
        var lockedUntil: ContinuousClock.Instant?
    }

    /// How many times ``maximumFailures`` failures for one name, from all addresses in the window, mark it as under
    /// attack (then each address that failed for it waits).
    static let attackFactor = 4
    /// How many failures for a name under attack an address has before its tries for that name wait: one typo
    /// never makes a staff member wait for someone else's guessing.
    static let triesUnderAttack = 3

    private let maximumFailures: Int
    private let window: Duration
    private let maximumChecks: Int
    private let maximumChecksPerAddress: Int
    private let now: @Sendable () -> Date
    private let uptime: @Sendable () -> ContinuousClock.Instant
    private var records: [String: Record] = [:]
    private var checking = 0
    private var checkingByAddress: [String: Int] = [:]

    init(
        maximumFailures: Int, lockout: Duration, maximumChecks: Int = 2, maximumChecksPerAddress: Int = 1,
        now: @escaping @Sendable () -> Date, uptime: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.maximumFailures = maximumFailures
        self.window = lockout
        self.uptime = uptime
        self.maximumChecks = max(1, maximumChecks)
        self.maximumChecksPerAddress = max(1, maximumChecksPerAddress)
        self.now = now
    }

    /// Whether a try for `account` from `address` may check its password now; a granted try is counted as a
    /// failure at once.
    func reserve(account: String, address: String) -> Reservation {
        let date = uptime()
        let pair = Self.key(account: account, address: address)
        let keys = [pair, Self.key(address: address)]
        if let until = keys.compactMap({ records[$0]?.lockedUntil }).filter({ $0 > date }).max() {
            return .locked(until: wallDate(of: until, now: date))
        }
        // A name under attack from many addresses: an address that failed for it often waits until its failures
        // age out below that; one with a typo or two is let through.
        let attackThreshold = maximumFailures * Self.attackFactor
        let accountFailures = records[Self.key(account: account)]?.failures.filter { date - $0 < window }.count ?? 0
        let pairFailures = (records[pair]?.failures.filter { date - $0 < window } ?? []).sorted()
        if accountFailures >= attackThreshold, pairFailures.count >= Self.triesUnderAttack {
            let freed = pairFailures[pairFailures.count - Self.triesUnderAttack]
            return .slowed(until: wallDate(of: freed + window, now: date))
        }
        guard checking < maximumChecks, checkingByAddress[address, default: 0] < maximumChecksPerAddress else {
            return .busy
        }
        checking += 1
        checkingByAddress[address, default: 0] += 1
        var lockEnds: ContinuousClock.Instant?
        for key in keys + [Self.key(account: account)] {
            var record = records[key] ?? Record()
            record.failures = record.failures.filter { date - $0 < window } + [date]
            // The name's own count only marks an attack; it locks nobody.
            if key != Self.key(account: account), record.failures.count >= maximumFailures {
                record.lockedUntil = date + window
                lockEnds = record.lockedUntil
            }
            records[key] = record
        }
        if records.count > 10_000 { forgetOld(before: date) }
        let underAttack = accountFailures + 1 >= attackThreshold
        let slows = underAttack && pairFailures.count + 1 == Self.triesUnderAttack
        let freed = slows ? (pairFailures.first ?? date) + window : nil
        return .granted(
            Ticket(
                account: account, address: address, at: date, lockEnds: lockEnds,
                locks: lockEnds.map { wallDate(of: $0, now: date) },
                startsAttack: accountFailures + 1 == attackThreshold, slows: freed.map { wallDate(of: $0, now: date) }))
    }

    /// Ends a try: a matched password clears the account's and the address's counts and locks; an unmatched one
    /// stays counted. `matched` nil: the password could not be checked (the try is not counted either way).
    func finish(_ ticket: Ticket, matched: Bool?) {
        checking -= 1
        let left = checkingByAddress[ticket.address, default: 1] - 1
        checkingByAddress[ticket.address] = left > 0 ? left : nil
        switch matched {
        case true?:
            // The try was counted for the name too: taken back, while failures from other addresses stay counted.
            forgive(ticket)
            records[Self.key(account: ticket.account, address: ticket.address)] = nil
            records[Self.key(address: ticket.address)] = nil
        case false?:
            break
        case nil:
            forgive(ticket)
        }
    }

    /// Takes back the failure a try was counted as, and the lock it set.
    private func forgive(_ ticket: Ticket) {
        let keys = [
            Self.key(account: ticket.account, address: ticket.address), Self.key(address: ticket.address),
            Self.key(account: ticket.account),
        ]
        for key in keys {
            guard var record = records[key] else { continue }
            if let index = record.failures.lastIndex(of: ticket.at) { record.failures.remove(at: index) }
            if let ends = ticket.lockEnds, record.lockedUntil == ends { record.lockedUntil = nil }
            records[key] = record
        }
    }

    private func forgetOld(before date: ContinuousClock.Instant) {
        records = records.filter { _, record in
            (record.lockedUntil.map { $0 > date } ?? false) || record.failures.contains { date - $0 < window }
        }
    }

    /// The wall-clock time of a monotonic `instant`, as of now: what the page and the log say.
    private func wallDate(of instant: ContinuousClock.Instant, now uptime: ContinuousClock.Instant) -> Date {
        let (seconds, attoseconds) = (instant - uptime).components
        return now().addingTimeInterval(TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
    }

    private static func key(account: String) -> String { "account:" + account.lowercased() }
    private static func key(account: String, address: String) -> String {
        "pair:" + address + " " + account.lowercased()
    }
    private static func key(address: String) -> String { "address:" + address }
}
