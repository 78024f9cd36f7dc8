@testable import OpenDoorLoad
import Testing

/// The load benchmark prints the store's own save time (inside `save`) beside what the visitor waited (issue 12).
@Suite("Load benchmark: the store's own save time")
struct SaveTimingsLineTests {
    @Test("the store total's p50 and p99 are read from the chat server's save timings; none without the line")
    func storeTotal() {
        let timings = """
            task: 1400, p50 0.501 ms, p99 4.800 ms, max 9.000 ms
            commit: 1400, p50 10.300 ms, p99 1534.000 ms, max 2000.000 ms
            store total: 1400, p50 20.125 ms, p99 2100.500 ms, max 2500.000 ms
            server total: 1400, p50 22.000 ms, p99 2300.000 ms, max 2600.000 ms
            """
        let inside = LoadBenchmark.storeTotal(timings)
        #expect(inside?.p50 == "20.125" && inside?.p99 == "2100.500")
        #expect(LoadBenchmark.storeTotal("task: 1, p50 0.1 ms, p99 0.2 ms, max 0.3 ms") == nil)
    }
}
