import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A server run as a child process for a load test, so that its memory and CPU time can be read on their
/// own from `/proc/<pid>` rather than mixed with the load generator's.
///
/// Standard input, output and error go to `/dev/null`. ``stop()`` sends SIGTERM (graceful shutdown), and
/// SIGKILL if the process is still there after a few seconds.
public final class ServerProcess: Sendable {
    /// Why a server process could not be started or reached.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String

        /// Creates a failure that says what went wrong.
        public init(description: String) {
            self.description = description
        }
    }

    /// The process id.
    public let pid: pid_t
    /// The command line, for messages.
    public let commandLine: String
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t, commandLine: String) {
        self.pid = pid
        self.commandLine = commandLine
    }

    /// Starts `executable` with `arguments`.
    public static func launch(_ executable: String, arguments: [String]) throws -> ServerProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] {
            posix_spawn_file_actions_addopen(
                &actions, descriptor, "/dev/null", descriptor == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = ([executable] + arguments).map { strdup($0) }
        defer { for argument in argv { free(argument) } }
        var pid: pid_t = 0
        let result = (argv + [nil]).withUnsafeBufferPointer { argvPointer in
            posix_spawn(&pid, executable, &actions, nil, argvPointer.baseAddress!, environ)
        }
        let commandLine = ([executable] + arguments).joined(separator: " ")
        guard result == 0 else {
            throw Failure(description: "cannot start \(commandLine): \(String(cString: strerror(result)))")
        }
        return ServerProcess(pid: pid, commandLine: commandLine)
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now (bound to port 0, read back, released).
    public static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "cannot find a free port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Waits until the process accepts TCP connections on `port` (127.0.0.1).
    ///
    /// - Throws: ``Failure`` if the process exits first or `timeout` passes.
    public func waitUntilAccepting(port: Int, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = reap() {
                throw Failure(description: "\(commandLine) exited with status \(status) before it listened")
            }
            if Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw Failure(description: "\(commandLine) did not listen on port \(port) within \(timeout)")
    }

    /// The process's memory and CPU time now, or nil if it is gone.
    public func status() -> ProcessStatus? {
        ProcessStatus(pid: pid)
    }

    /// Asks the process to shut down (SIGTERM), kills it if it is still running after `grace`, and returns
    /// its exit status (128 + signal when a signal ended it).
    @discardableResult
    public func stop(grace: Duration = .seconds(15)) async -> Int32 {
        if let status = reap() { return status }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if let status = reap() { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        while true {
            if let status = reap() { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The exit status if the process has ended (reaping it), nil while it runs.
    private func reap() -> Int32? {
        exitStatus.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
            let signal = status & 0x7f
            known = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            return known
        }
    }

    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}

/// A process's memory and CPU time, read from `/proc/<pid>/status` and `/proc/<pid>/stat` (Linux).
public struct ProcessStatus: Sendable {
    /// Resident memory now (`VmRSS`), in bytes.
    public var residentBytes: Int
    /// The most resident memory so far (`VmHWM`, the high-water mark), in bytes.
    public var peakResidentBytes: Int
    /// Threads.
    public var threads: Int
    /// User plus system CPU time so far.
    public var cpuTime: Duration

    /// Reads the status of process `pid`; nil if it can't be read.
    public init?(pid: pid_t) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        else { return nil }
        var fields: [String: Int] = [:]
        for line in status.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = parts[1].split(whereSeparator: \.isWhitespace).first
            fields[String(parts[0])] = value.flatMap { Int($0) }
        }
        guard let resident = fields["VmRSS"], let peak = fields["VmHWM"] else { return nil }
        residentBytes = resident * 1024
        peakResidentBytes = peak * 1024
        threads = fields["Threads"] ?? 0
        // After the command name in parentheses: state is field 3, utime 14 and stime 15.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ")
        guard rest.count > 12, let user = Int(rest[11]), let system = Int(rest[12]) else { return nil }
        let ticks = max(1, sysconf(Int32(_SC_CLK_TCK)))
        cpuTime = .milliseconds((user + system) * 1000 / ticks)
    }

    /// The status of this process.
    public static func current() -> ProcessStatus? {
        ProcessStatus(pid: getpid())
    }

    /// User and system CPU time every process on the machine has used since boot (all cores, from
    /// `/proc/stat`): with the times of the processes being measured, it tells how much else was running.
    public static func machineBusyTime() -> Duration? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let first = stat.split(separator: "\n").first, first.hasPrefix("cpu ")
        else { return nil }
        // user nice system idle iowait irq softirq steal …, in clock ticks.
        let ticks = first.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard ticks.count >= 8 else { return nil }
        // Interrupt time is left out: here it is mostly the loopback traffic of the processes being measured.
        let busy = ticks[0] + ticks[1] + ticks[2]
        return .milliseconds(busy * 1000 / max(1, sysconf(Int32(_SC_CLK_TCK))))
    }
}
