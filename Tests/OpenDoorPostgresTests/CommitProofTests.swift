import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorTestSupport
import Testing

/// A save that returns a request is a promise to a visitor ("Sent. Your reference is …"): it must be committed.
/// A QA run killed PostgreSQL's connections under load (as a failover or an administrator does) and found two
/// references in 50,000 that were acknowledged but not stored: the INSERT's row had come back, and its
/// commit, due only at the protocol's Sync, never happened.
@Suite("PostgreSQL saves under killed connections")
struct CommitProofTests {
    @Test(
        "every save that returns is stored, with connections killed between saves all along",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func acknowledgedMeansStored() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            let (finished, finish) = AsyncStream.makeStream(of: Void.self)
            let workers = 3
            let savesEach = 10
            let savesPerKill = 6
            // The killer waits for saves to end before each round, so the saves always make progress and the
            // kills land among saves in flight, whatever the machine's speed (each kill costs the pool new
            // connections, seconds each on a busy machine: a kill per save made this test take minutes). The window
            // is narrow, so a run passing says little alone; a run failing always means a broken promise.
            let killer = Task {
                var ended = 0
                for await _ in finished {
                    ended += 1
                    guard ended % savesPerKill == 0 else { continue }
                    try? await terminateConnections(url)
                }
                return ended
            }
            let acknowledged = await withTaskGroup(of: [CallbackRequest].self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var saved: [CallbackRequest] = []
                        for index in 0..<savesEach {
                            let number = 1_000 + worker * savesEach + index
                            let draft = CallbackDraft(
                                name: "Visitor \(number)",
                                phone: PhoneNumber(e164: "+1470555\(number)")!,
                                bestTime: .evening,
                                voicemailOK: true
                            )
                            // A save may fail (the visitor is then told so); one that returns must be stored.
                            if let request = try? await store.save(draft, channel: .socket) { saved.append(request) }
                            finish.yield()
                        }
                        return saved
                    }
                }
                return await group.reduce(into: []) { $0 += $1 }
            }
            finish.finish()
            #expect(await killer.value == workers * savesEach)
            #expect(!acknowledged.isEmpty, "no save succeeded while connections were killed")

            // Read back through a store of its own: the killed one may still be reconnecting (it answers "closed"
            // until its probe has found the database again).
            try await store.close()
            let reader = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            let stored = try await reader.list(status: nil)
            let storedReferences = Dictionary(stored.map { ($0.reference, $0) }, uniquingKeysWith: { first, _ in first })
            #expect(storedReferences.count == stored.count, "a reference is stored twice")
            let missing = acknowledged.filter { storedReferences[$0.reference] == nil }.map(\.reference)
            #expect(missing.isEmpty, "acknowledged but not stored: \(missing)")
            for request in acknowledged {
                #expect(storedReferences[request.reference]?.phone == request.phone)
            }
            // One row per visitor: a retried save finds its own committed row instead of adding a second.
            #expect(Set(stored.map(\.phone)).count == stored.count, "a request is stored twice")
            try await reader.close()
        }
    }
}
