import Glibc
import NIOCore
import NIOPosix
import Testing

@testable import OpenDoorServer

/// At the open file limit, accepting pauses instead of failing the same accept in a loop (QA25 S2-1: 89,246 failed
/// accepts in 10 s). Driven through a real listening channel's pipeline (an `EmbeddedChannel` has no `autoRead` to
/// turn off): a real EMFILE would need this whole test process's file limit lowered.
@Suite("Accept pause")
struct AcceptPauseHandlerTests {
    /// Counts the errors that reach the handlers after the pause handler (the log, in the server).
    final class ErrorCounter: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = any Channel
        private(set) var count = 0
        func errorCaught(context: ChannelHandlerContext, error: any Error) { count += 1 }
    }

    private static func listener(
        pause: TimeAmount, group: MultiThreadedEventLoopGroup, counter: ErrorCounter
    ) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(AcceptPauseHandler(pause: pause))
                    try channel.pipeline.syncOperations.addHandler(counter)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    private static func fire(_ code: Int32, on channel: any Channel) {
        channel.pipeline.fireErrorCaught(IOError(errnoCode: code, reason: "accept"))
    }

    @Test("EMFILE turns accepting off for the pause, then on again; more failures don't stretch it; others change nothing")
    func pausesAndResumes() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counter = ErrorCounter()
        // A pause far longer than any test run: accepting is off after EMFILE and stays off.
        let held = try await Self.listener(pause: .hours(1), group: group, counter: counter)
        #expect(try await held.getOption(ChannelOptions.autoRead).get() == true)
        Self.fire(EMFILE, on: held)
        for _ in 0..<100 { Self.fire(ENFILE, on: held) }
        #expect(try await held.getOption(ChannelOptions.autoRead).get() == false)
        // Errors pass on to the handlers after it (the log), every one of them.
        #expect(try await held.eventLoop.submit { counter.count }.get() == 101)

        // Another error of accept (a connection reset before it was taken) changes nothing.
        let other = try await Self.listener(pause: .hours(1), group: group, counter: ErrorCounter())
        Self.fire(ECONNABORTED, on: other)
        #expect(try await other.getOption(ChannelOptions.autoRead).get() == true)

        // A short pause ends by itself: accepting comes back on (waited for, bounded at 30 s).
        let short = try await Self.listener(pause: .milliseconds(20), group: group, counter: ErrorCounter())
        Self.fire(EMFILE, on: short)
        var back = try await short.getOption(ChannelOptions.autoRead).get()
        var tries = 0
        while !back, tries < 3_000 {
            try await Task.sleep(for: .milliseconds(10))
            back = try await short.getOption(ChannelOptions.autoRead).get()
            tries += 1
        }
        #expect(back, "accepting was turned on again after the pause")

        for channel in [held, other, short] { try await channel.close() }
        try await group.shutdownGracefully()
    }
}
