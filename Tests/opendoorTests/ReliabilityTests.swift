import Foundation
import Logging
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorTestSupport
import Testing

/// The conversation and the store under stress: crashes, crowds and broken disks.
@Suite("Reliability", .serialized)
struct ReliabilityTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()
    static let knowledgeDirectory = root.appendingPathComponent("Knowledge")

    static func assistant() throws -> Assistant {
        let knowledge = try Knowledge.load(from: knowledgeDirectory)
        let rules = try SafetyRules.load(from: knowledgeDirectory.appendingPathComponent("safety.yaml"))
        return Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-test-\(UUID().uuidString)")
    }

    /// The messages of a whole callback request, ending with the confirmation.
    static func script(phone: String) -> [String] {
        ["i want to come back", "yes", "skip", phone, "evening", "no", "yes"]
    }

    @Test("kill -9 right after \"saved\" is printed: the request is there on restart")
    func killAfterSave() async throws {
        let binary = Self.root.appendingPathComponent(".build/debug/opendoor")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build first: swift build")
        let data = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }

        let process = ChildProcess()
        process.executableURL = binary
        process.arguments = ["chat", "--json", "--data", data.path, "--knowledge", Self.knowledgeDirectory.path]
        let input = try StandardInput()
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try ChildProcesses.run(process, input: input)
        // Keep standard input open: the process must be killed, not allowed to finish.
        input.write(Self.script(phone: "470 555 0142").joined(separator: "\n") + "\n")

        // A hang guard, not a wait: a chat that never says "saved" is killed, its output ends, and the test fails.
        DispatchQueue.global().asyncAfter(deadline: .now() + 300) {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        // Blocking reads and the wait for the exit, on a thread of their own: not on Swift's two pool threads.
        let reading = output.fileHandleForReading
        let (reference, printed) = await offThePool { () -> (String?, String) in
            var buffer = Data()
            while true {
                let chunk = reading.nextChunk()
                if chunk.isEmpty { break }
                buffer.append(chunk)
                for line in String(decoding: buffer, as: UTF8.self).split(separator: "\n") {
                    if let reply = try? JSONDecoder().decode(Reply.self, from: Data(line.utf8)),
                        reply.intent == .callback, reply.state == .open, reply.text.contains("reference"),
                        let range = reply.text.range(of: #"[A-Z0-9]{3}-[A-Z0-9]{3}"#, options: .regularExpression)
                    {
                        kill(process.processIdentifier, SIGKILL)
                        process.waitUntilExit()
                        return (String(reply.text[range]), String(decoding: buffer, as: UTF8.self))
                    }
                }
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return (nil, String(decoding: buffer, as: UTF8.self))
        }
        let saved = try #require(reference, "no saved reply in: \(printed)")
        #expect(process.terminationReason == .uncaughtSignal)

        let store = try SQLiteCallbackStore(directory: data, logger: Logger(label: "test"))
        let found = try await store.find(reference: saved)
        #expect(found?.phone.e164 == "+14705550142")
        try await store.close()
    }

    @Test(
        "chat stopped by SIGTERM, SIGINT or SIGHUP closes its store: callbacks.sqlite alone holds the request",
        arguments: [SIGTERM, SIGINT, SIGHUP])
    func stopSignalCheckpoints(_ signal: Int32) async throws {
        let data = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let chat = try OpenDoorProcess(["chat", "--json", "--data", data.path])
        _ = try await chat.nextReply()
        let replies = try await chat.exchange(Self.script(phone: "470 555 0143"))
        let confirmation = try #require(replies.last).text
        let code = try #require(
            confirmation.range(of: #"[A-Z0-9]{3}-[A-Z0-9]{3}"#, options: .regularExpression), "\(replies.map(\.text))")
        let saved = String(confirmation[code])
        // Standard input stays open: the chat ends by the signal alone.
        await chat.stop(signal)
        #expect(chat.process.terminationReason == .exit && chat.process.terminationStatus == 128 + signal)

        // Only the database file, as a backup that copies callbacks.sqlite alone would have it.
        let copy = Self.temporaryDirectory()
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(
            at: data.appendingPathComponent("callbacks.sqlite"), to: copy.appendingPathComponent("callbacks.sqlite"))
        let store = try SQLiteCallbackStore(directory: copy, logger: Logger(label: "test"))
        let found = try await store.find(reference: saved)
        try await store.close()
        #expect(found?.phone.e164 == "+14705550143", "the request was left in the write-ahead log")
    }

    @Test("Hundreds of conversations confirming at once: every request stored once")
    func manyAtOnce() async throws {
        let assistant = try Self.assistant()
        let data = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try SQLiteCallbackStore(directory: data, logger: Logger(label: "test"))
        let count = 300
        let replies = await withTaskGroup(of: Reply.self) { group in
            for number in 0..<count {
                group.addTask {
                    var conversation = assistant.makeConversation(channel: .socket)
                    _ = conversation.start()
                    var last: Reply?
                    for message in Self.script(phone: String(format: "404 555 %04d", number)) {
                        last = await conversation.respond(to: message, store: store)
                    }
                    return last!
                }
            }
            var all: [Reply] = []
            for await reply in group { all.append(reply) }
            return all
        }
        #expect(replies.count == count)
        #expect(replies.allSatisfy { $0.state == .open && $0.text.contains("reference") })
        let stored = try await store.list(status: nil)
        #expect(stored.count == count)
        #expect(Set(stored.map(\.reference)).count == count)
        #expect(Set(stored.map(\.phone.e164)).count == count)
        try await store.close()
    }

    @Test("A store that can't save: the visitor is told plainly and given the center's number")
    func saveFailsPlainly() async throws {
        let assistant = try Self.assistant()
        let data = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        // Create the database, then open it read-only, as on a read-only disk.
        try await SQLiteCallbackStore(directory: data, logger: Logger(label: "test")).close()
        var configuration = SQLiteCallbackStore.Configuration()
        configuration.readOnly = true
        let readOnly = try SQLiteCallbackStore(directory: data, configuration: configuration, logger: Logger(label: "test"))
        let memory = InMemoryCallbackStore()
        await memory.failSaves(with: .diskFull())
        for store in [readOnly, memory] as [any CallbackStore] {
            var conversation = assistant.makeConversation(channel: .terminal)
            _ = conversation.start()
            var last: Reply?
            for message in Self.script(phone: "470 555 0199") {
                last = await conversation.respond(to: message, store: store)
            }
            let reply = try #require(last)
            #expect(reply.text.contains("didn’t work"), "\(reply.text)")
            #expect(reply.text.contains("(470) 284-1834"))
            #expect(!reply.text.contains("reference"))
            // What was typed is kept at the summary, for "Try again" once the store can save.
            #expect(reply.state == .callbackConfirm)
            #expect(reply.options.first == "Try again", "\(reply.options)")
        }
        try await readOnly.close()
    }

    @Test("While the store can't save, asking for a call and the offer after three answers give the center's number")
    func unavailableStoreGivesTheNumber() async throws {
        let assistant = try Self.assistant()
        let data = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: data) }
        // A folder that can't be created: its parent is a file.
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let blocker = data.appendingPathComponent("file")
        #expect(FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8)))
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let store = ReopeningCallbackStore(directory: blocker.appendingPathComponent("data"), logger: quiet)
        #expect(!store.acceptsRequests)

        var conversation = assistant.makeConversation(channel: .socket)
        let welcome = conversation.start()
        let handoff = try #require(welcome.options.last)
        let asked = await conversation.respond(to: handoff, store: store)
        #expect(asked.text.contains("please call (470) 284-1834"), "\(asked.text)")
        #expect(asked.state == .open)

        var fresh = assistant.makeConversation(channel: .socket)
        _ = fresh.start()
        var last: Reply?
        for question in ["what if i relapsed", "will they be mad at me", "will i have to start over"] {
            last = await fresh.respond(to: question, store: store)
        }
        let offer = try #require(last)
        #expect(offer.text.contains("please call (470) 284-1834"), "\(offer.text)")
        #expect(!offer.text.contains("Would it help"))
        try await store.close()
    }
}
