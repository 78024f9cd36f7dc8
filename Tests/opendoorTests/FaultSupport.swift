import Foundation
import OpenDoorKit
import OpenDoorTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The built `opendoor` binary run as a child process, talked to line by line: the fault suite's way in.
///
/// Standard error is drained by a thread of its own into memory (``errorOutput``, ``waitForError(matching:)``),
/// so a chatty process never blocks on a full pipe. A watchdog kills the process after `timeout`, so a
/// hung binary fails a test instead of hanging it. The timeout guards against hangs only: it is far beyond what
/// any test takes on a starved machine (a debug server under 400 connections on two busy cores takes minutes, and
/// a server killed early would refuse the test's next connection as if it had failed).
final class OpenDoorProcess: @unchecked Sendable {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()
    static let binary = root.appendingPathComponent(".build/debug/opendoor")
    static let knowledge = root.appendingPathComponent("Knowledge")

    let process = ChildProcess()
    private let input: StandardInput
    private let output = Pipe()
    private let errors = Pipe()
    private let sink = ErrorSink()
    private var buffer = Data()

    /// Starts `opendoor ARGUMENTS… --knowledge <repo>/Knowledge` (the knowledge option is added for
    /// commands that take it).
    /// `directory` is the working folder (the repository's root by default); `$OPENDOOR_DATA` is
    /// removed from the environment, so only `--data` chooses the store. `fileLimit` runs it with that many file
    /// descriptors at most (`ulimit -n`, soft and hard).
    init(
        _ arguments: [String], knowledge: Bool = true, directory: URL? = nil, timeout: TimeInterval = 900,
        fileLimit: Int? = nil, endsWithInput: Bool = true
    ) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary.path) else {
            throw Failure("build first: swift build")
        }
        let arguments = arguments + (knowledge ? ["--knowledge", Self.knowledge.path] : [])
        if let fileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(fileLimit) && exec \"$0\" \"$@\"", Self.binary.path] + arguments
        } else {
            process.executableURL = Self.binary
            process.arguments = arguments
        }
        process.currentDirectoryURL = directory ?? Self.root
        process.environment = ChildProcesses.environment(removing: ["OPENDOOR_DATA", "OPENDOOR_KNOWLEDGE"])
        // A server (serve, staff) ends when this input does: when the test closes it, or when the test process dies
        // (not a command run to its end, whose input is closed at once: it would stop before saying what it says).
        input = try StandardInput()
        process.standardOutput = output
        process.standardError = errors
        try ChildProcesses.run(process, input: input, endsWithInput: endsWithInput)
        let (reading, sink) = (errors.fileHandleForReading, sink)
        Thread.detachNewThread {
            while true {
                let chunk = reading.nextChunk()
                sink.condition.lock()
                if chunk.isEmpty { sink.ended = true } else { sink.text.append(chunk) }
                sink.condition.broadcast()
                sink.condition.unlock()
                if chunk.isEmpty { return }
            }
        }
        let process = self.process
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            guard process.isRunning else { return }
            // Said in standard error, which failing tests print: a killed server refuses connections (errno 111),
            // which alone would look like a bug of the server's.
            sink.condition.lock()
            sink.text.append(Data("\n[test watchdog: killed after \(Int(timeout)) s]\n".utf8))
            sink.condition.broadcast()
            sink.condition.unlock()
            kill(process.processIdentifier, SIGKILL)
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Sends lines to standard input.
    func send(_ lines: [String]) {
        input.write(lines.map { $0 + "\n" }.joined())
    }

    // Every wait below (a pipe read, a child's exit, a line in standard error) blocks a thread: each runs on a thread
    // of its own (``offThePool(_:)``), never on the two Swift's concurrency runs every test on.

    /// The next JSON reply (`chat --json`), or nil at the end of output.
    func nextReply() async throws -> Reply? {
        try await offThePool { try self.nextReplyNow() }
    }

    /// Sends each message and returns the reply to each.
    func exchange(_ messages: [String]) async throws -> [Reply] {
        try await offThePool {
            try messages.map { message in
                self.send([message])
                guard let reply = try self.nextReplyNow() else {
                    throw Failure("no reply to “\(message)”; stderr: \(self.errorOutput)")
                }
                return reply
            }
        }
    }

    /// Closes standard input and waits for the process to end and for all it wrote to standard error to be read
    /// (the pipe is drained by a thread of its own, which may still be behind when the process has exited); returns
    /// its exit status.
    @discardableResult
    func finish() async -> Int32 {
        await offThePool { self.finishNow() }
    }

    /// Sends `signal` and waits for the process to end and its standard error to be read to the end.
    func stop(_ signal: Int32) async {
        await offThePool {
            kill(self.process.processIdentifier, signal)
            self.process.waitUntilExit()
            self.waitForErrorEndNow()
        }
    }

    /// Everything written to standard error so far.
    var errorOutput: String {
        sink.condition.lock()
        defer { sink.condition.unlock() }
        return String(decoding: sink.text, as: UTF8.self)
    }

    /// Waits until standard error is closed (the process and its children ended).
    func waitForErrorEnd() async {
        await offThePool { self.waitForErrorEndNow() }
    }

    /// Waits until standard error holds a match of the regular expression `pattern` and returns it, or
    /// nil when standard error ends without one. Wakes on each write, not on a timer.
    func waitForError(matching pattern: String) async -> String? {
        await offThePool { self.waitForErrorNow(matching: pattern) }
    }

    /// Runs a command to its end: exit status, standard output, standard error.
    static func run(_ arguments: [String], input: String = "", directory: URL? = nil) async throws -> (
        status: Int32, output: String, error: String
    ) {
        try await offThePool {
            let child = try OpenDoorProcess(arguments, knowledge: false, directory: directory, endsWithInput: false)
            child.send(input.isEmpty ? [] : [input])
            var lines: [String] = []
            child.input.close()
            while let line = child.nextLine() { lines.append(line) }
            child.process.waitUntilExit()
            child.waitForErrorEndNow()
            return (child.process.terminationStatus, lines.joined(separator: "\n"), child.errorOutput)
        }
    }

    // MARK: - Blocking, on the caller's thread

    /// The next line of standard output, or nil at its end.
    private func nextLine() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = output.fileHandleForReading.nextChunk()
            if chunk.isEmpty {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(chunk)
        }
    }

    private func nextReplyNow() throws -> Reply? {
        guard let line = nextLine() else { return nil }
        do {
            return try JSONDecoder().decode(Reply.self, from: Data(line.utf8))
        } catch {
            throw Failure("not a reply: \(line)")
        }
    }

    private func finishNow() -> Int32 {
        input.close()
        while nextLine() != nil {}
        process.waitUntilExit()
        waitForErrorEndNow()
        return process.terminationStatus
    }

    private func waitForErrorEndNow() {
        sink.condition.lock()
        defer { sink.condition.unlock() }
        while !sink.ended { sink.condition.wait() }
    }

    private func waitForErrorNow(matching pattern: String) -> String? {
        sink.condition.lock()
        defer { sink.condition.unlock() }
        while true {
            let text = String(decoding: sink.text, as: UTF8.self)
            if let range = text.range(of: pattern, options: .regularExpression) { return String(text[range]) }
            if sink.ended { return nil }
            sink.condition.wait()
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}

/// Standard error as read so far, guarded by its condition.
private final class ErrorSink: @unchecked Sendable {
    let condition = NSCondition()
    var text = Data()
    var ended = false
}

/// A small tmpfs mounted on a new temporary folder, to fill a disk or make it read-only for real.
///
/// Mounting needs root (CAP_SYS_ADMIN); ``isPermitted`` finds out once, and tests that need it are
/// skipped with that reason printed when it is false.
final class ScratchVolume: Sendable {
    let directory: URL

    /// Whether this process may mount a tmpfs (tried once on a probe folder; read by `.enabled(if:)`, before a
    /// test runs).
    static let isPermitted: Bool = {
        guard let probe = try? ScratchVolume(bytes: 1 << 20) else { return false }
        probe.unmountNow()
        return true
    }()

    /// Mounts a tmpfs of `bytes` bytes, off Swift's concurrency pool (`mount` is a child process waited for).
    static func mounted(bytes: Int) async throws -> ScratchVolume {
        try await offThePool { try ScratchVolume(bytes: bytes) }
    }

    /// Mounts a tmpfs of `bytes` bytes.
    @available(*, noasync, message: "waits for mount on a thread of Swift's concurrency pool: await mounted(bytes:)")
    private init(bytes: Int) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("opendoor-volume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard Self.mount(["-t", "tmpfs", "-o", "size=\(bytes),mode=0700", "tmpfs", directory.path]) else {
            try? FileManager.default.removeItem(at: directory)
            throw OpenDoorProcess.Failure("cannot mount a tmpfs on \(directory.path)")
        }
    }

    /// Fills the volume with a file until the disk says it is full; returns the filler's URL.
    @discardableResult
    func fill() -> URL {
        let filler = directory.appendingPathComponent("filler")
        let descriptor = open(filler.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let block = [UInt8](repeating: 0, count: 4096)
        while block.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        // The last partial blocks.
        while block.withUnsafeBytes({ write(descriptor, $0.baseAddress, 1) }) > 0 {}
        close(descriptor)
        return filler
    }

    /// Remounts read-only, or read-write again, off Swift's concurrency pool.
    func remount(readOnly: Bool) async -> Bool {
        await offThePool { [directory] in Self.mount(["-o", readOnly ? "remount,ro" : "remount,rw", directory.path]) }
    }

    /// Unmounts and removes the folder, off Swift's concurrency pool. A test that ends early leaves it to `deinit`.
    func unmount() async {
        await offThePool { self.unmountNow() }
    }

    private func unmountNow() {
        _ = Self.mount(["-l", directory.path], command: "/bin/umount")
        try? FileManager.default.removeItem(at: directory)
    }

    deinit {
        if FileManager.default.fileExists(atPath: directory.path) { unmountNow() }
    }

    private static func mount(_ arguments: [String], command: String = "/bin/mount") -> Bool {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: command)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? ChildProcesses.run(process)) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
