import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How tests start child processes (the built `opendoor`, scripts, tools), so that many tests running at once can't
/// trip each other up and nothing a test started outlives the test process.
///
/// - Not Foundation's `Process`, whose `run()` crashed the test process (see ``ChildProcess``): a ``ChildProcess``.
/// - One launch at a time: every start of a child (``run(_:input:endsWithInput:)``, and the tests' own `posix_spawn`
///   calls) goes through ``launching(_:)``.
/// - One environment: this process's environment is read once, before any test starts a child, and never changed;
///   each child gets a copy (``environment(removing:adding:)``). The C library's `getenv` and `setenv` aren't safe
///   against each other, so no test may change its own environment: it passes one to the child instead.
/// - Children die with the test process: a server's standard input is a pipe only the test process holds
///   (``StandardInput``), and `OPENDOOR_EXIT_WITH_STDIN=1` tells `opendoor serve` and `opendoor staff` to shut down at
///   its end, which the kernel brings about when the test process dies, whatever kills it. Daemons that scripts
///   start (PostgreSQL, HAProxy) get a ``CleanUp``: a small shell that stops them at the same end.
public enum ChildProcesses {
    /// This process's environment as it was when the first test started a child.
    public static let inheritedEnvironment: [String: String] = ProcessInfo.processInfo.environment

    /// The variable that makes `opendoor serve` and `opendoor staff` exit when standard input ends.
    public static let exitWithStandardInput = "OPENDOOR_EXIT_WITH_STDIN"

    private static let launchLock = NSLock()

    /// This process's environment without `removing` and with `adding`, for a child.
    public static func environment(removing: [String] = [], adding: [String: String] = [:]) -> [String: String] {
        var environment = inheritedEnvironment
        for name in removing { environment.removeValue(forKey: name) }
        return environment.merging(adding) { $1 }
    }

    /// Runs `body`, which starts a child process, while no other test starts one.
    public static func launching<Value>(_ body: () throws -> Value) rethrows -> Value {
        launchLock.lock()
        defer { launchLock.unlock() }
        return try body()
    }

    /// Starts `process` while no other test starts one. A process with no environment of its own gets
    /// ``inheritedEnvironment``.
    ///
    /// With `input`, the child's standard input is that pipe's reading end (closed here once the child has it) and,
    /// unless `endsWithInput` is false, its environment says `OPENDOOR_EXIT_WITH_STDIN=1`, so an `opendoor` server
    /// ends when the test process does. (False for a command whose input the test closes at once and which must run
    /// to its own end: `staff` failing on a bad option, say.)
    public static func run(_ process: ChildProcess, input: StandardInput? = nil, endsWithInput: Bool = true) throws {
        var environment = process.environment ?? inheritedEnvironment
        if let input {
            process.standardInput = input.reading
            if endsWithInput { environment[exitWithStandardInput] = "1" }
        }
        process.environment = environment
        try launching { try process.launch() }
        input?.childHasIt()
    }

    /// What a child run to its end printed, and how it ended.
    public struct Finished: Sendable {
        /// Its exit status (or the signal that ended it).
        public var status: Int32
        /// Its standard output.
        public var output: String
        /// Its standard error.
        public var error: String
    }

    /// Starts `process` with `input` as its standard input (then closed) and waits, off Swift's concurrency pool,
    /// for it to end; what it printed. Standard error is read by a thread of its own while standard output is read
    /// here, so neither pipe can fill and stall the child.
    public static func runToEnd(_ process: ChildProcess, input: String? = nil) async throws -> Finished {
        try await offThePool { try runToEndNow(process, input: input) }
    }

    /// ``runToEnd(_:input:)`` on the calling thread, for a test that is not async (XCTest's, on the main thread).
    @available(*, noasync, message: "blocks a thread of Swift's concurrency pool: await runToEnd(_:input:)")
    public static func runToEndNow(_ process: ChildProcess, input: String? = nil) throws -> Finished {
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let stdin = try StandardInput()
        try run(process, input: stdin, endsWithInput: false)
        if let input { stdin.write(input) }
        stdin.close()
        let errorText = ReadToEnd(error.fileHandleForReading)
        let out = output.fileHandleForReading.readAllData()
        process.waitUntilExit()
        let err = errorText.wait()
        return Finished(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            error: String(decoding: err, as: UTF8.self))
    }
}

