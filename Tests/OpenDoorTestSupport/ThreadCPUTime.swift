import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The CPU time the calling thread spends running `body` (its own clock, `CLOCK_THREAD_CPUTIME_ID`).
///
/// For tests that bound how much work something does: on a machine busy with other jobs a thread waits for a core
/// for seconds, which a wall clock counts and this one doesn't, so a bound on it still fails on work that grows
/// with the input (a cubic spelling correction took 18 s of CPU) and never on a starved run. `body` must not
/// suspend: it is measured on the thread it starts on. (As the fuzz targets' floor, `Fuzz/Sources/FuzzSupport`.)
public func threadCPUTime(_ body: () -> Void) -> Duration {
    func now() -> Duration {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
    }
    let start = now()
    body()
    return now() - start
}
