import Foundation
import OpenDoorKit
import OpenDoorPostgres
import Testing

/// PostgreSQL stopped and started again under a store, on a private server so the shared test
/// server stays up for the other tests.
@Suite("PostgreSQL outage")
struct PostgresOutageTests {
    static let draft = CallbackDraft(
        name: "Sam",
        phone: PhoneNumber(e164: "+14705550123")!,
        bestTime: .evening,
        voicemailOK: true
    )

    @Test(
        "while PostgreSQL is down saves fail plainly, nothing false is saved, and saves work again once it is back",
        // Needs PostgreSQL's programs; OPENDOOR_TEST_POSTGRES says Scripts/postgres could start one here.
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func outage() async throws {
        let server = try PrivatePostgres.start()
        defer { server.stop() }
        var configuration = PostgresCallbackStore.Configuration()
        configuration.retry = RetryPolicy(window: .seconds(3))
        configuration.connectTimeout = .seconds(1)
        let records = CapturedLogs()
        let store = try await PostgresCallbackStore.open(server.url, configuration: configuration, logger: records.logger)
        let before = try await store.save(Self.draft, channel: .web)

        try server.run("pause")
        let error = await #expect(throws: CallbackStoreError.self) {
            try await store.save(Self.draft, channel: .web)
        }
        #expect(error?.code == .saveFailed)
        #expect(error?.description.contains("check that PostgreSQL is running") == true, "\(error?.description ?? "")")
        // Until the database answers again, conversations give the center's number instead of an offer.
        #expect(!store.acceptsRequests)
        await store.recheck()
        #expect(!store.acceptsRequests)

        try server.run("resume")
        let after = try await store.save(Self.draft, channel: .web)
        #expect(store.acceptsRequests)
        let listed = try await store.list(status: nil)
        #expect(listed.map(\.reference) == [after.reference, before.reference])
        try await store.close()
        let text = records.all.joined(separator: "\n")
        #expect(!text.contains("4705550123") && !text.contains("Sam"), "\(text)")
    }
}

/// A PostgreSQL server of the test's own, from `Scripts/postgres`.
struct PrivatePostgres {
    static let script: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Scripts/postgres")
    }()

    let url: String
    let directory: String

    /// Starts a server and reads the URL and folder `Scripts/postgres start` prints.
    static func start() throws -> PrivatePostgres {
        let output = try Self.runScript(["start"])
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("export ") {
            let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
            if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
        }
        guard let url = values["OPENDOOR_TEST_POSTGRES"], let directory = values["OPENDOOR_POSTGRES_DIR"] else {
            throw CallbackStoreError.cannotOpen(path: script.path, reason: "printed no URL: \(output)")
        }
        return PrivatePostgres(url: url, directory: directory)
    }

    /// `Scripts/postgres COMMAND DIR`.
    func run(_ command: String) throws {
        _ = try Self.runScript([command, directory])
    }

    func stop() {
        _ = try? Self.runScript(["stop", directory])
    }

    @discardableResult
    private static func runScript(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = script
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CallbackStoreError.cannotOpen(
                path: script.path,
                reason: "\(arguments.joined(separator: " ")) exited \(process.terminationStatus)"
            )
        }
        return String(decoding: data, as: UTF8.self)
    }
}
