import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import OpenDoorPostgres
import Testing

/// PostgreSQL stopped and started again under a store, on a private server so the shared test
/// server stays up for the other tests.
@Suite("PostgreSQL outage")
struct PostgresOutageTests {
    static let draft = sampleDraft

    @Test(
        "while PostgreSQL is down saves fail plainly, nothing false is saved, and saves work again once it is back",
        // Needs PostgreSQL's programs; OPENDOOR_TEST_POSTGRES says Scripts/postgres could start one here.
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func outage() async throws {
        try await PrivatePostgres.with { server in try await outage(server) }
    }

    func outage(_ server: PrivatePostgres) async throws {
        var configuration = PostgresCallbackStore.Configuration()
        // The window the save during the outage waits out; the saves before and after it must succeed within it, on
        // a starved machine too (3 s, under the service's own 5, was not a margin: a save on a new connection right
        // after the restart can take seconds there).
        configuration.retry = RetryPolicy(window: .seconds(10))
        let records = CapturedLogs()
        let store = try await PostgresCallbackStore.open(
            server.url, configuration: configuration.patientToOpen, logger: records.logger)
        let before = try await store.save(Self.draft, channel: .web)

        try await server.run("pause")
        let error = await #expect(throws: CallbackStoreError.self) {
            try await store.save(Self.draft, channel: .web)
        }
        #expect(error?.code == .saveFailed)
        #expect(error?.description.contains("check that PostgreSQL is running") == true, "\(error?.description ?? "")")
        // Until the database answers again, conversations give the center's number instead of an offer.
        #expect(!store.acceptsRequests)

        try await server.run("resume")
        try await store.waitUntilAccepting()
        let after = try await store.save(Self.draft, channel: .web)
        #expect(store.acceptsRequests)
        let listed = try await store.list(status: nil)
        #expect(listed.map(\.reference) == [after.reference, before.reference])
        try await store.close()
        let text = records.all.joined(separator: "\n")
        #expect(!text.contains("4705550123") && !text.contains("Sam"), "\(text)")
    }
}

extension PostgresOutageTests {
    @Test(
        "PostgreSQL stopped: a save fails as soon as a connection is refused, saying so, and the log blames no lock (QA20 O6)",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func refusedFailsFast() async throws {
        try await PrivatePostgres.with { server in
            var configuration = PostgresCallbackStore.Configuration()
            configuration.refusalCheckDelay = .milliseconds(200)
            // A window no save may wait out here: before, the visitor heard only at its end ("did not answer in time
            // … a lock or a long transaction"), as the pool retried the refused connections silently.
            configuration.retry = RetryPolicy(window: .seconds(60), attemptTimeout: .seconds(50))
            let records = CapturedLogs()
            let store = try await PostgresCallbackStore.open(
                server.url, configuration: configuration.patientToOpen, logger: records.logger)
            _ = try await store.save(Self.draft, channel: .web)
            try await server.run("pause")

            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: CallbackStoreError.self) {
                try await store.save(Self.draft, channel: .web)
            }
            let waited = clock.now - started
            #expect(error?.code == .saveFailed, "\(String(describing: error))")
            #expect(error?.reason?.contains("PostgreSQL is not reachable") == true, "\(String(describing: error))")
            // Well under the 60 s window: the first look comes after 200 ms. Not a measure of speed (a loaded machine
            // can take seconds); QA's figure on a quiet one is in docs/DEPLOYMENT.md.
            #expect(waited < .seconds(30), "the save waited \(waited)")
            #expect(!store.acceptsRequests)
            // A staff read fails the same way, not after the window either.
            let read = await #expect(throws: CallbackStoreError.self) { try await store.list(status: nil) }
            #expect(read?.reason?.contains("refused the connection") == true, "\(String(describing: read))")
            try await store.close()

            let errors = records.all.filter { $0.hasPrefix("error") }
            let saveLine = errors.first { $0.contains("Could not save a callback request") }
            #expect(saveLine?.contains("PostgreSQL is not reachable") == true, "\(errors)")
            #expect(!errors.contains { $0.contains("a lock") }, "\(errors)")
            try await server.run("resume")
        }
    }

