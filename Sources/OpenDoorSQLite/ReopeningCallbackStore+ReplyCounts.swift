import Foundation
import OpenDoorKit

extension ReopeningCallbackStore: ReplyCounting, ReplyCountStore {
    /// How often counted replies are written: at most one write a minute, however busy the server, and a
    /// last one on close. A count lost in a crash is at most a minute of counts, never a reply.
    static let replyCountInterval: TimeInterval = 60

    /// Counts the reply in memory; once a minute, a write of every count gathered starts in the background.
    public nonisolated func countReply(intent: IntentID, topic: IntentID?) {
        replyTally.note(intent: intent, topic: topic)
        if replyTally.isDue(every: Self.replyCountInterval) {
            let counts = replyTally.drain()
            Task { await self.write(counts) }
        }
    }

    public func addReplyCounts(_ counts: [ReplyCount]) async throws {
        try await current().addReplyCounts(counts)
    }

    public func replyCounts(since day: String) async throws -> [ReplyCount] {
        try await current().replyCounts(since: day)
    }

    /// Writes every count gathered so far (on close).
    func writeReplyCounts() async {
        await write(replyTally.drain())
    }

    /// Writes `counts`; while the store can't be written they wait in memory for the next write.
    private func write(_ counts: [ReplyCount]) async {
        guard !counts.isEmpty else { return }
        do {
            try await current().addReplyCounts(counts)
        } catch {
            replyTally.restore(counts)
        }
    }
}
