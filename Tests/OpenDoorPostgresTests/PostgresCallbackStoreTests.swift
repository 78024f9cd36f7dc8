import Foundation
import Logging
import OpenDoorKit
import OpenDoorTestSupport
import OpenDoorPostgres
import PostgresNIO
import Testing

@Suite("PostgreSQL callback store")
struct PostgresCallbackStoreTests {
    static let draft = sampleDraft

    @Test(
        "URLs are read with their defaults, and printed without the password",
        arguments: [
            ("postgres://me@db.example:6543/calls", "db.example", 6543, "me", nil, "calls"),
            ("postgresql://me:s3cret@127.0.0.1/calls?sslmode=disable", "127.0.0.1", 5432, "me", "s3cret", "calls"),
            ("postgres://me%40center:p%2Fw@[::1]:7000/calls", "::1", 7000, "me@center", "p/w", "calls"),
        ] as [(String, String, Int, String, String?, String)]
    )
    func parsesURLs(text: String, host: String, port: Int, user: String, password: String?, database: String) throws {
        let url = try PostgresStoreURL(text)
        #expect(url.host == host && url.port == port && url.user == user)
        #expect(url.password == password && url.database == database)
        #expect(!url.description.contains("s3cret") && !url.description.contains("p/w"))
        #expect(PostgresStoreURL.isPostgres(text))
        #expect(url.connections == nil)
    }

    @Test("connections=N sets the pool and is printed back with the other parameters")
    func connectionsParameter() throws {
        let url = try PostgresStoreURL("postgres://me:s3cret@db:6543/calls?sslmode=require&connections=64")
        #expect(url.connections == 64 && url.tls == .require)
        #expect(url.description == "postgres://me@db:6543/calls?sslmode=require&connections=64")
        #expect(try PostgresStoreURL(url.description).connections == 64)
    }

    @Test("save_timeout=SECONDS is read and printed back; without it the store's configuration decides")
    func saveTimeoutParameter() throws {
        let url = try PostgresStoreURL("postgres://me@db:6543/calls?connections=8&save_timeout=60")
        #expect(url.saveTimeout == 60 && url.connections == 8)
        #expect(url.description == "postgres://me@db:6543/calls?connections=8&save_timeout=60")
        #expect(try PostgresStoreURL(url.description).saveTimeout == 60)
        #expect(try PostgresStoreURL("postgres://me@db/calls").saveTimeout == nil)
    }

    @Test(
        "a URL that cannot work says what is wrong, without its password",
        arguments: [
            ("mysql://me@host/db", "scheme"),
            ("postgres://host:5432/db", "no user"),
            ("postgres://me:hunter2@host:5432", "no database"),
            ("postgres://me:hunter2@host:5432/db?sslmode=sometimes", "sslmode"),
            ("postgres://me@host:5432/db?pool=3", "unknown parameter"),
            ("postgres://me@host:5432/db?connections=0", "connections must be a number from 1 to 1000"),
            ("postgres://me@host:5432/db?connections=many", "connections must be a number from 1 to 1000"),
            ("postgres://me@host:5432/db?save_timeout=0", "save_timeout must be a number of seconds from 1 to 600"),
            ("postgres://me@host:5432/db?save_timeout=2s", "save_timeout must be a number of seconds from 1 to 600"),
        ]
    )
    func rejectsURLs(text: String, reason: String) throws {
        let error = #expect(throws: CallbackStoreError.self) { try PostgresStoreURL(text) }
        #expect(error?.code == .cannotOpen)
        #expect(error?.description.contains(reason) == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("hunter2") == false)
        #expect(!PostgresStoreURL.isPostgres("/var/lib/opendoor"))
    }