    @Test(
        "opendoor chat on PostgreSQL stopped mid-request: an honest failure, the chat goes on, then saves again",
        .enabled(if: testPostgresURL != nil, postgresMissing)
    )
    func chatThroughAnOutage() async throws {
        try await PrivatePostgres.with { server in
            let chat = try ChatProcess(store: server.url)
            _ = try await offThePool { try chat.greeting() }
            for message in ["can someone call me", "yes", "skip", "470 555 0142", "evening", "no"] {
                _ = try await chat.send(message)
            }
            try await server.run("pause")
            let failed = try await chat.send("yes")
            #expect(failed.text.contains("didn’t work") && failed.text.contains("nothing was kept"), "\(failed.text)")
            #expect(!failed.text.contains("reference"))
            // The chat keeps answering; while the database is away a call is not offered but the number given.
            let answered = try await chat.send("what are your hours")
            #expect(!answered.text.isEmpty)

            try await server.run("resume")
            // The store asks by itself until the database answers, and logs when it does.
            try await offThePool { try chat.waitForLog("can be reached again") }
            // The request was kept in the chat: "try again" sends it as it was, the form not asked again.
            let last = try await chat.send("try again")
            #expect(last.text.contains("reference"), "\(last.text)")
            await offThePool { chat.stop() }

            let store = try await PostgresCallbackStore.open(server.url, configuration: .forTests, logger: quietLogger)
            let saved = try await store.list(status: nil)
            try await store.close()
            #expect(saved.map(\.phone.e164) == ["+14705550142"], "the retried request, once")
        }
    }
}

/// `opendoor chat --json` on a store, one reply per line read as it comes.
final class ChatProcess: @unchecked Sendable {  // used by one test, one call at a time
    private let process = ChildProcess()
    private let input: StandardInput
    private var output: LineReader
    private var errors: LineReader

    /// Starts the chat on `store` with `save_timeout=saveTimeout` in its URL: a visitor's save keeps trying that
    /// long (the service's 5 s is not what these tests are about, and a save right after an outage or a lock,
    /// on a new connection of a starved machine, took longer than that). A save the test makes fail (the database
    /// stopped, a table locked) waits it out.
    init(store: String, saveTimeout: Int = 20) throws {
        let binary = PrivatePostgres.root.appendingPathComponent(".build/debug/opendoor")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first: swift build")
        let store = store + (store.contains("?") ? "&" : "?") + "save_timeout=\(saveTimeout)"
        process.executableURL = binary
        process.arguments = [
            "chat", "--json", "--store", store, "--log-level", "notice",
            "--knowledge", PrivatePostgres.root.appendingPathComponent("Knowledge").path,
        ]
        let stdout = Pipe()
        let stderr = Pipe()
        input = try StandardInput()
        process.standardOutput = stdout
        process.standardError = stderr
        output = LineReader(stdout.fileHandleForReading)
        errors = LineReader(stderr.fileHandleForReading)
        try ChildProcesses.run(process, input: input)
        // A safety net, not a wait: a chat still running after ten minutes is stopped, so the reads end and the
        // test fails instead of hanging. (A minute was not enough for a debug chat on a starved machine, and a chat
        // stopped early looks like a chat that failed.)
        let process = process
        DispatchQueue.global().asyncAfter(deadline: .now() + 600) { if process.isRunning { process.terminate() } }
    }

    /// Reads the greeting, then waits until the chat's store is reached, if it was not at start.
    ///
    /// The chat opens its store before it greets, giving the database 2 s (the service's start window); on a
    /// starved machine the first connection can take longer, and the chat then starts without it (a visitor asking
    /// for a call is given the center's number) while the store keeps trying. These tests are about a reachable
    /// store: the line saying so was written before the greeting, so it is in the log by now, and then the test
    /// waits for the store's "can be reached again".
    @discardableResult
    func greeting() throws -> Reply {
        let greeting = try reply()
        if errors.available().contains("runs without saving callback requests") {
            try waitForLog("The callback store can be reached again")
        }
        return greeting
    }

    /// The next reply.
    func reply() throws -> Reply {
        guard let line = output.next() else {
            throw CallbackStoreError.readFailed(reason: "the chat ended; its log: \(errors.rest())")
        }
        return try JSONDecoder().decode(Reply.self, from: Data(line.utf8))
    }

    /// Sends a message and returns the reply (read on a thread of its own).
    func send(_ message: String) async throws -> Reply {
        try await offThePool {
            self.input.write(message + "\n")
            return try self.reply()
        }
    }

    /// Reads the log until a line contains `text`.
    func waitForLog(_ text: String) throws {
        while let line = errors.next() {
            if line.contains(text) { return }
        }
        throw CallbackStoreError.readFailed(reason: "the chat's log ended before \(text)")
    }

    /// Ends the chat's input and waits until it has closed its output (it exits then).
    func stop() {
        input.close()
        _ = output.rest()
    }
}

/// Lines from a file handle, read as they arrive.
struct LineReader {
    private let handle: FileHandle
    private var buffer = Data()

    init(_ handle: FileHandle) { self.handle = handle }

