import NIOCore
import NIOEmbedded
import Testing

@testable import OpenDoorLoad

/// How one load connection counts answers, fed bytes in awkward pieces.
@Suite("Load connection handler")
struct LoadConnectionHandlerTests {
    /// A saturated connection of `count` messages on an embedded channel, greeted and started.
    private func started(
        count: Int, framing: LoadFraming, greeting: String
    ) throws -> (EmbeddedChannel, EventLoopFuture<LoadConnectionHandler.Outcome>) {
        let channel = EmbeddedChannel()
        let loop = channel.embeddedEventLoop
        let greeted = loop.makePromise(of: Void.self)
        let begin = loop.makePromise(of: NIODeadline.self)
        let finished = loop.makePromise(of: LoadConnectionHandler.Outcome.self)
        let plan = LoadPlan(
            messages: [ByteBuffer(string: "q\n")], firstMessage: 0, count: count, shape: .saturated,
            phaseNanoseconds: 0)
        try channel.pipeline.syncOperations.addHandler(
            LoadConnectionHandler(
                plan: plan, framing: framing, greeted: greeted, begin: begin.futureResult, finished: finished,
                pacer: nil))
        try channel.writeInbound(ByteBuffer(string: greeting))
        try greeted.futureResult.wait()
        begin.succeed(.uptimeNanoseconds(0))
        loop.run()
        return (channel, finished.futureResult)
    }

    @Test("text answers end at a blank line, however the bytes are split")
    func blankLines() throws {
        let (channel, finished) = try started(count: 3, framing: .blankLine, greeting: "Hi.\n  1. One\n\n")
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "q\n"))
        for piece in ["First line\nsecond", " line\n", "\n", "Two\n\nThr", "ee\n", "\n"] {
            try channel.writeInbound(ByteBuffer(string: piece))
        }
        let outcome = try finished.wait()
        #expect(outcome.answers == 3)
        #expect(outcome.sent == 3)
        #expect(outcome.latencies.count == 3)
        #expect(outcome.errors == 0)
        #expect(outcome.complete)
        _ = try? channel.finish()
    }

    @Test("JSON answers end at each line break; error objects are counted")
    func lines() throws {
        let (channel, finished) = try started(count: 4, framing: .lines, greeting: #"{"confidence":1}"# + "\n")
        for piece in [
            #"{"confidence":0.5,"text":"a\nb"}"# + "\n", #"{"co"#, #"de":"rate_limited"}"# + "\n{", #""code":"x"}"#,
            "\n", #"{"confidence":1}"# + "\n",
        ] {
            try channel.writeInbound(ByteBuffer(string: piece))
        }
        let outcome = try finished.wait()
        #expect(outcome.answers == 4)
        #expect(outcome.errors == 2)
        #expect(outcome.complete)
        _ = try? channel.finish()
    }
}
