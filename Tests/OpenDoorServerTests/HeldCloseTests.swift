import Foundation
import NIOCore
import NIOEmbedded
import OpenDoorKit
import OpenDoorTestSupport
import Testing

@testable import OpenDoorServer

/// QA24 S1-1: a client that sent long lines without reading its replies, then closed, took the whole server down
/// (`Range requires lowerBound <= upperBound` in the line decoder at the close). The decoder had searched part of a
/// line for its break and remembered how far; the framing handler, closing a held connection, drops the bytes it
/// held back and hands the decoder a new, empty buffer, which that figure pointed past.
@Suite("A held connection's close (QA24 S1-1)")
struct HeldCloseTests {
    /// The lines a framing handler passes on, as text (`<too long>` for a too-long one).
    final class Recorder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = LineFrame
        var lines: [String] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch Self.unwrapInboundIn(data) {
            case .line(let line): lines.append(String(buffer: line))
            case .tooLong: lines.append("<too long>")
            }
        }
    }

    @Test("a connection held with part of a line read, then closed, is closed alone, with no trap")
    func heldWithPartOfALine() throws {
        for closing in ["inactive", "input closed"] {
            let recorder = Recorder()
            let channel = EmbeddedChannel()
            try channel.pipeline.syncOperations.addHandler(LineFramingHandler(maximumLength: 4096))
            try channel.pipeline.syncOperations.addHandler(recorder)
            try channel.writeInbound(ByteBuffer(string: "hello\nwhat if i rel"))
            #expect(recorder.lines == ["hello"])
            // Held from outside a read (a reply that can't be written), with part of a line searched.
            channel.pipeline.syncOperations.triggerUserOutboundEvent(LineFramingHandler.Flow.hold, promise: nil)
            try channel.writeInbound(ByteBuffer(string: "apsed\n" + String(repeating: "x", count: 3000)))
            if closing == "inactive" {
                _ = try? channel.finish()
            } else {
                channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
                _ = try? channel.finish()
            }
            // What the hold kept back is dropped at the close (LineFramingHandler's notes), and nothing traps.
            #expect(recorder.lines == ["hello"], "\(closing)")
        }
    }
}
