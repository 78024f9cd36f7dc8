#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`): every connection is one, on every port.
///
/// When the limit is reached, accepting a connection fails with EMFILE; accepting then pauses before it is tried
/// again (``AcceptPauseHandler``, which ``LineListener`` adds), and visitors wait in the kernel's queue
/// (a backlog of 256) until a descriptor is free: no one is turned away by the error itself, but nobody new is greeted
/// while it lasts, so `serve` lowers its connection cap to what the limit leaves room for (past the cap, visitors are
/// told the chat is busy), and ``AcceptErrorLog`` logs it.
/// The soft limit is often far below the hard one (1,024 under systemd, whose hard limit is 524,288), so
/// ``raiseToHard()`` takes what the system allows.
public enum FileDescriptorLimit {
    #if os(Linux)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif

    /// The soft limit now, or nil if it can't be read.
    public static var current: Int? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// How many descriptors the process has open now (Linux: the entries of /proc/self/fd), or nil if unknown.
    public static var openCount: Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix(2)) }
            if name.first != UInt8(ascii: ".") { count += 1 }
        }
        // The directory's own descriptor, open while it was read.
        return count - 1
    }

    /// Raises the soft limit to the hard limit; returns the soft limit in force afterwards (nil if unreadable).
    @discardableResult
    public static func raiseToHard() -> Int? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            _ = setrlimit(resource, &raised)
        }
        return current
    }
}
