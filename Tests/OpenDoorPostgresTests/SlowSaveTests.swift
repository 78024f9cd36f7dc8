import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorTestSupport
import PostgresNIO
import Testing

/// PostgreSQL slow rather than down (a table lock, a long transaction): a save that runs out of time is ended on
/// the server and looked up before anyone is told anything; "nothing was kept" only when that is known, and asking
/// again from the same conversation can't store the request twice.
@Suite("PostgreSQL saves held up by a lock")
struct SlowSaveTests {
    static let other = CallbackDraft(
        name: "Robin", phone: PhoneNumber(e164: "+14705550177")!, bestTime: .morning, voicemailOK: false)

    /// A store that gives a save one second, then up to `confirmWindow` to find out whether it landed (a bound, not a
    /// wait: on a loaded machine ending the try and looking took more than two).
    ///
    /// Only for the save the test holds up: one second is no margin for anything that must succeed on a starved
    /// machine, so what a test does once the lock is gone goes through a ``patientStore(_:)``.
    static func impatientStore(
        _ url: String, logs: CapturedLogs, confirmWindow: Duration = .seconds(10)
    ) async throws -> PostgresCallbackStore {
        var configuration = PostgresCallbackStore.Configuration.forTests
        configuration.retry = RetryPolicy(window: .seconds(1), attemptTimeout: .seconds(1))
        configuration.confirmWindow = confirmWindow
        return try await PostgresCallbackStore.open(url, configuration: configuration, logger: logs.logger)
    }

    /// A store on the same database with the tests' long windows, for what must succeed.
    static func patientStore(_ url: String) async throws -> PostgresCallbackStore {
        try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
    }

    /// Runs `body` while a connection of the test's own holds `mode` on the requests' table.
    static func whileLocked<Value: Sendable>(
        _ url: String, _ mode: String, _ body: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withConnection(url) { connection in
            _ = try await connection.query("BEGIN", logger: quietLogger)
            _ = try await connection.query(
                PostgresQuery(unsafeSQL: "LOCK TABLE callback_request IN \(mode) MODE"), logger: quietLogger)
            let value = try await body()
            _ = try await connection.query("COMMIT", logger: quietLogger)
            return value
        }
    }

