import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorTestSupport
import Testing

/// What staff and visitors see right after PostgreSQL's connections are killed (a failover, an administrator's
/// `pg_terminate_backend`): the store reconnects at once, and until it has, says so truly.
@Suite("PostgreSQL store after its connections are killed")
struct PostgresReconnectTests {
    static func draft(_ number: Int) -> CallbackDraft {
        CallbackDraft(
            name: "Visitor \(number)", phone: PhoneNumber(e164: "+1470555\(1_000 + number)")!, bestTime: .evening,
            voicemailOK: true)
    }

    @Test(
        "reads and saves right after the connections are killed succeed on new ones, never 'already closed'",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func readsAndSavesGoOn() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url, configuration: .reconnecting, logger: quietLogger)
            _ = try await store.save(Self.draft(0), channel: .socket)
            let clock = ContinuousClock()
            var slowest = Duration.zero
            for round in 1...6 {
                try await terminateConnections(url)
                let started = clock.now
                // The inbox reading and a visitor saving at the same moment, on connections that were just killed.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 { group.addTask { _ = try await store.list(status: nil) } }
                    group.addTask { _ = try await store.save(Self.draft(round), channel: .socket) }
                    try await group.waitForAll()
                }
                slowest = max(slowest, clock.now - started)
            }
            #expect(try await store.list(status: nil).count == 7)
            #expect(store.acceptsRequests, "saving is offered again")
            // Within one retry window (5 s) by construction; the figure is for the report.
            print("PostgresReconnectTests: slowest recovery after a kill: \(slowest)")
            try await store.close()
        }
    }

    @Test(
        "connections killed under a stream of reads and saves: every one succeeds, promptly, never 'already closed'",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func killedUnderLoad() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url, configuration: .reconnecting, logger: quietLogger)
            let (finished, finish) = AsyncStream.makeStream(of: Void.self)
            let workers = 4
            let operationsEach = 30
            // Kills land among operations in flight (as in CommitProofTests): each round waits for operations to end.
            let killer = Task {
                var ended = 0
                for await _ in finished {
                    ended += 1
                    if ended % 8 == 0 { try? await terminateConnections(url) }
                }
            }
            let clock = ContinuousClock()
            let slowest = try await withThrowingTaskGroup(of: Duration.self) { group in
                for worker in 0..<workers {
                    group.addTask {
                        var slowest = Duration.zero
                        for index in 0..<operationsEach {
                            let started = clock.now
                            if index % 5 == 0 {
                                _ = try await store.save(Self.draft(worker * 100 + index), channel: .socket)
                            } else {
                                _ = try await store.list(status: .new)
                            }
                            slowest = max(slowest, clock.now - started)
                            finish.yield()
                        }
                        return slowest
                    }
                }
                return try await group.reduce(Duration.zero) { max($0, $1) }
            }
            finish.finish()
            await killer.value
            #expect(try await store.list(status: nil).count == workers * operationsEach / 5)
            print("PostgresReconnectTests: slowest operation with connections killed under load: \(slowest)")
            try await store.close()
        }
    }

    @Test(
        "a read that fails on a killed connection says the connection was lost and is being retried, not 'closed'",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func failureSaysWhat() async throws {
        try await withTestDatabase { url in
            // One try only (the first pause is longer than the window): what a caller sees when it fails. Opening
            // has the tests' long window: on a starved machine its first statements alone took more than 5 s.
            var configuration = PostgresCallbackStore.Configuration.forTests
            configuration.retry = RetryPolicy(window: .seconds(5), firstDelay: .seconds(10))
            let store = try await PostgresCallbackStore.open(url, configuration: configuration, logger: quietLogger)
            var failures: [String] = []
            for _ in 0..<6 {
                try await terminateConnections(url)
                do {
                    _ = try await store.list(status: nil)
                } catch {
                    failures.append("\(error)")
                }
            }
            print("PostgresReconnectTests: \(failures.count) of 6 reads failed on killed connections")
            for failure in failures {
                #expect(!failure.contains("closed"), "\(failure)")
                // A try on a connection closed under it may also hang until its time is up.
                let lost = failure.contains("the database connection was lost") && failure.contains("retrying")
                #expect(lost || failure.contains("did not answer in time"), "\(failure)")
            }
            try await store.close()
            await #expect(throws: CallbackStoreError.closed()) { try await store.list(status: nil) }
        }
    }
}

extension PostgresCallbackStore.Configuration {
    /// A server's tries (each given up after 4 s and made again) in a window a test run on a starved machine can
    /// meet: these tests are about what happens, not about the 5-second window.
    static var reconnecting: Self {
        var configuration = Self.forTests
        configuration.retry.attemptTimeout = .seconds(4)
        return configuration
    }
}
