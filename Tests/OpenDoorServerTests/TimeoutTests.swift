import NIOCore
import NIOEmbedded
import Testing

@testable import OpenDoorServer

/// The idle and line timeouts on NIO's embedded channel, whose clock moves only when the test moves it:
/// what the server does at each instant, without waiting for anything.
@Suite("Timeouts")
struct TimeoutTests {
    /// A channel with the timeout handler, its stop switch, and the loop whose clock the test moves.
    private struct Connection {
        let channel: EmbeddedChannel
        let loop: EmbeddedEventLoop
        let stop = ConnectionStop()

        init(idle: Int64 = 10, line: Int64 = 30) throws {
            loop = EmbeddedEventLoop()
            channel = EmbeddedChannel(loop: loop)
            let timeouts = LineListener.Timeouts(
                idle: .seconds(idle), line: .seconds(line), closeGracePeriod: .seconds(5))
            try channel.pipeline.syncOperations.addHandler(IdleTimeoutHandler(stop: stop, timeouts: timeouts))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        func receive(_ text: String) throws {
            try channel.writeInbound(ByteBuffer(string: text))
            _ = try channel.readInbound(as: ByteBuffer.self)
        }

        /// Answers a message, as the session does: marked answered, then written.
        func reply() throws {
            stop.answered(at: loop.now)
            try refuse()
        }

        /// Writes a refusal (or a `hello`'s reply): a write that answers no message.
        func refuse() throws {
            try channel.writeOutbound(ByteBuffer(string: "answer\n"))
            _ = try channel.readOutbound(as: ByteBuffer.self)
        }

        func wait(_ seconds: Double) {
            loop.advanceTime(by: .milliseconds(Int64(seconds * 1000)))
        }
    }

    @Test("A visitor who sends nothing is closed at the idle timeout, not before")
    func silent() throws {
        let connection = try Connection(idle: 10)
        connection.wait(9.9)
        #expect(connection.stop.reason == nil)
        connection.wait(0.2)
        #expect(connection.stop.reason == .idle)
    }

    @Test("Lines and replies keep a connection open far past the idle timeout")
    func activity() throws {
        let connection = try Connection(idle: 10)
        for _ in 0..<20 {
            connection.wait(8)
            try connection.receive("what if i relapsed\n")
            try connection.reply()
        }
        #expect(connection.stop.reason == nil, "160 s of chatting with a 10 s idle timeout")
        connection.wait(10.1)
        #expect(connection.stop.reason == .idle)
    }

    @Test("Slowloris: bytes of a line that never ends don't count as activity")
    func trickle() throws {
        let connection = try Connection(idle: 10, line: 600)
        try connection.receive("hi\n")
        try connection.reply()
        for _ in 0..<9 {
            connection.wait(1)
            try connection.receive("a")
        }
        #expect(connection.stop.reason == nil)
        connection.wait(1.1)
        #expect(connection.stop.reason == .idle, "idle 10 s after the last reply, one byte a second or not")
    }

    @Test("A line must arrive whole within the line timeout, however long the idle timeout")
    func slowLine() throws {
        let connection = try Connection(idle: 600, line: 30)
        try connection.receive("hello\n")
        try connection.reply()
        // Whole lines now and then (each answered), and between them a line that takes too long.
        try connection.receive("i want")
        connection.wait(20)
        try connection.receive(" to come back\nand")
        try connection.reply()
        #expect(connection.stop.reason == nil, "the first line took 20 s: within 30 s")
        connection.wait(29)
        try connection.receive(" one more")
        #expect(connection.stop.reason == nil)
        connection.wait(1.1)
        #expect(connection.stop.reason == .lineTimeout, "the second line started 30 s ago and has no line break yet")
    }

    @Test("A visitor whose line is still unanswered is not idle; a blank line owes no answer")
    func waitingForReply() throws {
        let unanswered = try Connection(idle: 10)
        try unanswered.receive("what if i relapsed\n")
        unanswered.wait(35)
        #expect(unanswered.stop.reason == nil, "the server is slow, not the visitor")
        try unanswered.reply()
        unanswered.wait(10.1)
        #expect(unanswered.stop.reason == .idle)

        let blank = try Connection(idle: 10)
        blank.wait(5)
        try blank.receive(" \r\n")
        blank.wait(10.1)
        #expect(blank.stop.reason == .idle, "a blank line is skipped without an answer, so it can't hold the line open")
    }

    @Test("Only answered messages are activity: blank lines, refusals and dropped lines are not")
    func onlyMessagesCount() throws {
        let connection = try Connection(idle: 10)
        for _ in 0..<4 {
            connection.wait(2)
            try connection.receive("\n")
            try connection.receive("x\n")
            try connection.refuse()
        }
        #expect(connection.stop.reason == nil)
        connection.wait(2.1)
        #expect(connection.stop.reason == .idle, "idle 10 s after opening, whatever was refused meanwhile")

        // A line refused without a reply (a flood past the rate limit) owes the visitor nothing.
        let dropped = try Connection(idle: 10)
        try dropped.receive("what if i relapsed\n")
        dropped.stop.dropped(at: dropped.loop.now)
        dropped.wait(10.1)
        #expect(dropped.stop.reason == .idle)
    }
}
