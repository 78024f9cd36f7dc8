import Foundation
import OpenDoorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `Scripts/test-watchdog`, the bound `Scripts/test` puts on `swift test`: a hung test fails the stage with its
/// name instead of hanging CI.
@Suite("The test run's watchdog")
struct TestWatchdogTests {
    static let script = RepositoryFiles.path("Scripts/test-watchdog")

    /// Both libraries' console lines as `swift test` prints them: one test of each never finishes, the others pass,
    /// fail or are skipped (a name that holds "passed" or "failed" included).
    static let log = """
        Test Suite 'All tests' started at 2026-12-06 21:00:00.000
        Test Case 'LegacyTests.testFine' started at 2026-12-06 21:00:00.002
        Test Case 'LegacyTests.testFine' passed (0.001 seconds)
        Test Case 'LegacyTests.testBroken' started at 2026-12-06 21:00:00.003
        Test Case 'LegacyTests.testBroken' failed (0.002 seconds)
        Test Case 'LegacyTests.testStuck' started at 2026-12-06 21:00:00.004
        ◇ Test run started.
        ↳ Testing Library Version: 6.3
        ◇ Suite "PostgreSQL reply and crisis counts" started.
        ◇ Test "two servers counting the same day add up" started.
        ◇ Test "a save passed to staff failed after all" started.
        ◇ Test plainName() started.
        ◇ Test skippedOne() started.
        ➜ Test skippedOne() skipped: "no PostgreSQL"
        ✔ Test "a save passed to staff failed after all" passed after 1.204 seconds.
        ◇ Test failing(x:) started.
        ✘ Test failing(x:) recorded an issue at Foo.swift:3:5: Expectation failed
        ✘ Test failing(x:) failed after 0.010 seconds with 1 issue.
        ✔ Test plainName() passed after 0.010 seconds.
        \u{1B}[1;32m✔\u{1B}[0m Test "a coloured line" passed after 0.010 seconds.

        """

    @Test("lists the tests a log shows started and never finished, XCTest's and Swift Testing's, in order")
    func listsUnfinishedTests() async throws {
        let file = RepositoryFiles.temporaryDirectory("watchdog-log")
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.log.write(to: file, atomically: true, encoding: .utf8)
        let (status, output) = try await Self.run(["--unfinished", file.path])
        #expect(status == 0)
        #expect(output == "XCTest LegacyTests.testStuck\n\"two servers counting the same day add up\"\n", "\(output)")
    }

    @Test("a run past its bound is killed with its whole process group, fails with 124 and names the hung test")
    func killsARunPastItsBound() async throws {
        let folder = RepositoryFiles.temporaryDirectory("watchdog")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let canned = folder.appendingPathComponent("canned.log")
        try Self.log.write(to: canned, atomically: true, encoding: .utf8)
        // The "test run" prints the log, starts a child of its own in its process group (as `swift test` starts the
        // test binary), says both pids, and never ends by itself: the bound is what ends it, whatever the load. The
        // bound is 5 s, not 1, so that a busy 2-core machine has printed the log and the pids before the kill.
        let script = #"cat "$1"; sleep 600 & echo "pids $$ $!"; wait"#
        let (status, output) = try await Self.run([
            "5", folder.appendingPathComponent("run.log").path, "/bin/sh", "-c", script, "hung-run", canned.path,
        ])
        #expect(status == 124, "\(output)")
        #expect(output.contains("still running after 5 s"), "\(output)")
        let listed = output.components(separatedBy: "never finished:\n").last ?? ""
        #expect(listed == "  XCTest LegacyTests.testStuck\n  \"two servers counting the same day add up\"\n", "\(output)")
        let pids = try #require(output.split(separator: "\n").first { $0.hasPrefix("pids ") }).split(separator: " ")
        for pid in pids.dropFirst().compactMap({ pid_t($0) }) {
            // Gone, or at most a zombie the system reaps (the sleep's parent was killed too).
            #expect(!Self.isRunning(pid), "process \(pid) of the killed run is still running")
        }
    }

    @Test("a run that ends within its bound keeps its exit status and output")
    func passesThroughARunThatEnds() async throws {
        let log = RepositoryFiles.temporaryDirectory("watchdog-run")
        defer { try? FileManager.default.removeItem(at: log) }
        let (status, output) = try await Self.run(["600", log.path, "/bin/sh", "-c", "echo finished; exit 3"])
        #expect(status == 3)
        #expect(output == "finished\n", "\(output)")
        #expect(try String(contentsOf: log, encoding: .utf8) == "finished\n")
    }

    /// Runs the script with `arguments`; its exit status and standard output.
    static func run(_ arguments: [String]) async throws -> (Int32, String) {
        let process = ChildProcess()
        process.executableURL = script
        process.arguments = arguments
        let finished = try await ChildProcesses.runToEnd(process)
        return (finished.status, finished.output)
    }

    /// Whether `pid` is a process that hasn't ended (not gone, not a zombie).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: end)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}
