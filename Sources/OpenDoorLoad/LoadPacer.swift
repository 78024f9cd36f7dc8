import NIOCore

/// The clock of a paced load run on one event loop: every connection's next send, in one heap, behind one
/// timer.
///
/// A thousand connections sending twenty messages a second each would otherwise keep twenty thousand
/// scheduled tasks a second in the event loop's queue, each allocated and sorted in; on a machine whose
/// cores the client shares with the server it measures, that was a tenth of the client's time. Here a
/// send is a heap entry, and the event loop is woken once for all connections due at the same instant.
/// Each message is still sent when it is due, never before: the timer fires at the earliest deadline and
/// sends every message whose deadline has passed.
final class LoadPacer {
    /// A connection's next send.
    private struct Entry {
        var due: UInt64
        var connection: LoadConnectionHandler
    }

    private let eventLoop: any EventLoop
    private var heap: [Entry] = []
    private var timer: Scheduled<Void>?
    private var timerDeadline = UInt64.max

    /// Creates the pacer of `eventLoop`; use it only on that loop.
    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Calls `connection.sendPaced(due:)` once `due` (uptime nanoseconds) has come.
    func schedule(_ connection: LoadConnectionHandler, at due: UInt64) {
        eventLoop.preconditionInEventLoop()
        push(Entry(due: due, connection: connection))
        if due < timerDeadline { arm(at: due) }
    }

    /// Forgets every pending send.
    func cancelAll() {
        timer?.cancel()
        timer = nil
        timerDeadline = .max
        heap.removeAll()
    }

    private func arm(at deadline: UInt64) {
        timer?.cancel()
        timerDeadline = deadline
        timer = eventLoop.assumeIsolated().scheduleTask(deadline: .uptimeNanoseconds(deadline)) {
            self.fire()
        }
    }

    private func fire() {
        timer = nil
        timerDeadline = .max
        let now = NIODeadline.now().uptimeNanoseconds
        while let first = heap.first, first.due <= now {
            popFirst()
            // This may schedule the connection's next send, into the heap.
            first.connection.sendPaced(due: first.due)
        }
        if let first = heap.first { arm(at: first.due) }
    }

    // MARK: - Binary heap, earliest first

    private func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].due < heap[parent].due else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func popFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var smallest = left
            if left + 1 < heap.count && heap[left + 1].due < heap[left].due { smallest = left + 1 }
            guard heap[smallest].due < heap[parent].due else { break }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
