import Foundation
import Logging
import Synchronization

/// Notices steps of the wall clock (an NTP step, a VM restored from a snapshot, someone setting the date) by
/// comparing it with the monotonic clock, and logs each at `warning` (QA21 O4).
///
/// Callback requests are dated by the wall clock: after a step of +400 days they say 2028, staff are told to call on
/// the wrong day, and `purge --older-than` keeps them past the retention. Nothing here changes the dates (the wall
/// clock may be the one that is right now); it makes sure whoever runs OpenDoor is told. The server checks at every
/// save and once a minute.
///
/// ```swift
/// let watch = WallClockWatch()
/// watch.check(logger: logger)   // logs "the system clock jumped by …" once per step
/// ```
public final class WallClockWatch: Sendable {
    private struct Reference {
        var wall: Date
        var uptime: ContinuousClock.Instant
    }

    /// The largest disagreement taken as drift rather than a step.
    public let tolerance: Duration
    private let wall: @Sendable () -> Date
    private let uptime: @Sendable () -> ContinuousClock.Instant
    private let reference: Mutex<Reference>

    /// A watch starting now; steps larger than `tolerance` are reported.
    public init(
        tolerance: Duration = .seconds(60), wall: @escaping @Sendable () -> Date = { Date() },
        uptime: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        self.tolerance = tolerance
        self.wall = wall
        self.uptime = uptime
        reference = Mutex(Reference(wall: wall(), uptime: uptime()))
    }

    /// How far the wall clock moved, beyond the time that passed, since the last check that found a step (or the
    /// start), when that is more than ``tolerance`` either way; nil otherwise. A step is reported once: the next
    /// check measures from the new time.
    public func step() -> TimeInterval? {
        let (wallNow, uptimeNow) = (wall(), uptime())
        return reference.withLock { reference in
            let (seconds, attoseconds) = (uptimeNow - reference.uptime).components
            let passed = TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
            let step = wallNow.timeIntervalSince(reference.wall) - passed
            let (toleranceSeconds, toleranceAttoseconds) = tolerance.components
            guard abs(step) > TimeInterval(toleranceSeconds) + TimeInterval(toleranceAttoseconds) / 1e18 else {
                return nil
            }
            reference = Reference(wall: wallNow, uptime: uptimeNow)
            return step
        }
    }

    /// Checks for a step and logs it at `warning`.
    public func check(logger: Logger) {
        guard let step = step() else { return }
        logger.warning(
            "the system clock jumped by \(Self.describe(step)); callback requests saved now carry that time",
            metadata: [
                "step_s": "\(Int(step.rounded()))", "now": "\(wall().formatted(.iso8601))",
                "fix": .string(
                    "check the clock (timedatectl, NTP); a wrong date puts requests on the wrong day for staff "
                        + "and out of reach of purge --older-than"),
            ])
    }

    /// `+400 days`, `-3 hours`, `+90 seconds`.
    static func describe(_ step: TimeInterval) -> String {
        let sign = step < 0 ? "-" : "+"
        let size = abs(step)
        let (amount, unit): (Double, String) =
            size >= 2 * 86_400 ? (size / 86_400, "days") : size >= 2 * 3600 ? (size / 3600, "hours")
            : size >= 2 * 60 ? (size / 60, "minutes") : (size, "seconds")
        return "\(sign)\(Int(amount.rounded())) \(unit)"
    }
}
