import Foundation
import Logging
import Synchronization
import Testing

@testable import OpenDoorLogging
import OpenDoorTestSupport

/// A temporary file to log into, read back as lines.
final class LogFile: Sendable {
    let url: URL
    let descriptor: Int32

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-log-\(UUID().uuidString)")
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o600)
    }

    deinit {
        close(descriptor)
        try? FileManager.default.removeItem(at: url)
    }

    /// What has been written so far.
    var text: String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    var lines: [Substring] {
        text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
    }
}

/// Collects what `StreamLogHandler` writes, to compare with.
final class StreamBox: TextOutputStream, @unchecked Sendable {
    private let storage = Mutex("")
    func write(_ string: String) { storage.withLock { $0 += string } }
    var text: String { storage.withLock { $0 } }
}

struct ServerError: Error, CustomStringConvertible {
    var description: String { "the socket went away" }
}

@Suite("Buffered log handler")
struct BufferedLogHandlerTests {
    /// Everything after the timestamp: the rest of the line is the same for both handlers.
    private static func withoutTimestamp(_ line: Substring) -> Substring {
        line.drop { $0 != " " }.dropFirst()
    }

    @Test("lines read as StreamLogHandler writes them, with and without a metadata provider", arguments: [true, false])
    func sameFormatAsStreamLogHandler(withProvider: Bool) throws {
        let file = LogFile()
        let output = BufferedLogOutput(descriptor: file.descriptor)
        let stream = StreamBox()
        let provider =
            withProvider ? Logger.MetadataProvider { ["request": "42", "connection": "from-provider"] } : nil
        var buffered = Logger(label: "opendoor.test") {
            BufferedLogHandler(label: $0, output: output, metadataProvider: provider)
        }
        var reference = Logger(label: "opendoor.test") {
            StreamLogHandler(label: $0, stream: stream, metadataProvider: provider)
        }
        var unlabeled = Logger(label: "") { BufferedLogHandler(label: $0, output: output, metadataProvider: nil) }
        var unlabeledReference = Logger(label: "") {
            StreamLogHandler(label: $0, stream: stream, metadataProvider: nil)
        }
        buffered.logLevel = .trace
        reference.logLevel = .trace
        buffered[metadataKey: "connection"] = "7"
        reference[metadataKey: "connection"] = "7"
        buffered[metadataKey: "zeta"] = ["a", "b"]
        reference[metadataKey: "zeta"] = ["a", "b"]

        for logger in [buffered, reference] {
            logger.info("reply", metadata: ["intent": "faq_cost", "latency_ms": "\(0.25)", "crisis": "false"])
            logger.debug("plain")
            logger.error("failed", error: ServerError(), metadata: ["error.type": "overridden", "nested": ["k": "v"]])
            logger.notice("explicit wins", metadata: ["request": "explicit", "connection": "explicit"])
            logger.info(
                "sorted", metadata: ["zz": "1", "a": "2", "connectio": "3", "connectionz": "4", "é": "5", "Z": "6"])
        }
        unlabeled.logLevel = .info
        unlabeledReference.logLevel = .info
        unlabeled.info("no label, no metadata")
        unlabeledReference.info("no label, no metadata")
        output.flush()

        let expected = stream.text.split(separator: "\n").map(Self.withoutTimestamp)
        let written = file.lines.map(Self.withoutTimestamp)
        #expect(written == expected)
        #expect(written.count == 6)
        if withProvider {
            #expect(
                written.first
                    == "info opendoor.test: connection=from-provider crisis=false intent=faq_cost latency_ms=0.25 request=42 zeta=[\"a\", \"b\"] [OpenDoorLoggingTests] reply"
            )
        } else {
            #expect(
                written.first
                    == "info opendoor.test: connection=7 crisis=false intent=faq_cost latency_ms=0.25 zeta=[\"a\", \"b\"] [OpenDoorLoggingTests] reply"
            )
        }
    }

    @Test("the timestamp is local time to the second, as StreamLogHandler writes it")
    func timestamp() throws {
        let file = LogFile()
        let output = BufferedLogOutput(descriptor: file.descriptor)
        Logger(label: "t") { BufferedLogHandler(label: $0, output: output) }.info("hello")
        output.flush()
        let line = try #require(file.lines.first)
        let stamp = line.prefix { $0 != " " }
        // 2025-05-01T09:30:00+0200
        #expect(stamp.count == 24, "\(stamp)")
        #expect(stamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}/) != nil, "\(stamp)")
    }

    @Test("info lines reach the descriptor without a flush, from the writer thread")
    func backgroundWrite() async throws {
        // A pipe, read until its two lines have come: the test waits on the writes, not on a guess of how soon the
        // writer thread runs on a busy machine.
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        let output = BufferedLogOutput(descriptor: ends[1], flushInterval: .milliseconds(5))
        let logger = Logger(label: "t") { BufferedLogHandler(label: $0, output: output) }
        logger.info("first")
        logger.info("second")
        let reader = ends[0]
        let text = await offThePool {
                var bytes: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                // A hang guard only: poll gives up after 10 minutes with nothing written.
                var ready = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
                while bytes.count(where: { $0 == UInt8(ascii: "\n") }) < 2, poll(&ready, 1, 600_000) > 0 {
                    let count = read(reader, &chunk, chunk.count)
                    guard count > 0 else { break }
                    bytes += chunk[..<count]
                }
                return String(decoding: bytes, as: UTF8.self)
        }
        let lines = text.split(separator: "\n")
        #expect(lines.map { $0.hasSuffix("] first") || $0.hasSuffix("] second") } == [true, true], "\(text)")
        withExtendedLifetime(output) {}
        close(ends[1])
    }

    @Test("a warning is written before log returns, with every line before it")
    func warningsAreSynchronous() {
        let file = LogFile()
        // A writer thread that waits a minute: only the warning can have written the lines.
        let output = BufferedLogOutput(descriptor: file.descriptor, flushInterval: .seconds(60))
        let logger = Logger(label: "t") { BufferedLogHandler(label: $0, output: output) }
        logger.info("before")
        logger.warning("crisis")
        #expect(file.lines.map { $0.hasSuffix("] before") || $0.hasSuffix("] crisis") } == [true, true])
    }

    @Test("when too much waits, the logging thread writes it itself")
    func boundedMemory() {
        let file = LogFile()
        let output = BufferedLogOutput(
            descriptor: file.descriptor, flushInterval: .seconds(60), maximumBufferedBytes: 1000)
        let logger = Logger(label: "t") { BufferedLogHandler(label: $0, output: output) }
        for index in 0..<100 { logger.info("line \(index)") }
        // At most 1000 bytes and one line may still wait in memory.
        #expect(file.lines.count >= 85)
        output.flush()
        #expect(file.lines.count == 100)
    }

    @Test("lines from many threads come out whole, each thread's in order")
    func concurrentLines() async {
        let file = LogFile()
        let output = BufferedLogOutput(descriptor: file.descriptor, flushInterval: .milliseconds(1))
        let threads = 4
        let perThread = 2000
        await withTaskGroup(of: Void.self) { group in
            for thread in 0..<threads {
                group.addTask {
                    var logger = Logger(label: "t") { BufferedLogHandler(label: $0, output: output) }
                    logger[metadataKey: "thread"] = "\(thread)"
                    for index in 0..<perThread { logger.info("line \(index)") }
                }
            }
        }
        output.flush()
        var next = [Int](repeating: 0, count: threads)
        var wellFormed = true
        for line in file.lines {
            // `… info t: thread=2 [OpenDoorLoggingTests] line 17` (no regex: it is slow in debug builds).
            let words = line.split(separator: " ")
            guard words.count == 7, words[3].hasPrefix("thread="), words[4] == "[OpenDoorLoggingTests]",
                words[5] == "line", let t = Int(words[3].dropFirst("thread=".count)), let index = Int(words[6]),
                index == next[t]
            else {
                wellFormed = false
                break
            }
            next[t] += 1
        }
        #expect(wellFormed)
        #expect(next == [Int](repeating: perThread, count: threads))
    }
}
