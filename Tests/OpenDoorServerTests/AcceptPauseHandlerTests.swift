import Glibc
import NIOCore
import NIOEmbedded
import Testing

@testable import OpenDoorServer

/// At the open file limit, accepting pauses instead of failing the same accept in a loop (QA25 S2-1: 89,246 failed
/// accepts in 10 s). Driven through an embedded server channel's pipeline, on its virtual clock: a real EMFILE would
/// need this whole test process's file limit lowered.
@Suite("Accept pause")
struct AcceptPauseHandlerTests {
    @Test("EMFILE turns reading (accepting) off for the pause, then on again; other errors change nothing")
    func pausesAndResumes() throws {
        let channel = EmbeddedChannel()
        let loop = channel.embeddedEventLoop
        try channel.pipeline.syncOperations.addHandler(AcceptPauseHandler(pause: .milliseconds(100)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        let autoRead = { try channel.getOption(ChannelOptions.autoRead).wait() }
        try channel.setOption(ChannelOptions.autoRead, value: true).wait()

        channel.pipeline.fireErrorCaught(IOError(errnoCode: EMFILE, reason: "accept"))
        #expect(try autoRead() == false)
        // More failures during the pause (connections accepted already, say) don't stretch or repeat it.
        for _ in 0..<100 { channel.pipeline.fireErrorCaught(IOError(errnoCode: ENFILE, reason: "accept")) }
        loop.advanceTime(by: .milliseconds(99))
        #expect(try autoRead() == false)
        loop.advanceTime(by: .milliseconds(1))
        #expect(try autoRead() == true)

        channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNABORTED, reason: "accept"))
        #expect(try autoRead() == true)
        // Errors pass on to the handlers after it (the log).
        #expect(throws: IOError.self) { try channel.throwIfErrorCaught() }
        _ = try channel.finish(acceptAlreadyClosed: true)
    }
}
