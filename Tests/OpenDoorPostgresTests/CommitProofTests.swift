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

    @Test(
        "a save returns only after its commit: kill -9 of PostgreSQL right after the first reply loses no reply's request",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func repliesSurviveAServerCrash() async throws {
        try await PrivatePostgres.with { server in
            let store = try await PostgresCallbackStore.open(server.url, configuration: .forTests, logger: quietLogger)
            let (replied, reply) = AsyncStream.makeStream(of: CallbackRequest.self)
            // Saves under way together, so that the crash lands among commits in flight: those it stops fail or are
            // saved after the restart under their save keys; each one that returned must be there after recovery.
            let saves = Task {
                await withTaskGroup(of: Void.self) { group in
                    for number in 0..<12 {
                        group.addTask {
                            let draft = CallbackDraft(
                                name: "Crash \(number)", phone: PhoneNumber(e164: "+1470555\(2_000 + number)")!,
                                bestTime: .evening, voicemailOK: true)
                            if let request = try? await store.save(draft, channel: .socket) { reply.yield(request) }
                        }
                    }
                }
                reply.finish()
            }
            var acknowledged: [CallbackRequest] = []
            for await request in replied {
                acknowledged.append(request)
                // Every process of the server killed at once, then started again: only what was on disk survives.
                if acknowledged.count == 1 { try await server.run("crash") }
            }
            await saves.value
            #expect(!acknowledged.isEmpty)
            try await store.close()

            let reader = try await PostgresCallbackStore.open(server.url, configuration: .forTests, logger: quietLogger)
            let stored = Set(try await reader.list(status: nil).map(\.reference))
            let missing = acknowledged.map(\.reference).filter { !stored.contains($0) }
            #expect(missing.isEmpty, "replied \"saved\" but lost in the crash: \(missing)")
            try await reader.close()
        }
    }

    @Test(
        "a commit PostgreSQL refuses is never reported as saved, and nothing of it is kept",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func refusedCommitIsNotSaved() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            // A check that runs only at COMMIT (a deferred constraint trigger): the INSERT succeeds and returns its row,
            // and only the commit fails. A save that answered at the INSERT's row would say "saved" here.
            try await adminQuery(
                url,
                """
                CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.name = 'Refused at commit' THEN RAISE EXCEPTION 'refused at commit'; END IF;
                    RETURN NULL;
                END $$
                """)
            try await adminQuery(
                url,
                """
                CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON callback_request
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()
                """)
            let refused = CallbackDraft(
                name: "Refused at commit", phone: PhoneNumber(e164: "+14705550188")!, bestTime: .evening, voicemailOK: true)
            await #expect(throws: CallbackStoreError.self) { try await store.save(refused, channel: .socket) }
            let saved = try await store.save(sampleDraft, channel: .socket)
            #expect(try await store.list(status: nil).map(\.reference) == [saved.reference])
            try await store.close()
        }
    }
}
