import Dispatch
import Synchronization

extension Array where Element: Sendable {
    /// The elements transformed, in order, the work split between the cores in a few chunks.
    func concurrentMap<Result: Sendable>(_ transform: @Sendable (Element) -> Result) -> [Result] {
        let chunks = Swift.min(4, count)
        guard chunks > 1 else { return map(transform) }
        let parts = Mutex<[Int: [Result]]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let part = self[(count * chunk / chunks)..<(count * (chunk + 1) / chunks)].map(transform)
            parts.withLock { $0[chunk] = part }
        }
        let done = parts.withLock { $0 }
        return (0..<chunks).flatMap { done[$0] ?? [] }
    }
}
