import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where ``BufferedLogHandler`` writes: log lines collected in memory and written to a file descriptor
/// by a thread of its own, a batch at a time.
///
/// A server that logs every reply can't afford a system call per line on its event loops, nor a lock
/// held across one. Here a line costs a short lock and a copy into a buffer; the writer thread wakes
/// when the buffer stops being empty, waits ``flushInterval`` for more lines to gather, and writes them
/// all with one `write(2)`. Lines stay in the order they were logged.
///
/// What is written at once, and when:
/// - lines at ``synchronousLevel`` or above (warnings, errors) are written before `log` returns, together
///   with every line before them, so that what matters most is never left in memory;
/// - ``flush()`` writes everything now (the `opendoor` command calls it at exit);
/// - when more than ``maximumBufferedBytes`` are waiting (the reader of the descriptor is slow), the
///   logging thread writes them itself, as an unbuffered handler would, so memory stays bounded.
public final class BufferedLogOutput: @unchecked Sendable {
    // @unchecked: the mutable state below is only touched with `state` (a condition lock, which `Mutex`
    // has no way to wait on) held, and the descriptor only with `writing` held.

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

    private let state = NSCondition()
    /// Serializes writes to the descriptor; taken before `state`, never while holding it.
    private let writing = NSLock()
    private var pending: [UInt8] = []
    private var spare: [UInt8] = []
    private var writerStarted = false
    private var timestampSecond = Int.min
    private var timestamp: [UInt8] = []

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

    /// Appends one line: `body` writes it (without its line break) after the timestamp and a space.
    ///
    /// `body` runs with the output's lock held: it must only write bytes.
    func append(level: Logger.Level, _ body: (inout [UInt8]) -> Void) {
        let now = time(nil)
        state.lock()
        let wasEmpty = pending.isEmpty
        appendTimestamp(for: now)
        pending.append(UInt8(ascii: " "))
        body(&pending)
        pending.append(UInt8(ascii: "\n"))
        let mustWrite = level >= synchronousLevel || pending.count > maximumBufferedBytes
        if !mustWrite && wasEmpty {
            startWriterIfNeeded()
            state.signal()
        }
        state.unlock()
        if mustWrite { flush() }
    }

    /// Writes every line logged so far before returning.
    public func flush() {
        writing.lock()
        defer { writing.unlock() }
        state.lock()
        var batch = pending
        pending = spare
        spare = []
        state.unlock()
        writeAll(batch)
        batch.removeAll(keepingCapacity: true)
        state.lock()
        spare = batch
        state.unlock()
    }

    // MARK: - Private

    /// Called with `state` held.
    private func appendTimestamp(for now: time_t) {
        let second = Int(now)
        if second != timestampSecond {
            timestampSecond = second
            timestamp = Self.format(now)
        }
        pending.append(contentsOf: timestamp)
    }

    /// `2025-05-01T09:30:00+0200`, in local time, as `StreamLogHandler` writes it.
    private static func format(_ now: time_t) -> [UInt8] {
        var seconds = now
        var local = tm()
        guard localtime_r(&seconds, &local) != nil else { return Array("<unknown>".utf8) }
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return buffer.prefix(count).map { UInt8(bitPattern: $0) }
    }

    /// Called with `state` held.
    private func startWriterIfNeeded() {
        guard !writerStarted else { return }
        writerStarted = true
        let thread = Thread { [self] in runWriter() }
        thread.name = "opendoor-log"
        thread.start()
    }

    private func runWriter() {
        let (seconds, attoseconds) = flushInterval.components
        let microseconds = max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
        while true {
            state.lock()
            while pending.isEmpty { state.wait() }
            state.unlock()
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
