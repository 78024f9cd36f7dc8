import Foundation
import Synchronization

/// Where a confirmed callback request's save spends its time inside the server, phase by phase: a load test's
/// instrument, handed to the server and the store through their configurations (nil there: nothing is timed).
///
/// `opendoor load --store postgres://…` starts its chat server with `opendoor serve --save-timings FILE`, which
/// writes the file at shutdown, and prints it after the run:
/// the visitor's save latency split into waiting for a task, for a pooled connection, the statement's round trip
/// (it holds the WAL flush), the way back to the task and the connection's event loop. Durations only:
/// no request, no reference, no phone number. Each phase keeps at most ``capacity`` samples.
public final class SaveTimings: Sendable {
    /// A step of a save, in the order a save goes through them.
    public enum Phase: String, Sendable, CaseIterable {
        /// From the confirming line's turn on the connection's event loop to the start of the task that saves.
        case task
        /// From the call of the store's save to its start in the store (an actor's queue, when the store is one).
        case store
        /// From asking the pool for a connection to having one.
        case connection
        /// The save's one statement, from its hand-over to the connection to its answer (with any statement queued
        /// ahead of it on that connection): PostgreSQL's CALL inserts and commits, and answers once the commit's WAL
        /// is flushed to disk.
        case commit
        /// From the statement's answer on the database connection's thread to the saving task going on.
        case resume
        /// From the save's end in the task to the reply written on the visitor's connection.
        case deliver
        /// The whole save in the store: from its call to its return.
        case storeTotal = "store total"
        /// The whole save on the server: from the confirming line's turn to the reply written.
        case serverTotal = "server total"
    }

    /// The most samples kept per phase.
    public static let capacity = 100_000

    /// The file ``write()`` writes.
    public let path: String
    private let samples = Mutex<[Phase: [UInt64]]>([:])

    /// Timings written to `path`.
    public init(path: String) {
        self.path = path
    }

    /// Now, in the clock the phases are measured with (uptime nanoseconds).
    @inlinable public static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Records that `phase` took from `start` to `end` (``now()`` readings).
    public func note(_ phase: Phase, from start: UInt64, to end: UInt64 = SaveTimings.now()) {
        let nanoseconds = end > start ? end - start : 0
        samples.withLock { samples in
            if samples[phase, default: []].count < Self.capacity { samples[phase, default: []].append(nanoseconds) }
        }
    }

    /// One line per phase that has samples: count, p50, p99 and max in milliseconds.
    public func summary() -> [String] {
        let all = samples.withLock { $0 }
        return Phase.allCases.compactMap { phase in
            guard var values = all[phase], !values.isEmpty else { return nil }
            values.sort()
            let at = { (share: Double) in Double(values[min(values.count - 1, Int(Double(values.count) * share))]) / 1e6 }
            let milliseconds = { (value: Double) in String(format: "%.3f", value) }
            return "\(phase.rawValue): \(values.count), p50 \(milliseconds(at(0.5))) ms, p99 \(milliseconds(at(0.99))) ms, "
                + "max \(milliseconds(Double(values[values.count - 1]) / 1e6)) ms"
        }
    }

    /// Writes ``summary()`` to ``path`` (replacing it); says nothing when it can't.
    public func write() {
        try? (summary().joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// Two recorders are the same when they are one instance: a configuration that holds one stays `Hashable`.
extension SaveTimings: Hashable {
    public static func == (lhs: SaveTimings, rhs: SaveTimings) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(self))
    }
}
