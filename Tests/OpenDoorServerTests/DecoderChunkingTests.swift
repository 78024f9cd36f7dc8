import NIOCore
import Testing

@testable import OpenDoorServer

/// The line decoder gives the same lines however the bytes are split into reads, and never traps, whatever the
/// bytes and wherever a close drops the bytes still waiting (QA24 S1-1).
@Suite("Line decoder under random reads and closes")
struct DecoderChunkingTests {
    /// A small, fixed pseudo-random sequence (xorshift), so that a failure can be replayed from its seed.
    struct Random {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
    }

    /// What the decoder must give for `bytes` read whole: lines split at `\n`, VT, FF, `\r` and `\r\n`, the bytes
    /// after the last break as a last line when there are any, a line over `maximum` as its kept ends.
    static func expected(_ bytes: [UInt8], maximum: Int) -> [String] {
        var lines: [String] = []
        var line: [UInt8] = []
        func end() {
            if line.count > maximum {
                let rest = line.dropFirst(maximum)
                lines.append("long \(Array(line.prefix(maximum))) \(Array(rest.suffix(maximum)))")
            } else {
                lines.append("line \(line)")
            }
            line = []
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case 10, 11, 12: end()
            case 13:
                end()
                if index < bytes.count, bytes[index] == 10 { index += 1 }
            default: line.append(byte)
            }
        }
        if !line.isEmpty { end() }
        return lines
    }

    /// The decoder's lines for `bytes` fed in random reads; with `dropFrom`, the bytes waiting at that point are
    /// dropped and the decoder given a new, empty buffer at the end of input, as a held connection's close does.
    static func decoded(_ bytes: [UInt8], maximum: Int, random: inout Random, dropFrom: Int? = nil) throws -> [String] {
        var decoder = LineFrameDecoder(maximumLength: maximum)
        var buffer = ByteBuffer()
        var lines: [String] = []
        func take(_ frame: LineFrame) {
            switch frame {
            case .line(let line):
                #expect(line.readableBytes <= maximum)
                lines.append("line \(Array(line.readableBytesView))")
            case .tooLong(let head, let tail):
                #expect(head.readableBytes == maximum && tail.readableBytes <= maximum)
                lines.append("long \(Array(head.readableBytesView)) \(Array(tail.readableBytesView))")
            }
        }
        let end = dropFrom ?? bytes.count
        var offset = 0
        while offset < end {
            let next = min(end, offset + 1 + random.next(2 * maximum + 3))
            buffer.writeBytes(bytes[offset..<next])
            offset = next
            while let frame = try decoder.decode(buffer: &buffer) { take(frame) }
            // Sometimes a read finds its bytes in a new buffer, as the framing handler's are once all are read.
            if buffer.readableBytes == 0, random.next(2) == 0 { buffer = ByteBuffer() }
        }
        if dropFrom != nil { buffer = ByteBuffer() }
        while let frame = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { take(frame) }
        return lines
    }

    /// Random bytes, mostly letters, with line breaks of every kind and runs long enough to pass the maximum.
    static func input(_ random: inout Random, maximum: Int) -> [UInt8] {
        let pieces: [[UInt8]] = [[10], [13], [13, 10], [11], [12], [10, 10], [13, 13, 10]]
        var bytes: [UInt8] = []
        for _ in 0..<(1 + random.next(12)) {
            let run = random.next(random.next(4) == 0 ? 4 * maximum : maximum + 2)
            bytes += (0..<run).map { _ in UInt8(ascii: "a") + UInt8(random.next(26)) }
            if random.next(5) > 0 { bytes += pieces[random.next(pieces.count)] }
        }
        return bytes
    }

    @Test("2,000 random inputs in random reads give the lines read whole would give")
    func randomReads() throws {
        var random = Random(state: 0x9E37_79B9_7F4A_7C15)
        for round in 0..<2_000 {
            let maximum = 1 + random.next(16)
            let bytes = Self.input(&random, maximum: maximum)
            let got = try Self.decoded(bytes, maximum: maximum, random: &random)
            let want = Self.expected(bytes, maximum: maximum)
            #expect(got == want, "round \(round), maximum \(maximum), bytes \(bytes)")
            if got != want { return }
        }
    }

    @Test("2,000 random inputs closed at a random point, their waiting bytes dropped: no trap, lines bounded")
    func randomCloses() throws {
        var random = Random(state: 0xD1B5_4A32_D192_ED03)
        for _ in 0..<2_000 {
            let maximum = 1 + random.next(16)
            let bytes = Self.input(&random, maximum: maximum)
            _ = try Self.decoded(bytes, maximum: maximum, random: &random, dropFrom: random.next(bytes.count + 1))
        }
    }

    @Test("a close after part of a line was searched: the new, empty buffer ends the input with no line")
    func closeAfterPartOfALine() throws {
        var decoder = LineFrameDecoder(maximumLength: 4096)
        var buffer = ByteBuffer(string: "hello\nwhat if i rel")
        let first = try decoder.decode(buffer: &buffer)
        guard case .line(let line) = first else {
            Issue.record("no first line")
            return
        }
        #expect(String(buffer: line) == "hello")
        let waiting = try decoder.decode(buffer: &buffer)
        #expect(waiting == nil, "the rest waits for its break")
        var dropped = ByteBuffer()
        let last = try decoder.decodeLast(buffer: &dropped, seenEOF: true)
        #expect(last == nil)
    }
}
