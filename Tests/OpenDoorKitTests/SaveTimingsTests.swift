import Foundation
import OpenDoorKit
import Testing

@Suite("Save timings, a load test's instrument")
struct SaveTimingsTests {
    @Test("each phase is summed up as count, p50, p99 and max in milliseconds, in the order a save goes through them")
    func summaryByPhase() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("save-timings-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let timings = SaveTimings(path: path)
        for milliseconds in 1...100 {
            timings.note(.commit, from: 0, to: UInt64(milliseconds) * 1_000_000)
        }
        timings.note(.connection, from: 5_000_000, to: 7_500_000)
        // A reading taken before its start (another thread's clock read first) counts as no time, never wraps.
        timings.note(.task, from: 9, to: 3)
        timings.write()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(
            lines == [
                "task: 1, p50 0.000 ms, p99 0.000 ms, max 0.000 ms",
                "connection: 1, p50 2.500 ms, p99 2.500 ms, max 2.500 ms",
                "commit: 100, p50 51.000 ms, p99 100.000 ms, max 100.000 ms",
            ])
    }

    @Test("the clock goes forward")
    func clock() {
        let first = SaveTimings.now()
        #expect(SaveTimings.now() >= first && first > 0)
    }
}
