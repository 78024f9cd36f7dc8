import OpenDoorKit

/// Crisis replies and check-ins are counted in memory (``CrisisTally``) and written in the background: the reply
/// never waits for a disk sync. A write of everything counted meanwhile, in one transaction, starts
/// ``Configuration/crisisCountInterval`` after the first count; a write that fails puts the counts back and is
/// tried again after the same pause, for as long as the store can't be written (the tally is bounded; what it
/// drops is logged as a number). ``close()`` writes what is left, and logs how many counts are lost if it can't.
extension ReopeningCallbackStore: CrisisCountStore, CrisisCounting {
    /// Counts in memory and returns at once; see the extension's summary for when it is written.
    public nonisolated func countCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) {
        crisisTally.note(category, level: level, day: day)
        scheduleCrisisWrite()
    }

    /// Written in the store it holds before it returns (with every count taken in memory so far).
    public func recordCrisis(_ category: CrisisCategory, level: SafetyLevel, day: String) async throws {
        await flushCounts()
        try await current().recordCrisis(category, level: level, day: day)
    }

    /// Every count on or after `day`, this store's own counts taken in memory written first.
    public func crisisCounts(since day: String) async throws -> [CrisisCount] {
        await flushCounts()
        return try await current().crisisCounts(since: day)
    }

    /// Writes every crisis count taken so far, after any write already under way, and the reply counts
    /// gathered; true when no crisis count is left unwritten.
    @discardableResult
    public func flushCounts() async -> Bool {
        let previous = crisisWrite
        let write = Task {
            _ = await previous?.value
            return await self.writeCrisisCounts()
        }
        crisisWrite = write
        let written = await write.value
        await writeReplyCounts()
        return written
    }

    /// Writes what is left before the store closes; logs how many crisis counts are lost when it can't.
    func writeCountsBeforeClosing() async {
        await flushCounts()
        let lost = crisisTally.drain().reduce(0) { $0 + $1.count }
        crisisTally.logDropped(logger)
        guard lost > 0 else { return }
        logger.error(
            "Closed with crisis counts that could not be written; they are lost (never a reply or a request)",
            metadata: ["crisis_counts": "\(lost)"])
    }

    /// Makes sure a write of the counts taken is coming, within ``Configuration/crisisCountInterval``.
    private nonisolated func scheduleCrisisWrite() {
        guard !crisisWriteScheduled.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let pause = configuration.crisisCountInterval
        Task {
            try? await Task.sleep(for: pause)
            await self.scheduledCrisisWrite()
        }
    }

    private func scheduledCrisisWrite() async {
        crisisWriteScheduled.store(false, ordering: .releasing)
        guard !isClosed else { return }
        // Not written: try again after the next pause, even if nothing more is counted meanwhile.
        if !(await flushCounts()) && !isClosed { scheduleCrisisWrite() }
    }

    /// Writes what is counted; on failure puts it back and says so once, until a write succeeds again.
    private func writeCrisisCounts() async -> Bool {
        let counts = crisisTally.drain()
        crisisTally.logDropped(logger)
        guard !counts.isEmpty else { return true }
        do {
            try await current().addCrisisCounts(counts)
            if crisisCountsWaiting {
                crisisCountsWaiting = false
                logger.notice("Wrote the crisis counts kept while the callback store could not be written")
            }
            return true
        } catch {
            crisisTally.restore(counts)
            if !crisisCountsWaiting {
                crisisCountsWaiting = true
                logger.warning(
                    "Crisis counts can't be written for now; they are kept in memory until they can",
                    metadata: ["crisis_counts": "\(counts.reduce(0) { $0 + $1.count })"])
            }
            return false
        }
    }
}