    mutating func next() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return line
            }
            let chunk = handle.nextChunk()
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    mutating func rest() -> String {
        buffer.append(handle.readAllData())
        return String(decoding: buffer, as: UTF8.self)
    }

    /// What has been written so far and not yet taken by ``next()``, read without waiting for more (and left for
    /// ``next()``).
    mutating func available() -> String {
        var ready = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while poll(&ready, 1, 0) > 0 {
            let chunk = handle.nextChunk()
            if chunk.isEmpty { break }
            buffer.append(chunk)
        }
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// A PostgreSQL server of the test's own, from `Scripts/postgres`.
struct PrivatePostgres {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()
    static let script = root.appendingPathComponent("Scripts/postgres")

    let url: String
    let directory: String
    /// Stops the server if the test process dies first.
    let cleanUp: CleanUp

    /// Starts a server and reads the URL and folder `Scripts/postgres start` prints.
    static func start() async throws -> PrivatePostgres {
        let output = try await Self.runScript(["start"])
        let values = exports(in: output)
        guard let url = values["OPENDOOR_TEST_POSTGRES"], let directory = values["OPENDOOR_POSTGRES_DIR"] else {
            throw CallbackStoreError.cannotOpen(path: script.path, reason: "printed no URL: \(output)")
        }
        return PrivatePostgres(url: url, directory: directory, cleanUp: try CleanUp([script.path, "stop", directory]))
    }

    /// `Scripts/postgres COMMAND DIR`.
    func run(_ command: String) async throws {
        try await Self.runScript([command, directory])
    }

    /// Runs `body` with a server of its own, stopped and removed afterwards.
    static func with(_ body: (PrivatePostgres) async throws -> Void) async throws {
        let server = try await start()
        do {
            try await body(server)
        } catch {
            _ = try? await Self.runScript(["stop", server.directory])
            server.cleanUp.dismiss()
            throw error
        }
        try await Self.runScript(["stop", server.directory])
        server.cleanUp.dismiss()
    }

    @discardableResult
    private static func runScript(_ arguments: [String]) async throws -> String {
        try await runRepositoryScript(script, arguments)
    }
}

/// Runs a script of the repository's (Scripts/postgres, Scripts/haproxy) with its output in a file, and
/// waits for it on a thread of its own; returns what it printed.
///
/// Not Foundation's `Process`: on Linux its `waitUntilExit()` was seen never to return once such a script
/// had started a server (the script's process stayed a zombie, never reaped), and its output pipe stayed
/// open in the server.
@discardableResult
func runRepositoryScript(_ script: URL, _ arguments: [String]) async throws -> String {
    try await offThePool {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-script-\(UUID()).out")
        defer { try? FileManager.default.removeItem(at: file) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        // Nothing else of ours reaches the script, nor the server it leaves running (another test's pipes).
        _ = GlibcSpawn.addCloseFrom(&actions, 3)
        let argv = ([script.path] + arguments).map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = ChildProcesses.launching { posix_spawn(&pid, script.path, &actions, nil, argv + [nil], environ) }
        guard spawned == 0 else {
            throw CallbackStoreError.cannotOpen(path: script.path, reason: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status >> 8) & 0xFF
        guard status & 0x7F == 0, exitCode == 0 else {
            throw CallbackStoreError.cannotOpen(
                path: script.path,
                reason: "\(arguments.joined(separator: " ")) exited with status \(status)"
            )
        }
        return (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }
}

/// The `export NAME=VALUE` lines a script printed for `eval`, as a dictionary.
func exports(in output: String) -> [String: String] {
    var values: [String: String] = [:]
    for line in output.split(separator: "\n") where line.hasPrefix("export ") {
        let pair = line.dropFirst("export ".count).split(separator: "=", maxSplits: 1)
        if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
    }
    return values
}

extension PostgresCallbackStore.Configuration {
    /// This configuration, opening under a busy test run without giving up: a minute per connection and
    /// two to open (CI failed once at 909adf4 with a 1 s connection timeout while every suite started at
    /// once). A stopped server refuses at once, so the short windows of an outage still hold.
    var patientToOpen: Self {
        var configuration = self
        configuration.connectTimeout = .seconds(60)
        configuration.openRetry = RetryPolicy(window: .seconds(120))
        return configuration
    }
}

extension PostgresCallbackStore {
    /// Waits until the store has found the database again (its own probe, started here), so what a test
    /// does next doesn't race the reconnection on a busy machine. A hang guard, not a wait: fails after 5 minutes.
    func waitUntilAccepting() async throws {
        await recheck()
        let clock = ContinuousClock()
        let giveUp = clock.now + .seconds(300)
        while !acceptsRequests {
            try #require(clock.now < giveUp, "the store never found the database again")
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
