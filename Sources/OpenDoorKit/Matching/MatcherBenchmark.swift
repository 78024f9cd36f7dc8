import Foundation

/// Measures loading and matching: what `opendoor bench` reports.
public struct MatcherBenchmark: Sendable {
    /// Latency percentiles in microseconds.
    public struct Latency: Sendable, Hashable {
        /// Median.
        public var p50: Double
        /// 99th percentile.
        public var p99: Double
        /// How many matches were timed.
        public var samples: Int
    }

    /// One knowledge size's figures.
    public struct Run: Sendable, Hashable {
        /// Intents in the knowledge.
        public var intents: Int
        /// Examples in the knowledge.
        public var examples: Int
        /// Median time to build the matcher, in milliseconds.
        public var buildMilliseconds: Double
        /// Matching latency.
        public var latency: Latency
    }

    /// Times `body` once, in nanoseconds, on the monotonic clock.
    @inline(__always)
    static func nanoseconds(_ body: () -> Void) -> UInt64 {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return DispatchTime.now().uptimeNanoseconds - start
    }

    /// Times building a matcher and matching every message `rounds` times.
    public static func run(knowledge: Knowledge, messages: [String], rounds: Int, builds: Int = 5) -> Run {
        var buildTimes: [UInt64] = []
        var matcher: Matcher?
        for _ in 0..<max(builds, 1) {
            buildTimes.append(nanoseconds { matcher = Matcher(knowledge: knowledge) })
        }
        guard let matcher else { fatalError("unreachable: at least one build ran") }
        // Warm up the scratch buffers and caches.
        for message in messages { _ = matcher.match(message) }
        var samples: [UInt64] = []
        samples.reserveCapacity(messages.count * rounds)
        var sink = 0
        for _ in 0..<rounds {
            for message in messages {
                samples.append(nanoseconds { sink &+= matcher.match(message).candidates.count })
            }
        }
        if sink == -1 { print(sink) }  // keeps the optimizer from dropping the work
        return Run(
            intents: knowledge.intents.count, examples: knowledge.intents.reduce(0) { $0 + $1.examples.count },
            buildMilliseconds: median(buildTimes) / 1e6, latency: latency(samples))
    }

    /// Median load time of a knowledge folder in milliseconds: in all (files read, parsed, checked and
    /// the matcher built) and of the files alone; until the matcher is ready (it is freed after the clock stops, as
    /// a server keeps it).
    public static func loadMilliseconds(directory: URL, rounds: Int) throws -> (total: Double, files: Double) {
        var totals: [UInt64] = []
        var files: [UInt64] = []
        var failure: Error?
        for _ in 0..<max(rounds, 1) {
            var knowledge: Knowledge?
            let read = nanoseconds {
                do { knowledge = try Knowledge.load(from: directory) } catch { failure = error }
            }
            guard let knowledge else { break }
            var matcher: Matcher?
            let build = nanoseconds { matcher = Matcher(knowledge: knowledge) }
            precondition(matcher != nil)
            matcher = nil
            files.append(read)
            totals.append(read + build)
        }
        if let failure { throw failure }
        return (median(totals) / 1e6, median(files) / 1e6)
    }

    /// The process's peak resident memory in MiB (VmHWM), when the system reports it.
    public static func peakMemoryMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.filter(\.isNumber)
            return Double(digits).map { $0 / 1024 }
        }
        return nil
    }

    static func latency(_ samples: [UInt64]) -> Latency {
        let sorted = samples.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)
            return Double(sorted[max(index, 0)]) / 1000
        }
        return Latency(p50: percentile(0.5), p99: percentile(0.99), samples: sorted.count)
    }

    static func median(_ values: [UInt64]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return Double(sorted[sorted.count / 2])
    }
}
