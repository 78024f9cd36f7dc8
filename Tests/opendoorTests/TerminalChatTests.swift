import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `opendoor chat` as a person uses it: the built binary on a pseudo-terminal (readline, Ctrl-C, Ctrl-D),
/// and the same command with its input and output piped.
@Suite("Terminal chat", .serialized)
struct TerminalChatTests {
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }()
    static let knowledgeDirectory = root.appendingPathComponent("Knowledge")

    /// The `opendoor` built with these tests (next to the test bundle), else `<repo>/.build/debug/opendoor`.
    static var binary: String? {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("opendoor").path
        let candidates = [besideTests, root.appendingPathComponent(".build/debug/opendoor").path]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("on a terminal: greeting, answers, line editing, Ctrl-C clears the line, Ctrl-D says goodbye")
    func terminal() throws {
        let binary = try #require(Self.binary, "build first: swift build")
        let home = try Self.temporaryDirectory("home")
        let data = try Self.temporaryDirectory("data")
        defer {
            try? FileManager.default.removeItem(at: home)
            try? FileManager.default.removeItem(at: data)
        }
        let chat = try PseudoTerminalProcess(
            binary,
            arguments: ["chat", "--data", data.path, "--knowledge", Self.knowledgeDirectory.path],
            environment: ["HOME": home.path, "TERM": "xterm", "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        defer { chat.kill() }
        let prompt = "you › "

        try chat.waitFor("Hi, I’m an automated assistant")
        try chat.waitFor(prompt)

        // A question and Enter.
        chat.type("can i come back after ghosting my group\r")
        try chat.waitFor("more common than you think")
        try chat.waitFor(prompt)

        // Line editing: two backspaces (DEL) take back the typo before the line is sent.
        chat.type("what if i relapsxx\u{7F}\u{7F}ed\r")
        try chat.waitFor("Relapse is a common part")
        try chat.waitFor(prompt)

        // Keys only readline knows (a terminal's own line editing would send them as text): Ctrl-A goes to the
        // start of the line, Ctrl-K deletes from there to the end, so only "thanks" is sent.
        chat.type("what if i relapsed\u{01}\u{0B}thanks\r")
        let thanks = try chat.waitFor("You’re welcome")
        #expect(!thanks.contains("Relapse is a common part"))
        try chat.waitFor(prompt)

        // Ctrl-C throws away what was typed: a half-typed callback request must not reach the chat.
        chat.type("can someone call me")
        try chat.waitFor("call me")
        chat.type("\u{03}")
        try chat.waitFor(prompt)
        chat.type("what if i relapsed\r")
        let answer = try chat.waitFor("Relapse is a common part")
        #expect(!answer.contains("I can ask someone"), "Ctrl-C left the old text on the line: \(answer)")
        try chat.waitFor(prompt)

        // Ctrl-D on an empty line: the goodbye, then exit status 0.
        chat.type("\u{04}")
        try chat.waitFor("Take care of yourself")
        let status = try chat.waitForExit()
        #expect(status == 0, "exit status \(status); output:\n\(chat.transcript)")

        // The history stays in memory: nothing is written under HOME.
        let written = FileManager.default.enumerator(atPath: home.path)?.allObjects as? [String] ?? []
        #expect(written.filter { $0.lowercased().contains("history") }.isEmpty, "files under HOME: \(written)")
    }

    @Test("piped: exactly the greeting, then one reply per line")
    func piped() async throws {
        let binary = try #require(Self.binary, "build first: swift build")
        let data = try Self.temporaryDirectory("data")
        defer { try? FileManager.default.removeItem(at: data) }
        let lines = ["what if i relapsed", "will they judge me for leaving", "thanks"]

        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["chat", "--data", data.path, "--knowledge", Self.knowledgeDirectory.path]
        let finished = try await ChildProcesses.runToEnd(process, input: lines.map { $0 + "\n" }.joined())
        let printed = finished.output
        #expect(finished.status == 0, "\(finished.error)")

        // The same conversation held in-process: each reply's text, its numbered options, a blank line.
        let knowledge = try Knowledge.load(from: Self.knowledgeDirectory)
        let rules = try SafetyRules.load(from: Self.knowledgeDirectory.appendingPathComponent("safety.yaml"))
        var conversation = Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
            .makeConversation(channel: .terminal)
        var replies = [conversation.start()]
        for line in lines {
            replies.append(await conversation.respond(to: line, store: InMemoryCallbackStore()))
        }
        let expected = replies.map { reply in
            ([reply.text] + reply.options.enumerated().map { "  \($0.offset + 1). \($0.element)" })
                .joined(separator: "\n") + "\n\n"
        }.joined()
        #expect(printed == expected)
        #expect(replies[1].text.hasPrefix("Relapse is a common part"))
        #expect(!printed.contains("you ›"), "no prompt when piped")
    }
}

/// A child process on a pseudo-terminal of its own (a new session, the terminal as its controlling
/// terminal), spawned with `posix_spawn` rather than `fork`, which is unsafe in a multithreaded test runner.
private final class PseudoTerminalProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Linux's TIOCSPTLCK, TIOCGPTN (`_IOW('T', 0x31, int)`, `_IOR('T', 0x30, unsigned int)`) and
    /// glibc's POSIX_SPAWN_SETSID, which are macros Swift does not import.
    private static let setLock = UInt(0x4004_5431)
    private static let getNumber = UInt(0x8004_5430)
    private static let newSession: Int32 = 0x80

    private let master: Int32
    private let pid: pid_t
    private var output: [UInt8] = []
    /// Where the next ``waitFor(_:timeout:)`` starts looking.
    private var searched = 0
    private var status: Int32?

    /// Everything the process wrote to the terminal so far.
    var transcript: String { String(decoding: output, as: UTF8.self) }

    init(_ binary: String, arguments: [String], environment: [String: String]) throws {
        // posix_openpt, unlockpt and ptsname, which Swift's Glibc module leaves out (they need _XOPEN_SOURCE).
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard master >= 0, ioctl(master, Self.setLock, &unlock) == 0, ioctl(master, Self.getNumber, &number) == 0
        else {
            throw Failure(description: "no pseudo-terminal: errno \(errno)")
        }
        let terminal = "/dev/pts/\(number)"
        var size = winsize(ws_row: 40, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // A new session, so that opening the terminal makes it the controlling one (Ctrl-C → SIGINT).
        posix_spawnattr_setflags(&attributes, Int16(Self.newSession | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, terminal, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDOUT_FILENO)
        posix_spawn_file_actions_adddup2(&actions, STDIN_FILENO, STDERR_FILENO)
        // Only the terminal: no other test's pipes.
        _ = GlibcSpawn.addCloseFrom(&actions, 3)

        let argv = ([binary] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = ChildProcesses.launching { posix_spawn(&pid, binary, &actions, &attributes, argv, envp) }
        guard result == 0 else {
            close(master)
            throw Failure(description: "posix_spawn \(binary): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    deinit {
        kill()
        close(master)
    }

    /// Sends keystrokes, as typed.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Reads until `text` appears after the previous match; returns what was printed up to and including it.
    ///
    /// The timeout only guards against a hung chat: a debug build loading its knowledge on a starved two-core
    /// machine can take far longer than the second it takes on a quiet one, so it is minutes, not seconds.
    @discardableResult
    func waitFor(_ text: String, timeout: Duration = .seconds(300)) throws -> String {
        let needle = Array(text.utf8)
        let deadline = ContinuousClock.now + timeout
        while true {
            if let range = find(needle) {
                let found = String(decoding: output[searched..<range.upperBound], as: UTF8.self)
                searched = range.upperBound
                return found
            }
            guard ContinuousClock.now < deadline, read(until: deadline) else {
                throw Failure(description: "waited for “\(text)”; the terminal showed:\n\(transcript)")
            }
        }
    }

    /// Waits for the process to end and returns its exit status (128 + signal if a signal ended it).
    func waitForExit(timeout: Duration = .seconds(300)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = reap() { return status }
            _ = read(until: ContinuousClock.now + .milliseconds(20))
        }
        throw Failure(description: "the chat did not exit; the terminal showed:\n\(transcript)")
    }

    /// Ends the process if it is still running.
    func kill() {
        guard reap() == nil else { return }
        Glibc.kill(pid, SIGKILL)
        var raw: Int32 = 0
        waitpid(pid, &raw, 0)
        status = 128 + SIGKILL
    }

    private func find(_ needle: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, output.count - searched >= needle.count else { return nil }
        for start in searched...(output.count - needle.count)
        where output[start] == needle[0] && output[start..<start + needle.count].elementsEqual(needle) {
            return start..<start + needle.count
        }
        return nil
    }

    /// Reads what is there (waiting until `deadline` for something); false once nothing more can come.
    private func read(until deadline: ContinuousClock.Instant) -> Bool {
        let remaining = deadline - ContinuousClock.now
        let milliseconds = max(
            0, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000))
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return ContinuousClock.now < deadline }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
        // EIO: the process closed the terminal (it exited).
        guard count > 0 else { return false }
        output += chunk[..<count]
        return true
    }

    private func reap() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        guard waitpid(pid, &raw, WNOHANG) == pid else { return nil }
        let signal = raw & 0x7f
        status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        return status
    }
}