    @Test(
        "a save under a key already stored returns that request with the new details, not a second one",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func keyedSaveIsIdempotent() async throws {
        try await withTestDatabase { url in
            let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            let key = UUID()
            let first = try await store.save(sampleDraft, channel: .web, key: key)
            let again = try await store.save(Self.other, channel: .web, key: key)
            #expect(again.reference == first.reference && again.id == first.id)
            #expect(again.phone == Self.other.phone && again.name == "Robin" && again.bestTime == .morning)
            #expect(try await store.list(status: nil) == [again])
            // Once someone has handled it, a late retry changes nothing.
            _ = try await store.mark(reference: first.reference, as: .contacted)
            let late = try await store.save(sampleDraft, channel: .web, key: key)
            #expect(late.reference == first.reference && late.phone == Self.other.phone && late.status == .contacted)
            #expect(try await store.save(sampleDraft, channel: .web).reference != first.reference)
            #expect(try await store.list(status: nil).count == 2)
            try await store.close()
        }
    }

    @Test(
        "a service store's save_timeout=N (its URL) is how long a visitor's save keeps trying, and the failure says so",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func saveTimeoutFromTheURL() async throws {
        try await withTestDatabase { url in
            // The tests' own window is 60 s: a failure that says 2 s came from the URL.
            var configuration = PostgresCallbackStore.Configuration.forTests
            configuration.confirmWindow = .seconds(10)
            // Migrated before it returns (a service starts without its database after 2 s, and migrates later).
            configuration.serviceStartRetry = configuration.openRetry
            let store = try await PostgresCallbackStore.openForService(
                url: try PostgresStoreURL(url + "?save_timeout=2"), configuration: configuration, logger: quietLogger)
            let error = try await Self.whileLocked(url, "EXCLUSIVE") {
                await #expect(throws: CallbackStoreError.self) { try await store.save(sampleDraft, channel: .web) }
            }
            #expect(error?.description.contains("took longer than 2 s") == true, "\(String(describing: error))")
            #expect(try await store.list(status: nil).isEmpty)
            try await store.close()
        }
    }

    @Test(
        "a save held up by a lock is ended and found absent: nothing kept, said as a lock, not as an outage",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func lockedSaveIsEndedAndKnownAbsent() async throws {
        try await withTestDatabase { url in
            let logs = CapturedLogs()
            // The look under the lock succeeds (reads pass): a minute for it costs nothing when it is quick, and
            // "nothing was kept" below needs it to have answered.
            let store = try await Self.impatientStore(url, logs: logs, confirmWindow: .seconds(60))
            // EXCLUSIVE holds every INSERT and lets reads through: the store can look.
            let error = try await Self.whileLocked(url, "EXCLUSIVE") {
                await #expect(throws: CallbackStoreError.self) { try await store.save(sampleDraft, channel: .web) }
            }
            #expect(error?.code == .saveFailed, "\(String(describing: error))")
            let text = error?.description ?? ""
            #expect(text.contains("took longer than") && text.contains("nothing was kept"), "\(text)")
            #expect(!text.contains("check that PostgreSQL is running"), "\(text)")
            #expect(store.acceptsRequests)
            // The lock is gone: the try that waited behind it was ended, so nothing lands now.
            let reader = try await Self.patientStore(url)
            #expect(try await reader.list(status: nil).isEmpty)
            try await reader.close()
            let log = logs.all.joined(separator: "\n")
            #expect(!log.contains("can't be reached"), "\(log)")
            #expect(!log.contains("4705550123") && !log.contains("Sam"), "\(log)")
            try await store.close()
        }
    }

    @Test(
        "a save whose outcome can't be looked up is unconfirmed, and asking again under its key stores it once",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func unreadableOutcomeIsUnconfirmed() async throws {
        try await withTestDatabase { url in
            let logs = CapturedLogs()
            let store = try await Self.impatientStore(url, logs: logs)
            let key = UUID()
            // ACCESS EXCLUSIVE holds the reads too: whether the save landed can't be learned.
            let error = try await Self.whileLocked(url, "ACCESS EXCLUSIVE") {
                await #expect(throws: CallbackStoreError.self) {
                    try await store.save(sampleDraft, channel: .web, key: key)
                }
            }
            #expect(error?.code == .unconfirmed, "\(String(describing: error))")
            #expect(error?.description.contains("may be stored") == true, "\(error?.description ?? "")")
            // Asked again under the same key (the key is the database's, as a server after a restart would ask).
            let patient = try await Self.patientStore(url)
            let saved = try await patient.save(sampleDraft, channel: .web, key: key)
            #expect(try await patient.list(status: nil).map(\.reference) == [saved.reference])
            try await patient.close()
            try await store.close()
        }
    }

    @Test(
        "opendoor chat: a locked table gets “couldn’t confirm”, never “nothing was kept”; asking again stores one request",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func chatUnderALock() async throws {
        try await withTestDatabase { url in
            let chat = try ChatProcess(store: url)
            _ = try await offThePool { try chat.greeting() }
            let form = ["i want to come back", "yes", "skip", "470 555 0142", "evening", "no"]
            for message in form { _ = try await chat.send(message) }
            // The lock is released once the visitor's reply has come: the test waits on the reply, not a clock.
            let unsure = try await Self.whileLocked(url, "ACCESS EXCLUSIVE") { try await chat.send("yes") }
            #expect(unsure.text.contains("couldn’t confirm") && !unsure.text.contains("nothing was kept"), "\(unsure.text)")
            #expect(unsure.text.contains("284-1834"), "\(unsure.text)")
            // The request is kept at the summary (QA22 O6): "send it again" resends it under the same key.
            let last = try await chat.send("send it again")
            #expect(last.text.contains("reference"), "\(last.text)")
            await offThePool { chat.stop() }
            let store = try await PostgresCallbackStore.open(url, configuration: .forTests, logger: quietLogger)
            #expect(try await store.list(status: nil).count == 1)
            try await store.close()
        }
    }
}
