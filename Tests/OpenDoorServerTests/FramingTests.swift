import NIOCore
import Testing

@testable import OpenDoorServer

@Suite("Framing and cleaning")
struct FramingTests {
    /// Feeds chunks to the decoder as the async sequence would, then the end of input.
    private func frames(_ chunks: [String], maximum: Int = 10) throws -> [String] {
        var decoder = LineFrameDecoder(maximumLength: maximum)
        var buffer = ByteBuffer()
        var out: [String] = []
        func record(_ frame: LineFrame) {
            switch frame {
            case .line(let line): out.append(String(buffer: line))
            case .tooLong: out.append("<too long>")
            }
        }
        for chunk in chunks {
            buffer.writeString(chunk)
            while let frame = try decoder.decode(buffer: &buffer) { record(frame) }
        }
        while let frame = try decoder.decodeLast(buffer: &buffer, seenEOF: true) { record(frame) }
        return out
    }

    @Test("Lines split at \\n, \\r\\n and \\r, even across chunks; no empty line after the last break")
    func lines() throws {
        #expect(try frames(["a\nb\r", "\nc\rd"]) == ["a", "b", "c", "d"])
        #expect(try frames(["hi\n"]) == ["hi"])
        #expect(try frames(["\n\nx\n"]) == ["", "", "x"])
    }

    @Test("A long line is reported once whether it comes whole or in pieces, and what follows is kept")
    func longLines() throws {
        #expect(try frames(["0123456789AB\nok\n"]) == ["<too long>", "ok"])
        #expect(try frames(["0123456", "789ABCDEF", "GHIJKL", "MN\r", "\nok\n"]) == ["<too long>", "ok"])
        #expect(try frames(["0123456789\n"]) == ["0123456789"])
        #expect(try frames(["0123456789ABCDEF"]) == ["<too long>"])
    }

    @Test(
        "Control characters are removed, escape sequences whole; backspace erases",
        arguments: [
            ("plain text", "plain text"),
            ("tab\there", "tab here"),
            ("bell\u{07}!", "bell!"),
            ("up\u{1B}[Aarrow", "uparrow"),
            ("ss3\u{1B}OBkey", "ss3key"),
            ("typo\u{7F}\u{7F}e", "tye"),
            ("c1\u{86}\u{9B}x", "c1x"),
            // NEL is a line break: a space, so that "to<NEL>kill" stays two words (QA19 O4).
            ("to\u{85}kill", "to kill"),
            ("émoji 👋 stays", "émoji 👋 stays"),
        ])
    func cleaning(input: String, expected: String) {
        #expect(VisitorText.clean(input) == expected)
    }

    @Test("The rate limiter allows a burst, then the steady rate")
    func rateLimiter() {
        let start = ContinuousClock.now
        var limiter = MessageRateLimiter(burst: 3, perMinute: 60, now: start)
        var allowed: [Bool] = []
        for _ in 0..<4 { allowed.append(limiter.allow(now: start)) }
        allowed.append(limiter.allow(now: start + .seconds(1)))
        allowed.append(limiter.allow(now: start + .seconds(1)))
        allowed.append(limiter.allow(now: start + .seconds(10)))
        #expect(allowed == [true, true, true, false, true, false, true])
    }
}
