import Dispatch
import Synchronization

/// Runs two independent pieces of work at once, on two cores when there are, and returns both results.
func concurrently<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, and second: @Sendable () -> B) -> (A, B) {
    let firstResult = Mutex<A?>(nil)
    let secondResult = Mutex<B?>(nil)
    DispatchQueue.concurrentPerform(iterations: 2) { part in
        if part == 0 {
            let value = first()
            firstResult.withLock { $0 = value }
        } else {
            let value = second()
            secondResult.withLock { $0 = value }
        }
    }
    guard let a = firstResult.withLock({ $0 }), let b = secondResult.withLock({ $0 }) else {
        fatalError("unreachable: concurrentPerform runs every iteration")
    }
    return (a, b)
}
