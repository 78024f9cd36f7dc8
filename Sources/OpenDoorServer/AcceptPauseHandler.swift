import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// On a listening socket: when accepting fails for want of a file descriptor (EMFILE, ENFILE) or of memory, stops
/// accepting for ``pause`` (the channel's `autoRead` off), then accepts again (QA25 S2-1).
///
/// NIO's `AcceptBackoffHandler` can't do this on its own: it delays the next `read` the pipeline asks for, but after
/// a failed accept the server channel's read is still pending, so none is asked for, the socket stays registered as
/// readable, and the selector wakes the loop at once to fail the same accept again (89,246 failures in 10 s, a core
/// spent while visitors wait). Turning `autoRead` off unregisters the socket from the selector until it is turned on;
/// the waiting visitors stay in the kernel's queue meanwhile. At most one failure per pause reaches the log
/// (``AcceptErrorLog``, after this handler).
final class AcceptPauseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel

    /// How long accepting stops after a failure.
    let pause: TimeAmount
    private var resume: Scheduled<Void>?

    init(pause: TimeAmount = .milliseconds(100)) {
        self.pause = pause
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let code = (error as? IOError)?.errnoCode, Self.isShortage(code), resume == nil {
            try? context.channel.syncOptions?.setOption(.autoRead, value: false)
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            resume = context.eventLoop.scheduleTask(in: pause) {
                let (handler, context) = bound.value
                handler.resume = nil
                guard context.channel.isActive else { return }
                try? context.channel.syncOptions?.setOption(.autoRead, value: true)
            }
        }
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        resume?.cancel()
        resume = nil
    }

    /// Errors of accept that pass once descriptors or memory are freed.
    static func isShortage(_ code: Int32) -> Bool {
        [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(code)
    }
}

@available(*, unavailable)
extension AcceptPauseHandler: Sendable {}
