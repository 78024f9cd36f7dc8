import Dispatch
import Foundation

extension ChatServer {
    /// Reloads the knowledge on every SIGHUP until the task is cancelled.
    ///
    /// Dispatch's signal source rather than a handler: the reload runs as ordinary async code, and SIGHUP
    /// is ignored (not fatal) while the server runs. The default action is restored afterwards.
    nonisolated func reloadOnHangup() async {
        let (hangups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield() }
        source.resume()
        defer {
            source.cancel()
            continuation.finish()
            signal(SIGHUP, SIG_DFL)
        }
        for await _ in hangups {
            try? await reloadKnowledge()
        }
    }
}
