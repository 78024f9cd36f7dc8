import NIOCore

/// Runs a task's jobs on a NIO event loop, so that a connection's task runs on its channel's own thread.
///
/// Without a preference, each line makes two thread hops: the event loop hands the bytes to the task on
/// Swift's cooperative pool, and the task's write goes back to the event loop. With the connection's task
/// preferring its channel's event loop, reading, answering and writing happen on one thread and neither hop
/// wakes anyone; under load that is a large share of a line's cost. Code that awaits something else (the
/// callback store, the server actor) still runs where that code's isolation says.
final class EventLoopTaskExecutor: TaskExecutor {
    /// The event loop the jobs run on.
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
