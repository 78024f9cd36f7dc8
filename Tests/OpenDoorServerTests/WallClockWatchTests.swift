import Foundation
import OpenDoorServer
import OpenDoorTestSupport
import Synchronization
import Testing

/// A step of the wall clock (which dates callback requests) is noticed against the monotonic clock and logged once
/// at `warning` (QA21 O4); time passing, and drift within the tolerance, are not.
@Suite("Wall-clock steps")
struct WallClockWatchTests {
    /// Hand-moved clocks: `wall` as the system's date, `passed` as the monotonic time since the start.
    final class Clocks: Sendable {
        let wallOffset = Mutex<TimeInterval>(0)
        let passed = Mutex<Int64>(0)
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        let base = ContinuousClock.now

        func wait(seconds: Int64) {
            passed.withLock { $0 += seconds }
            wallOffset.withLock { $0 += TimeInterval(seconds) }
        }

        func step(seconds: TimeInterval) { wallOffset.withLock { $0 += seconds } }

        func watch() -> WallClockWatch {
            WallClockWatch(
                wall: { self.start.addingTimeInterval(self.wallOffset.withLock { $0 }) },
                uptime: { self.base + .seconds(self.passed.withLock { $0 }) })
        }
    }

    @Test("time passing and small drift are not steps; +400 days and -3 days are, each reported once")
    func steps() {
        let clocks = Clocks()
        let watch = clocks.watch()
        clocks.wait(seconds: 3600)
        #expect(watch.step() == nil)
        clocks.step(seconds: 30)
        #expect(watch.step() == nil, "30 s of drift is within the minute's tolerance")
        clocks.step(seconds: 400 * 86_400)
        let jumped = watch.step()
        #expect(jumped.map { abs($0 - (400 * 86_400 + 30)) < 1 } == true, "\(String(describing: jumped))")
        #expect(watch.step() == nil, "reported once")
        clocks.wait(seconds: 60)
        clocks.step(seconds: -3 * 86_400)
        #expect(watch.step().map { abs($0 + 3 * 86_400) < 1 } == true)
    }

    @Test("the warning says by how much and what it does to requests, with no request data")
    func logged() async {
        let clocks = Clocks()
        let watch = clocks.watch()
        let logs = LogRecorder()
        watch.check(logger: logs.logger())
        #expect(logs.all.isEmpty)
        clocks.step(seconds: 400 * 86_400)
        watch.check(logger: logs.logger())
        watch.check(logger: logs.logger())
        let lines = logs.all
        #expect(lines.count == 1, "\(lines)")
        #expect(lines.first?.hasPrefix("warning the system clock jumped by +400 days") == true, "\(lines)")
    }
}
