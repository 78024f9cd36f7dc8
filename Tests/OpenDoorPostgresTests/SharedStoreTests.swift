import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two `opendoor serve` processes (the built binary) sharing one PostgreSQL database, with visitors over
/// real sockets: nothing lost, nothing duplicated, references unique, even when one server is killed.
@Suite("Two servers sharing PostgreSQL", .serialized)
struct SharedStoreTests {
    static let visitors = 200

    @Test(
        "200 visitors spread over two servers complete callback requests at once: 200 records, unique references",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func twoHundredVisitors() async throws {
        try await withTestDatabase { url in
            let servers = try await Self.startTwo(url)
            let outcomes = await Self.run(Self.visitors, on: servers.map(\.port))
            for server in servers { #expect(try await server.stop() == 0) }

            let confirmed = outcomes.compactMap(\.reference)
            #expect(confirmed.count == Self.visitors, "\(outcomes.compactMap(\.failure).prefix(3))")
            #expect(Set(confirmed).count == confirmed.count, "a reference given twice")
            let stored = try await Self.stored(url)
            #expect(stored.count == Self.visitors)
            #expect(Set(stored.map(\.reference)) == Set(confirmed))
            #expect(Set(stored.map(\.phone.e164)).count == stored.count, "a request saved twice")
        }
    }

    @Test(
        "kill -9 one of two servers mid-run: every request confirmed before is stored once, the other server goes on",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func killOneServer() async throws {
        try await withTestDatabase { url in
            let servers = try await Self.startTwo(url)
            let victim = servers[0]
            // The kill comes from the visitor whose confirmation is the 40th: mid-run, on an event.
            let killAt = 40
            let confirmedBeforeKill = References()
            let outcomes = await Self.run(Self.visitors, on: servers.map(\.port)) { reference in
                let kill = confirmedBeforeKill.set.withLock { confirmed -> Bool in
                    confirmed.insert(reference)
                    return confirmed.count == killAt
                }
                if kill { Glibc.kill(victim.process.processIdentifier, SIGKILL) }
            }
            try await victim.stop(SIGKILL)
            #expect(victim.process.terminationReason == .uncaughtSignal)
            #expect(try await servers[1].stop() == 0)

            let before = confirmedBeforeKill.set.withLock { $0 }
            #expect(before.count >= killAt)
            let stored = try await Self.stored(url)
            let storedReferences = Set(stored.map(\.reference))
            let lost = before.subtracting(storedReferences)
            #expect(lost.isEmpty, "confirmed but lost: \(lost)")
            // Every visitor of the surviving server was served to the end.
            let survivors = outcomes.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            #expect(survivors.allSatisfy { $0.reference != nil }, "\(survivors.compactMap(\.failure).prefix(3))")
            // Some of the killed server's visitors lost their connection before "saved".
            let cut = outcomes.filter { $0.reference == nil }
            #expect(!cut.isEmpty)
            #expect(Set(stored.map(\.phone.e164)).count == stored.count, "a request saved twice")
            #expect(Set(outcomes.compactMap(\.reference)).isSubset(of: storedReferences))
            // A request the killed server committed without having answered yet is stored but was never
            // confirmed: at most one per visitor cut off.
            #expect(stored.count <= outcomes.compactMap(\.reference).count + cut.count)
        }
    }

    // MARK: - Support

    /// Reference codes gathered by several threads.
    final class References: Sendable {
        let set = Mutex<Set<String>>([])
    }

    /// What became of one visitor's request.
    struct Outcome: Sendable {
        var reference: String?
        var failure: String?
    }

    /// Starts two servers on the store at `url`, one after the other (both migrate under the lock anyway).
    ///
    /// The servers give a save a minute (`save_timeout=60`), not a visitor's 5 s: on a machine running the whole
    /// suite, a save on the surviving server that waited out 5 s marked its store unavailable (by design), and the
    /// visitors after it were given the center's number instead of a reference.
    static func startTwo(_ url: String) async throws -> [ServeProcess] {
        let patient = url + (url.contains("?") ? "&" : "?") + "save_timeout=60"
        return try await offThePool { [try ServeProcess(store: patient), try ServeProcess(store: patient)] }
    }

    /// Runs `count` visitors at once, visitor *i* on `ports[i % ports.count]`, each asking for a call with a
    /// phone number of its own (numbered from `first`); `onSaved` is called on the visitor's thread as each
    /// "saved" reply arrives.
    static func run(
        _ count: Int, on ports: [Int], from first: Int = 0, onSaved: @escaping @Sendable (String) -> Void = { _ in }
    ) async -> [Outcome] {
        await withTaskGroup(of: (Int, Outcome).self) { group in
            for index in 0..<count {
                group.addTask {
                    let visitor = Visitor(port: ports[index % ports.count])
                    let script = Visitor.callbackScript(phone: Visitor.phone(first + index))
                    do {
                        let replies = try await offThePool {
                            try visitor.converseBlocking(script) { reply in
                                if let reference = reply.reference { onSaved(reference) }
                            }
                        }
                        let reference = replies.last?.reference
                        let failure = reference == nil ? replies.last?.text : nil
                        return (index, Outcome(reference: reference, failure: failure))
                    } catch {
                        return (index, Outcome(reference: nil, failure: "\(error)"))
                    }
                }
            }
            var outcomes = [Outcome](repeating: Outcome(), count: count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
    }

    /// Every request in the store at `url`.
    static func stored(_ url: String) async throws -> [CallbackRequest] {
        let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
        let requests = try await store.list(status: nil)
        try await store.close()
        return requests
    }
}