    @Test(
        "with connections=N the store keeps N connections open, and N saves at once commit side by side, each saved once",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func savesCommitSideBySide() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url + "?connections=6", configuration: .forTests, logger: quietLogger)
            let references = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<6 { group.addTask { try await store.save(Self.draft, channel: .web).reference } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(references).count == 6)
            // The six saves' transactions, each BEGIN … COMMIT on a connection of its own, are all committed …
            let stored = try await withConnection(url) { connection in
                try await connection.query("SELECT reference FROM callback_request", logger: quietLogger)
                    .collect().map { try $0.decode(String.self) }
            }
            #expect(Set(stored) == Set(references))
            // … and the pool opens its six connections (in the background: looked at until they are there; five
            // minutes is a hang guard, as 20 s was not on a starved machine, where one connection can take seconds)
            // and keeps them idle, none left inside a transaction.
            let deadline = ContinuousClock.now + .seconds(300)
            let states = try await withConnection(url) { connection in
                var states: [String] = []
                repeat {
                    states = try await connection.query(
                        """
                        SELECT state FROM pg_stat_activity
                        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                        """,
                        logger: quietLogger
                    ).collect().map { try $0.decode(String.self) }
                    if states.count < 6 { try await Task.sleep(for: .milliseconds(20)) }
                } while states.count < 6 && ContinuousClock.now < deadline
                return states
            }
            #expect(states == Array(repeating: "idle", count: 6))
            try await store.close()
        }
    }

    @Test("a database nobody answers at fails to open within the retry window, saying what to check")
    func unreachable() async throws {
        // A port held by a socket that never listens: connecting is refused.
        try await withUnlistenedLoopbackPort { port in
            var configuration = PostgresCallbackStore.Configuration()
            configuration.openRetry = RetryPolicy(window: .milliseconds(800))
            configuration.connectTimeout = .milliseconds(500)
            let error = await #expect(throws: CallbackStoreError.self) {
                try await PostgresCallbackStore.open(
                    "postgres://opendoor:hunter2@127.0.0.1:\(port)/opendoor?sslmode=disable",
                    configuration: configuration,
                    logger: quietLogger
                )
            }
            #expect(error?.code == .cannotOpen)
            let message = error?.description ?? ""
            #expect(message.contains("127.0.0.1:\(port)/opendoor"), "\(message)")
            #expect(message.contains("check that PostgreSQL is running"), "\(message)")
            // The store's own message names no option: the command adds which one chose the store (--store, --to …).
            #expect(!message.contains("--store") && !message.contains("--data"), "\(message)")
            #expect(!message.contains("hunter2"))
        }
    }

    @Test(
        "stores opening at once on an empty database migrate it once, under the advisory lock",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func concurrentMigrations() async throws {
        try await withTestDatabase { url in
            let stores = try await withThrowingTaskGroup(of: PostgresCallbackStore.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(stores.count == 4)
            let saved = try await stores[0].save(Self.draft, channel: .web)
            #expect(try await stores[3].find(reference: saved.reference) == saved)
            let migrations = try await withConnection(url) { connection in
                try await connection.query("SELECT identifier FROM opendoor_schema_migrations", logger: quietLogger)
                    .collect().map { try $0.decode(String.self) }
            }
            // Each migration once, whichever store ran it.
            #expect(migrations.contains("v1") && Set(migrations).count == migrations.count)
            #expect(migrations.contains("status_audit"))
            for store in stores { try await store.close() }
        }
    }

    @Test(
        "a save whose reference is taken rolls back on its connection: the connection is left idle, the next save commits",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func collisionLeavesConnectionIdle() async throws {
        try await withTestDatabase { url in
            var configuration = PostgresCallbackStore.Configuration.forTests
            configuration.maximumConnections = 1
            configuration.minimumConnections = 1
            configuration.referenceAttempts = 1
            let codes = StoreScriptedCodes(["BBB-BBB", "BBB-BBB", "CCC-CCC"])
            configuration.makeReference = { codes.next() }
            let store = try await PostgresCallbackStore.open(url, configuration: configuration, logger: quietLogger)
            #expect(try await store.save(Self.draft, channel: .web).reference == "BBB-BBB")
            // BEGIN, the INSERT that fails and COMMIT go out together: the COMMIT must roll the failed transaction
            // back, or the store's only connection stays in it and every later save fails.
            let error = await #expect(throws: CallbackStoreError.self) { try await store.save(Self.draft, channel: .web) }
            #expect(error?.code == .saveFailed)
            let states = try await withConnection(url) { connection in
                try await connection.query(
                    """
                    SELECT state FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                    """,
                    logger: quietLogger
                ).collect().map { try $0.decode(String.self) }
            }
            #expect(states == ["idle"])
            #expect(try await store.save(Self.draft, channel: .web).reference == "CCC-CCC")
            let stored = try await withConnection(url) { connection in
                try await connection.query("SELECT reference FROM callback_request ORDER BY reference", logger: quietLogger)
                    .collect().map { try $0.decode(String.self) }
            }
            #expect(stored == ["BBB-BBB", "CCC-CCC"])
            try await store.close()
        }
    }

    @Test(
        "a database migrated by a newer OpenDoor is refused",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func newerSchema() async throws {
        try await withTestDatabase { url in
            try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger).close()
            try await adminQuery(url, "INSERT INTO opendoor_schema_migrations (identifier) VALUES ('v99')")
            await #expect(throws: CallbackStoreError.newerSchema()) {
                try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            }
        }
    }

    @Test(
        "rows saved before there were three voicemail choices keep their meaning: true is yes, false a discreet message",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func voicemailMigration() async throws {
        try await withTestDatabase { url in
            try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger).close()
            // The schema as it was before the migration, with one row of each old answer.
            try await adminQuery(url, "ALTER TABLE callback_request DROP COLUMN voicemail")
            try await adminQuery(url, "DELETE FROM opendoor_schema_migrations WHERE identifier = 'voicemail_choice'")
            try await adminQuery(
                url,
                """
                INSERT INTO callback_request (reference, created_ms, phone_e164, best_time, voicemail_ok, channel)
                VALUES ('BBB-BBB', 1000, '+14705550123', 'morning', true, 'web'),
                       ('CCC-CCC', 2000, '+14705550123', 'evening', false, 'web')
                """)
            let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            #expect(try await store.find(reference: "BBB-BBB")?.voicemail == .allowed)
            #expect(try await store.find(reference: "CCC-CCC")?.voicemail == .discreet)
            let none = CallbackDraft(name: nil, phone: Self.draft.phone, bestTime: .any, voicemail: .noVoicemail)
            #expect(try await store.save(none, channel: .socket).voicemail == .noVoicemail)
            try await store.close()
        }
    }

    @Test(
        "a store opened read-only lists but refuses to save",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func readOnly() async throws {
        try await withTestDatabase { url in
            var configuration = PostgresCallbackStore.Configuration.forTests
            configuration.readOnly = true
            await #expect(throws: CallbackStoreError.readOnly()) {
                try await PostgresCallbackStore.open(url, configuration: configuration, logger: quietLogger)
            }
            let writer = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            let saved = try await writer.save(Self.draft, channel: .web)
            try await writer.close()

            let reader = try await PostgresCallbackStore.open(url, configuration: configuration, logger: quietLogger)
            #expect(try await reader.list(status: nil) == [saved])
            let error = await #expect(throws: CallbackStoreError.self) {
                try await reader.save(Self.draft, channel: .web)
            }
            #expect(error?.code == .readOnly)
            try await reader.close()
        }
    }

    @Test(
        "connections the server kills are replaced: the next save succeeds, once",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func killedConnections() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            _ = try await store.save(Self.draft, channel: .web)
            try await terminateConnections(url)
            let saved = try await store.save(Self.draft, channel: .socket)
            let listed = try await store.list(status: nil)
            #expect(listed.count == 2)
            #expect(listed.first == saved)
            try await store.close()
        }
    }
}

/// Runs `body` with a loopback port that is bound, by a socket that never listens, for as long as `body` runs:
/// connecting to it is refused, and no other process (a server another test starts at the same moment) can take
/// it meanwhile, as it could a port that was merely free when asked.
func withUnlistenedLoopbackPort<T>(_ body: (Int) async throws -> T) async throws -> T {
    let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
        }
    }
    guard bound else { throw CallbackStoreError.cannotOpen(path: "127.0.0.1", reason: "no free port") }
    return try await body(Int(UInt16(bigEndian: address.sin_port)))
}
