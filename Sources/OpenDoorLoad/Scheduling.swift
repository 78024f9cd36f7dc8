#if canImport(Glibc)
    import Glibc
#endif

/// How Linux schedules a process: `opendoor load` is often run under `chrt -f 50`, which its servers inherit, and a
/// database it saves to must then be scheduled the same way, or under load its backends get the CPU only when
/// both the servers and the load generator leave it, and every save waits for that.
public enum Scheduling {
    /// `SCHED_FIFO 50`, `SCHED_OTHER` …, of process `pid` (0: this one); nil when it can't be read (another host's
    /// process, no permission).
    public static func policy(of pid: Int32 = 0) -> String? {
        let policy = sched_getscheduler(pid)
        guard policy >= 0 else { return nil }
        var parameters = sched_param()
        _ = sched_getparam(pid, &parameters)
        // Linux's numbers (SCHED_BATCH and SCHED_IDLE are GNU extensions the C headers may hide).
        switch policy {
        case 1: return "SCHED_FIFO \(parameters.sched_priority)"
        case 2: return "SCHED_RR \(parameters.sched_priority)"
        case 3: return "SCHED_BATCH"
        case 5: return "SCHED_IDLE"
        default: return "SCHED_OTHER"
        }
    }

    /// A warning when the database backend `pid` (on this machine) is scheduled otherwise than this process and
    /// the servers it starts; nil when they match or it can't be known.
    public static func mismatch(database pid: Int32) -> String? {
        guard let mine = policy(), let theirs = policy(of: pid), mine != theirs else { return nil }
        return "PostgreSQL's backends run at \(theirs), this load and the server it starts at \(mine): under load "
            + "the database waits for the CPU behind them and saves measure that; start PostgreSQL the same way "
            + "(e.g. `chrt -f 50 Scripts/postgres start`)"
    }
}
