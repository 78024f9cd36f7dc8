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

/// Lets go of `value` on another thread: freeing a file's whole YAML tree (hundreds of thousands of small objects for
/// safety.yaml, an eighth of loading the rules) then runs on the other core beside the one-core work that follows,
/// instead of before it. Only for values nothing else holds or will touch.
func releaseOnAnotherThread<Value>(_ value: consuming Value) {
    let box = ReleasedValue(value: value)
    DispatchQueue.global(qos: .utility).async { withExtendedLifetime(box) {} }
}

/// A value handed to another thread only to be freed there.
private final class ReleasedValue<Value>: @unchecked Sendable {
    // @unchecked: the value is never read again, only released, by the one thread that holds the box last.
    let value: Value

    init(value: consuming Value) {
        self.value = value
    }
}
