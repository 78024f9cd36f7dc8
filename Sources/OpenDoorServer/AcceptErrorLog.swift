import Logging
import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// On a listening socket, after ``AcceptPauseHandler``: logs connections that can't be accepted (the open file
/// limit reached, EMFILE/ENFILE, or the kernel out of buffers) as summaries, and says when accepting works again.
///
/// While it lasts, new visitors wait in the kernel's queue (accepting pauses, then tries again); before, nothing
/// was logged about it at all (QA19 O7), and an accept that failed was tried again at once, in a loop. A failure is
/// logged at once, then at most one line per interval with the count since the last; the first connection accepted
/// after failures says how many tries failed in that run (also at most once per interval).
final class AcceptErrorLog: ChannelInboundHandler {
    typealias InboundIn = any Channel

    private let logger: Logger
    private let interval: Duration
    /// Failed accepts in this run, and since the last warning.
    private var failures = 0
    private var unlogged = 0
    private var lastLogged: ContinuousClock.Instant?
    private var lastRecovered: ContinuousClock.Instant?

    init(logger: Logger, interval: Duration = .seconds(10)) {
        self.logger = logger
        self.interval = interval
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if failures > 0 {
            // At most one such line per interval too: at the limit, runs of failures come and go every second.
            let now = ContinuousClock.now
            if lastRecovered.map({ now - $0 >= interval }) ?? true {
                lastRecovered = now
                logger.notice("Connections are accepted again", metadata: ["failed_accepts": "\(failures)"])
            }
            failures = 0
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let code = (error as? IOError)?.errnoCode, AcceptPauseHandler.isShortage(code) else {
            return context.fireErrorCaught(error)
        }
        failures += 1
        unlogged += 1
        let now = ContinuousClock.now
        if let lastLogged, now - lastLogged < interval { return }
        lastLogged = now
        let cause = code == EMFILE || code == ENFILE ? "the open file limit is reached" : "the system is out of memory"
        logger.warning(
            "New connections can't be accepted: \(cause); they wait until a connection closes",
            metadata: [
                "count": "\(unlogged)", "failed_accepts": "\(failures)", "errno": "\(code)",
                "fix": "raise LimitNOFILE (systemd) or ulimit -n, or lower --max-connections",
            ])
        unlogged = 0
    }
}