/// A pipe read to its end by a thread of its own, so that the caller can read another pipe of the same child meanwhile.
private final class ReadToEnd: @unchecked Sendable {  // `data` is written before `ended` is signalled, read after
    private var data = Data()
    private let ended = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread { [self] in
            data = handle.readAllData()
            ended.signal()
        }.start()
    }

    /// Everything the pipe held, once it has ended.
    func wait() -> Data {
        ended.wait()
        return data
    }
}

/// A pipe for a child's standard input whose writing end only this process holds: both ends are close-on-exec from
/// the start, so no other child inherits them (Foundation's `Pipe` isn't, and a child started by `posix_spawn` in
/// between would keep the writing end open, and the reader waiting, forever). When this process ends, however it
/// ends, the kernel closes the writing end and the child reads the end of its input.
public final class StandardInput: @unchecked Sendable {  // the handles are set once; FileHandle is thread-safe
    /// The end the child reads: its standard input.
    public let reading: FileHandle
    /// The end this process writes to; closing it ends the child's input.
    public let writing: FileHandle

    public init() throws {
        var descriptors: [Int32] = [-1, -1]
        // pipe2(O_CLOEXEC) isn't in Swift's Glibc module: pipe, then close-on-exec, with no launch in between.
        let made = ChildProcesses.launching { () -> Bool in
            guard pipe(&descriptors) == 0 else { return false }
            for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
            return true
        }
        guard made else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        reading = FileHandle(fileDescriptor: descriptors[0], closeOnDealloc: true)
        writing = FileHandle(fileDescriptor: descriptors[1], closeOnDealloc: true)
    }

    /// Called once the child is started: this process keeps only the writing end.
    func childHasIt() {
        try? reading.close()
    }

    /// Writes `text` to the child.
    public func write(_ text: String) {
        try? writing.write(contentsOf: Data(text.utf8))
    }

    /// Ends the child's input.
    public func close() {
        try? writing.close()
    }
}

/// A shell that runs a command (e.g. `Scripts/postgres stop DIR`) unless this process calls ``dismiss()`` first: for
/// servers that scripts start as daemons, which no pipe of ours reaches. If this process dies, or drops the clean-up
/// without dismissing it, the shell's input ends without "done" and it runs the command.
public final class CleanUp: Sendable {
    private let input: StandardInput

    /// Starts the shell that will run `command`.
    public init(_ command: [String]) throws {
        input = try StandardInput()
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", #"read -r word; [ "$word" = done ] || exec "$@" >/dev/null 2>&1"#, "clean-up"] + command
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // Not ChildProcesses.run(_:input:): that adds the server switch, which a shell doesn't need.
        process.standardInput = input.reading
        process.environment = ChildProcesses.inheritedEnvironment
        try ChildProcesses.launching { try process.launch() }
        input.childHasIt()
    }

    /// This process has stopped the server itself: the shell exits doing nothing.
    public func dismiss() {
        input.write("done\n")
        input.close()
    }
}

/// Runs blocking work (a child process, a pipe read, a wait for a child's exit) on a thread of its own, so the few
/// threads Swift's concurrency runs on (two on this machine) stay free for the work the test waits on: a store's
/// timers and queries, an in-process server. Every blocking wait inside an async test goes through here.
///
/// Not `DispatchQueue.global()`: on Linux Swift's concurrency runs on that same width-limited pool, so a blocking call
/// queued there takes one of the two threads as surely as one made in the test. A body that can't fail makes a call
/// that can't either (typed throws).
public func offThePool<Value: Sendable, Failure: Error>(
    _ body: @escaping @Sendable () throws(Failure) -> Value
) async throws(Failure) -> Value {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, Failure>, Never>) in
        Thread {
            do throws(Failure) {
                continuation.resume(returning: .success(try body()))
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }.start()
    }
    return try result.get()
}
