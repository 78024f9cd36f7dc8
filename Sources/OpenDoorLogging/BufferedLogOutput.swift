import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where ``BufferedLogHandler`` writes: log lines collected in memory and written to a file descriptor
/// by a thread of its own, a batch at a time.
///
/// A server that logs every reply can't afford a system call per line on its event loops, nor a lock
/// held across one. Here the logging thread formats a line on its own, then copies it into the shared
/// buffer under a lock held only for the copy; the writer thread wakes when the buffer stops being empty,
/// waits ``flushInterval`` for more lines to gather, and writes them all with one `write(2)`. Lines stay in
/// the order they were logged.
///
/// What is written at once, and when:
/// - lines at ``synchronousLevel`` or above (warnings, errors) are written before `log` returns, together
///   with every line before them, so that what matters most is never left in memory;
/// - ``flush()`` writes everything now (the `opendoor` command calls it at exit);
/// - when more than ``maximumBufferedBytes`` are waiting (the reader of the descriptor is slow), the
///   logging thread writes them itself, as an unbuffered handler would, so memory stays bounded.
public final class BufferedLogOutput: Sendable {
    /// The process's standard error, shared by every logger so that lines from different threads don't
    /// interleave.
    public static let standardError = BufferedLogOutput(descriptor: STDERR_FILENO)

    /// The descriptor lines are written to.
    public let descriptor: Int32
    /// How long the writer thread waits, once a line arrives, for more to write with it.
    public let flushInterval: Duration
    /// Lines at this level or above are written before `log` returns.
    public let synchronousLevel: Logger.Level
    /// How many bytes may wait before the logging thread writes them itself.
    public let maximumBufferedBytes: Int

    /// What the logging threads share; held only to copy a line in (lines are formatted before).
    private struct State {
        var pending: [UInt8] = []
        var writerStarted = false
        var timestampSecond = Int.min
        var timestamp: [UInt8] = []
    }

    private let state = Mutex(State())
    /// Held while writing to the descriptor, so that batches go out in order; holds the spare buffer that
    /// the next batch is swapped into. Taken before `state`, never while holding it.
    private let writing = Mutex<[UInt8]>([])
    /// Wakes the writer thread when the buffer stops being empty.
    private let wake = DispatchSemaphore(value: 0)

    /// Creates an output for `descriptor`; nothing is written until a line is logged.
    ///
    /// - Parameters:
    ///   - descriptor: Where lines go; the output does not close it.
    ///   - flushInterval: How long lines may wait in memory before the writer thread writes them.
    ///   - synchronousLevel: The least severe level written before `log` returns.
    ///   - maximumBufferedBytes: How much may wait in memory before the logging thread writes it itself.
    public init(
        descriptor: Int32, flushInterval: Duration = .milliseconds(20), synchronousLevel: Logger.Level = .warning,
        maximumBufferedBytes: Int = 1 << 20
    ) {
        self.descriptor = descriptor
        self.flushInterval = flushInterval
        self.synchronousLevel = synchronousLevel
        self.maximumBufferedBytes = maximumBufferedBytes
    }

    /// Appends one line: the timestamp, a space, `line` (formatted by the caller, without its line break)
    /// and a line break.
    func append(level: Logger.Level, line: [UInt8]) {
        let now = time(nil)
        let (mustWrite, startWriter, signal) = state.withLock { state in
            let wasEmpty = state.pending.isEmpty
            let second = Int(now)
            if second != state.timestampSecond {
                state.timestampSecond = second
                state.timestamp = Self.format(now)
            }
            state.pending.append(contentsOf: state.timestamp)
            state.pending.append(UInt8(ascii: " "))
            state.pending.append(contentsOf: line)
            state.pending.append(UInt8(ascii: "\n"))
            let mustWrite = level >= synchronousLevel || state.pending.count > maximumBufferedBytes
            let startWriter = !mustWrite && !state.writerStarted
            if startWriter { state.writerStarted = true }
            return (mustWrite, startWriter, !mustWrite && wasEmpty)
        }
        if startWriter { startWriterThread() }
        if signal { wake.signal() }
        if mustWrite { flush() }
    }

    /// Writes every line logged so far before returning.
    public func flush() {
        writing.withLock { batch in
            // The spare buffer (empty, with its capacity) becomes the shared one; what was shared is written.
            state.withLock { state in swap(&state.pending, &batch) }
            writeAll(batch)
            batch.removeAll(keepingCapacity: true)
        }
    }

    // MARK: - Private

    /// `2025-05-01T09:30:00+0200`, in local time, as `StreamLogHandler` writes it.
    private static func format(_ now: time_t) -> [UInt8] {
        var seconds = now
        var local = tm()
        guard localtime_r(&seconds, &local) != nil else { return Array("<unknown>".utf8) }
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return buffer.prefix(count).map { UInt8(bitPattern: $0) }
    }

    private func startWriterThread() {
        let thread = Thread { [self] in runWriter() }
        thread.name = "opendoor-log"
        thread.start()
    }

    private func runWriter() {
        let (seconds, attoseconds) = flushInterval.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        while true {
            wake.wait()
            // Let more lines gather, then write them all at once.
            if microseconds > 0 { usleep(useconds_t(clamping: microseconds)) }
            flush()
        }
    }

    /// Writes all of `bytes`, going on after partial writes and interruptions; gives up on other errors
    /// (a closed descriptor: there is nowhere else to say so).
    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 {
                    offset += written
                } else if written < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}

/// `write(2)`, under a name that doesn't clash with the methods above.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
