import Foundation
import OpenDoorKit

/// Counts a PostgreSQL store has taken but not yet written: replies by intent and fallback topic, crisis
/// replies and check-ins by category and level.
///
/// Counting never waits on the network: a reply or a crisis count is a dictionary update under a lock, and the
/// store writes what gathered in one statement now and then. What could not be written is put back, so it
/// goes with the next write.
final class PendingCounts: Sendable {
    private struct CrisisKey: Hashable {
        var day: String
        var category: CrisisCategory
        var level: SafetyLevel
    }

    /// Replies, with the day worked out once a day rather than once a reply.
    let replies: ReplyTally
    /// Crisis replies and check-ins, a bounded number of rows (``CrisisTally``).
    let crises = CrisisTally()

    /// No counts yet; `now` is the clock reply days are read from.
    init(now: @escaping @Sendable () -> Date) {
        replies = ReplyTally(now: now)
    }

    /// Takes every count gathered so far, leaving none.
    func drain() -> Counts {
        Counts(replies: replies.drain(), crises: crises.drain())
    }

    /// Puts back counts that could not be written.
    func restore(_ counts: Counts) {
        replies.restore(counts.replies)
        crises.restore(counts.crises)
    }

    /// Reply and crisis counts written together.
    struct Counts: Sendable {
        var replies: [ReplyCount] = []
        var crises: [CrisisCount] = []

        var isEmpty: Bool { replies.isEmpty && crises.isEmpty }

        /// How many replies and crisis replies they count, for logs.
        var summary: String {
            "\(replies.reduce(0) { $0 + $1.count }) replies, \(crises.reduce(0) { $0 + $1.count }) crisis replies"
        }

        /// The same counts with one entry per day and key (one statement may not add to a row twice), in one order
        /// (day, then intent and topic, or category and level).
        ///
        /// The order matters when servers add to the same rows at once: each write locks its rows one after the
        /// other, and two writes that take the same two rows in opposite orders deadlock. PostgreSQL breaks that
        /// only after `deadlock_timeout` (1 s), failing one write to be tried again. In a dictionary's order (a new
        /// one for every write), the two-server count test deadlocked in one run of three.
        var merged: Counts {
            var replyTotals: [[String]: Int] = [:]
            for count in replies { replyTotals[[count.day, count.intent, count.topic], default: 0] += count.count }
            var crisisTotals: [CrisisKey: Int] = [:]
            for count in crises {
                crisisTotals[CrisisKey(day: count.day, category: count.category, level: count.level), default: 0] +=
                    count.count
            }
            return Counts(
                replies: replyTotals.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map {
                    ReplyCount(day: $0.key[0], intent: $0.key[1], topic: $0.key[2], count: $0.value)
                },
                crises: crisisTotals.sorted {
                    [$0.key.day, $0.key.category.rawValue, $0.key.level.rawValue]
                        .lexicographicallyPrecedes([$1.key.day, $1.key.category.rawValue, $1.key.level.rawValue])
                }.map {
                    CrisisCount(day: $0.key.day, category: $0.key.category, level: $0.key.level, count: $0.value)
                })
        }
    }
}
