import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process for tests, in place of Foundation's `Process` (same property names, so a test reads the same).
///
/// Why not `Process`: on Linux its `run()` lists `/proc/self/fd` to find what to close in the child, and copies each
/// entry's whole 256-byte `d_name` out of glibc's 32 KB directory buffer. With more than about 1,350 descriptors open
/// (the suite's flood tests hold hundreds of sockets at once) the last entry sits at the buffer's end and the copy
/// reads past it: AddressSanitizer reports a heap-buffer-overflow in `memcpy` from `findMaximumOpenFromProcSelfFD`,
/// and without it the read crashed the test process with signal 11 when it crossed into an unmapped page (round 20,
/// three times, "memcpy inside Process.run()"). Here the child is started by `posix_spawn` with
/// `posix_spawn_file_actions_addclosefrom_np(3)`: the kernel closes everything but standard input, output and error,
/// however many descriptors there are, and no pipe or socket of another test leaks into the child.
///
/// Started through ``ChildProcesses/run(_:input:endsWithInput:)``, one launch at a time, with the environment read once.
public final class ChildProcess: @unchecked Sendable {  // set up on one thread; the exit state is guarded by `exit`
    /// The program to run.
    public var executableURL: URL?
    /// Its arguments (not the program's name).
    public var arguments: [String]?
    /// Its environment; nil: ``ChildProcesses/inheritedEnvironment``.
    public var environment: [String: String]?
    /// Its working folder; nil: this process's.
    public var currentDirectoryURL: URL?
    /// A `Pipe`, a `FileHandle` (`FileHandle.nullDevice`: /dev/null), or nil (/dev/null); by default this process's.
    public var standardInput: Any? = FileHandle.standardInput
    /// As ``standardInput``.
    public var standardOutput: Any? = FileHandle.standardOutput
    /// As ``standardInput``.
    public var standardError: Any? = FileHandle.standardError

    /// The child's process id, once started.
    public private(set) var processIdentifier: pid_t = 0

    private let exit = NSCondition()
    /// The raw wait status, once the child has ended and been reaped.
    private var waitStatus: Int32?

    public init() {}

    /// Whether the child has been started and hasn't ended.
    public var isRunning: Bool {
        exit.lock()
        defer { exit.unlock() }
        return processIdentifier != 0 && waitStatus == nil
    }

    /// The exit status, or the signal that ended it (see ``terminationReason``).
    public var terminationStatus: Int32 {
        let status = endedStatus()
        return status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
    }

    /// Whether the child exited or a signal ended it.
    public var terminationReason: Process.TerminationReason {
        endedStatus() & 0x7f == 0 ? .exit : .uncaughtSignal
    }

    /// Starts the child. Use ``ChildProcesses/run(_:input:endsWithInput:)``, which takes the launch lock.
    func launch() throws {
        precondition(processIdentifier == 0, "a child process runs once")
        guard let executable = executableURL?.path else { throw POSIXError(.ENOENT) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (stream, target) in [(STDIN_FILENO, standardInput), (STDOUT_FILENO, standardOutput), (STDERR_FILENO, standardError)] {
            switch Self.childEnd(of: target, for: stream) {
            case .some(let descriptor):
                if descriptor != stream { posix_spawn_file_actions_adddup2(&actions, descriptor, stream) }
            case .none:
                posix_spawn_file_actions_addopen(&actions, stream, "/dev/null", stream == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
            }
        }
        guard GlibcSpawn.addCloseFrom(&actions, 3) == 0 else { throw POSIXError(.ENOSYS) }
        if let directory = currentDirectoryURL?.path {
            guard GlibcSpawn.addChangeDirectory(&actions, directory) == 0 else { throw POSIXError(.ENOSYS) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts as a shell would start it: no signal blocked, SIGPIPE at its default, a process group of
        // its own (as Foundation's Process does: a Ctrl-C meant for `swift test` doesn't reach it).
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv = ([executable] + (arguments ?? [])).map { strdup($0) } + [nil]
        let envp = (environment ?? ChildProcesses.inheritedEnvironment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var spawned: pid_t = 0
        let result = posix_spawn(&spawned, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw POSIXError(POSIXErrorCode(rawValue: result) ?? .EIO) }
        let pid = spawned
        processIdentifier = pid

        // This process keeps only its own ends of the pipes, as Foundation's Process does.
        if let pipe = standardInput as? Pipe { try? pipe.fileHandleForReading.close() }
        if let pipe = standardOutput as? Pipe { try? pipe.fileHandleForWriting.close() }
        if let pipe = standardError as? Pipe { try? pipe.fileHandleForWriting.close() }

        // Reaped by a thread of its own, which waits for this child only.
        let reaper = Thread { [self] in
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            exit.lock()
            waitStatus = status
            exit.broadcast()
            exit.unlock()
        }
        reaper.name = "child-reaper"
        reaper.start()
    }

    /// Blocks until the child has ended (not on Swift's concurrency pool: see ``offThePool(_:)``); an async test
    /// awaits ``ended()``.
    @available(*, noasync, message: "blocks a thread of Swift's concurrency pool: await ended()")
    public func waitUntilExit() {
        _ = endedStatus()
    }

    /// Waits, off Swift's concurrency pool, until the child has ended; its exit status (or the signal that ended it).
    @discardableResult
    public func ended() async -> Int32 {
        await offThePool {
            self.waitUntilExit()
            return self.terminationStatus
        }
    }

    /// Sends SIGTERM.
    public func terminate() {
        if processIdentifier != 0 { kill(processIdentifier, SIGTERM) }
    }

    private func endedStatus() -> Int32 {
        precondition(processIdentifier != 0, "the child process was never started")
        exit.lock()
        defer { exit.unlock() }
        while waitStatus == nil { exit.wait() }
        return waitStatus!
    }

    /// The descriptor the child gets as `stream`; nil: /dev/null.
    private static func childEnd(of target: Any?, for stream: Int32) -> Int32? {
        switch target {
        case let pipe as Pipe:
            return stream == STDIN_FILENO ? pipe.fileHandleForReading.fileDescriptor : pipe.fileHandleForWriting.fileDescriptor
        case let handle as FileHandle where handle === FileHandle.nullDevice:
            return nil
        case let handle as FileHandle:
            return handle.fileDescriptor
        default:
            return nil
        }
    }
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34) and `posix_spawn_file_actions_addchdir_np` (2.29), which
/// Swift's Glibc module leaves out (they need _GNU_SOURCE): looked up once by name.
public enum GlibcSpawn {
    public typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    public typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    private static let closeFrom: CloseFrom? = function("posix_spawn_file_actions_addclosefrom_np")
    private static let changeDirectory: ChangeDirectory? = function("posix_spawn_file_actions_addchdir_np")

    /// In the child, closes every descriptor from `lowest` up; ENOSYS where glibc lacks it.
    public static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) -> Int32 {
        closeFrom?(actions, lowest) ?? ENOSYS
    }

    /// In the child, changes to `directory` before running the program; ENOSYS where glibc lacks it.
    public static func addChangeDirectory(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ directory: String) -> Int32 {
        guard let changeDirectory else { return ENOSYS }
        return directory.withCString { changeDirectory(actions, $0) }
    }

    private static func function<F>(_ name: String) -> F? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }
}
