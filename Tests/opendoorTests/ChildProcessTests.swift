import Foundation
import OpenDoorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// How the tests start children (``ChildProcess``, ``ChildProcesses``): with thousands of descriptors open, and so that
/// nothing they start outlives the test process, however it ends (a crash of the test process, signal 11 three times
/// in round 20, left servers running that later runs tripped over).
@Suite("Child processes of the tests")
struct ChildProcessTests {
    @Test("with 1,500 descriptors open, a child starts and gets only standard input, output and error")
    func manyDescriptorsOpen() async throws {
        // Foundation's Process.run() read past glibc's directory buffer listing /proc/self/fd past ~1,350 entries
        // (a heap-buffer-overflow under AddressSanitizer, signal 11 without it).
        var opened: [Int32] = []
        defer { for descriptor in opened { close(descriptor) } }
        while opened.count < 1_500 {
            let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { break }
            opened.append(descriptor)
        }
        try #require(opened.count == 1_500, "this process may open only \(opened.count) more descriptors")
        // One this process leaves open across exec, as Foundation's Pipe does: the child must not get it either.
        let inherited = open("/dev/null", O_RDONLY)
        defer { close(inherited) }

        let child = ChildProcess()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        // `ls` opens the folder it lists: its own descriptor 3 is the only one past standard error.
        child.arguments = ["-c", "exec ls /proc/self/fd"]
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try ChildProcesses.run(child)
        let listed = await offThePool { () -> String in
            let data = output.fileHandleForReading.readAllData()
            child.waitUntilExit()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(child.terminationReason == .exit && child.terminationStatus == 0)
        #expect(listed.split(separator: "\n").sorted() == ["0", "1", "2", "3"], "\(listed)")
    }

    /// Set (to the data folder to use) in the helper process only.
    static let helperVariable = "OPENDOOR_TEST_LIFETIME_HELPER"
    /// The line the helper prints once its server listens: `MARKER pid port`.
    static let marker = "lifetime-helper-server"

    @Test(
        "helper (run only by the test below): start a server as the tests do, say its pid, and wait to be killed",
        .enabled(if: ChildProcesses.inheritedEnvironment[helperVariable] != nil)
    )
    func helperStartsAServer() async throws {
        let data = try #require(ChildProcesses.inheritedEnvironment[Self.helperVariable])
        let server = try OpenDoorProcess(["serve", "--data", data, "--no-text", "--json-port", "0"])
        let port = try #require(
            await server.waitForError(matching: #"json_port=\d+"#).map { $0.dropFirst("json_port=".count) },
            "\(server.errorOutput)")
        try FileHandle.standardOutput.write(contentsOf: Data("\(Self.marker) \(server.process.processIdentifier) \(port)\n".utf8))
        // Killed by the test below long before this ends (a hang guard, should that test fail to kill it).
        try await Task.sleep(for: .seconds(600))
    }

    @Test("a server a test started ends when the test process is killed with SIGKILL: no orphan keeps its port")
    func serverEndsWithTheTestProcess() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-lifetime-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        // This test binary again, running only the helper above, in a process of its own to kill.
        let helper = ChildProcess()
        helper.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        helper.arguments = ["--testing-library", "swift-testing", "--filter", "helperStartsAServer"]
        helper.environment = ChildProcesses.environment(adding: [Self.helperVariable: data.path])
        let output = Pipe()
        helper.standardOutput = output
        helper.standardError = FileHandle.nullDevice
        try ChildProcesses.run(helper)
        defer { if helper.isRunning { kill(helper.processIdentifier, SIGKILL) } }

        let reading = output.fileHandleForReading
        let announced = await offThePool { () -> [Substring]? in
            var text = ""
            while true {
                let chunk = reading.nextChunk()
                if chunk.isEmpty { return nil }
                text += String(decoding: chunk, as: UTF8.self)
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix(Self.marker + " ") }) {
                    return line.split(separator: " ")
                }
            }
        }
        let fields = try #require(announced, "the helper ended before its server listened")
        let pid = try #require(pid_t(fields[1]))
        let port = try #require(Int(fields[2]))
        #expect(Self.isRunning(pid), "the server runs while the helper does")

        kill(helper.processIdentifier, SIGKILL)
        await offThePool { helper.waitUntilExit() }
        // The server was the helper's child, not ours: its end can't be waited for, only seen in /proc. Polled,
        // with a bound far beyond the graceful shutdown's few seconds on a starved machine.
        let ended = await offThePool {
            let deadline = Date().addingTimeInterval(120)
            while Self.isRunning(pid) && Date() < deadline { usleep(50_000) }
            return !Self.isRunning(pid)
        }
        #expect(ended, "the server (pid \(pid)) outlived the test process that started it")
        if !ended { kill(pid, SIGKILL) }
        #expect(throws: (any Error).self, "nothing listens on the server's port any more") {
            _ = try TestClient.connectedSocket(port: port, timeout: 10)
        }
    }

    /// Whether `pid` is a process that hasn't ended (not gone, not a zombie waiting to be reaped).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = stat.lastIndex(of: ")")
        else { return false }
        // "PID (COMMAND) STATE …": the state follows the command's closing parenthesis.
        let state = stat[stat.index(after: end)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }
}
