import Foundation
import Logging
import OpenDoorKit
import OpenDoorSQLite
import OpenDoorTestSupport
import Testing

/// `opendoor callbacks …` as staff run it: existing stores only, the path looked at, purge that asks,
/// backups.
@Suite("Staff commands", .serialized)
struct StaffCommandTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-staff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A store in `data` with `count` requests, made `daysAgo` days ago, marked `status`.
    static func makeStore(
        _ data: URL, count: Int, daysAgo: Double = 0, status: CallbackStatus = .new
    ) async throws -> [String] {
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        var configuration = SQLiteCallbackStore.Configuration()
        configuration.now = { Date().addingTimeInterval(-daysAgo * 86_400) }
        let store = try SQLiteCallbackStore(directory: data, configuration: configuration, logger: quiet)
        var references: [String] = []
        for number in 0..<count {
            let phone = PhoneNumber(e164: "+1470555\(String(format: "%04d", number))", extensionDigits: nil)!
            let draft = CallbackDraft(name: nil, phone: phone, bestTime: .morning, voicemailOK: false)
            let reference = try await store.save(draft, channel: .web).reference
            if status != .new { _ = try await store.mark(reference: reference, as: status) }
            references.append(reference)
        }
        try await store.close()
        return references
    }

    @Test(
        "with no store there, every staff command says which path it looked at and creates nothing",
        arguments: [
            ["callbacks", "list"], ["callbacks", "export"], ["callbacks", "mark", "K7M-3QP", "contacted"],
            ["callbacks", "purge", "--yes"], ["callbacks", "backup", "copy.sqlite"],
        ])
    func noStoreNoCreation(_ command: [String]) async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await OpenDoorProcess.run(command, directory: folder)
        #expect(result.status == 1)
        #expect(result.error.contains(folder.appendingPathComponent("opendoor-data").path), "\(result.error)")
        #expect(result.error.contains("--data DIR") && result.error.contains("$OPENDOOR_DATA"), "\(result.error)")
        #expect(!result.output.contains("No callback requests"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)

        // An empty --data or --store (a variable unset in a service unit) is refused by name, not read as here.
        for option in ["--data", "--store"] {
            let blank = try await OpenDoorProcess.run(command + [option, ""], directory: folder)
            #expect(blank.status == 64 && blank.error.contains("\(option) is empty"), "\(blank.error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)

        // An empty folder given with --data gets no database either.
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        let given = try await OpenDoorProcess.run(command + ["--data", empty.path], directory: folder)
        #expect(given.status == 1)
        #expect(given.error.contains("chosen by --data"), "\(given.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path).isEmpty)

        // An empty callbacks.sqlite (a `touch`, a crash while creating) is not made into a store (QA18 O4).
        let file = empty.appendingPathComponent("callbacks.sqlite")
        #expect(FileManager.default.createFile(atPath: file.path, contents: nil))
        let touched = try await OpenDoorProcess.run(command + ["--data", empty.path], directory: folder)
        #expect(touched.status == 1)
        #expect(touched.error.contains("holds no OpenDoor callback store"), "\(touched.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.path) == ["callbacks.sqlite"])
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int == 0)
    }

    @Test("a staff command that can't reach PostgreSQL says so and exits, without promising to retry (QA18 O6)")
    func unreachablePostgres() async throws {
        let result = try await OpenDoorProcess.run(["callbacks", "list", "--store", "postgres://opendoor@127.0.0.1:1/x"])
        #expect(result.status == 1)
        #expect(result.error.contains("could not be made"), "\(result.error)")
        #expect(!result.error.contains("retrying"), "\(result.error)")
    }

    @Test("purge shows what would go: --dry-run keeps all, no terminal and no --yes refuses, --yes deletes")
    func purgeConfirms() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let references = try await Self.makeStore(data, count: 3, daysAgo: 3, status: .contacted)
        let purge = ["callbacks", "purge", "--older-than", "2", "--data", data.path]

        let dry = try await OpenDoorProcess.run(purge + ["--dry-run"])
        #expect(dry.status == 0, "\(dry.error)")
        #expect(references.allSatisfy { dry.output.contains($0) }, "\(dry.output)")
        #expect(dry.output.contains("Dry run: nothing was deleted."))

        let unconfirmed = try await OpenDoorProcess.run(purge)
        #expect(unconfirmed.status == 1)
        #expect(references.allSatisfy { unconfirmed.output.contains($0) })
        #expect(unconfirmed.error.contains("needs --yes"), "\(unconfirmed.error)")
        #expect(try await OpenDoorProcess.run(["callbacks", "list", "--data", data.path]).output.contains(references[0]))

        let confirmed = try await OpenDoorProcess.run(purge + ["--yes"])
        #expect(confirmed.status == 0, "\(confirmed.error)")
        #expect(confirmed.output.contains("Deleted 3 request(s)"))
        let after = try await OpenDoorProcess.run(["callbacks", "list", "--data", data.path])
        #expect(!references.contains { after.output.contains($0) })
    }

    @Test("one row written outside OpenDoor: list, export and purge show the others and name it on stderr (QA20 O3)")
    func unreadableRowNamed() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let references = try await Self.makeStore(data, count: 3, daysAgo: 3, status: .contacted)
        let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let store = try SQLiteCallbackStore(directory: data, logger: quiet)
        try await store.execute(sql: "UPDATE callback_request SET channel = 'fax' WHERE reference = '\(references[1])'")
        try await store.close()
        let named = "\(references[1]) (row 2): unreadable channel 'fax'"

        for command in [["list"], ["export", "--format", "csv"], ["export", "--format", "json"]] {
            let result = try await OpenDoorProcess.run(["callbacks"] + command + ["--data", data.path])
            #expect(result.status == 0, "\(command): \(result.error)")
            #expect(result.output.contains(references[0]) && result.output.contains(references[2]), "\(result.output)")
            #expect(!result.output.contains(references[1]), "\(result.output)")
            #expect(result.error.contains("1 request could not be read and is not shown: \(named)"), "\(result.error)")
            #expect(!result.error.contains("Move the file aside"), "\(result.error)")
        }
        let dry = try await OpenDoorProcess.run(["callbacks", "purge", "--older-than", "2", "--dry-run", "--data", data.path])
        #expect(dry.status == 0, "\(dry.error)")
        #expect(dry.error.contains(named) && dry.error.contains("Purge leaves such requests in the store"), "\(dry.error)")
        let purged = try await OpenDoorProcess.run(["callbacks", "purge", "--older-than", "2", "--yes", "--data", data.path])
        #expect(purged.output.contains("Deleted 2 request(s)"), "\(purged.output)")
        let left = try await OpenDoorProcess.run(["callbacks", "list", "--data", data.path])
        #expect(left.error.contains(named), "\(left.error)")
    }

    @Test("purge keeps requests nobody has called back unless --include-new, and refuses a retention under a day")
    func purgeKeepsNew() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let waiting = try await Self.makeStore(data, count: 2, daysAgo: 5)
        let called = try await Self.makeStore(data, count: 1, daysAgo: 5, status: .contacted)
        let purge = ["callbacks", "purge", "--older-than", "1", "--data", data.path]

        let kept = try await OpenDoorProcess.run(purge + ["--yes"])
        #expect(kept.status == 0, "\(kept.error)")
        #expect(kept.output.contains("Deleted 1 request(s)"), "\(kept.output)")
        #expect(kept.output.contains("2 still new"), "\(kept.output)")
        let listed = try await OpenDoorProcess.run(["callbacks", "list", "--data", data.path]).output
        #expect(waiting.allSatisfy { listed.contains($0) } && !listed.contains(called[0]), "\(listed)")

        let all = try await OpenDoorProcess.run(purge + ["--yes", "--include-new"])
        #expect(all.output.contains("Deleted 2 request(s)"), "\(all.output)")

        for days in ["0", "-5"] {
            let refused = try await OpenDoorProcess.run(["callbacks", "purge", "--older-than", days, "--data", data.path])
            #expect(refused.status == 64)
            #expect(refused.error.contains("--older-than is a number of days, 1 or more"), "\(refused.error)")
        }
    }

    @Test("marking a request with the status it has says nothing changed")
    func markUnchanged() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let references = try await Self.makeStore(data, count: 1)
        let same = try await OpenDoorProcess.run(["callbacks", "mark", references[0], "new", "--data", data.path])
        #expect(same.status == 0, "\(same.error)")
        #expect(same.output.contains("\(references[0]) is already new; nothing changed."), "\(same.output)")
        let changed = try await OpenDoorProcess.run(["callbacks", "mark", references[0], "contacted", "--data", data.path])
        #expect(changed.output.contains("\(references[0]) is now contacted."), "\(changed.output)")
    }

    @Test("purge at a terminal deletes only on the word yes; a retention it can't read is an error, not 90 days")
    func purgeTakesOnlyYes() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let references = try await Self.makeStore(data, count: 2, daysAgo: 3, status: .closed)

        // `script` gives the command a terminal, and types what it reads from its own input.
        let command = [OpenDoorProcess.binary.path, "callbacks", "purge", "--older-than", "2", "--data", data.path]
        let terminal = ChildProcess()
        terminal.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        terminal.arguments = ["-qec", command.joined(separator: " "), "/dev/null"]
        let said = try await ChildProcesses.runToEnd(terminal, input: "y\n").output
        #expect(said.contains("Nothing was deleted"), "\(said)")
        #expect(try await OpenDoorProcess.run(["callbacks", "list", "--data", data.path]).output.contains(references[0]))

        let environment = ChildProcess()
        environment.executableURL = OpenDoorProcess.binary
        environment.arguments = ["callbacks", "purge", "--yes", "--data", data.path]
        environment.environment = ChildProcesses.environment(adding: ["OPENDOOR_RETENTION_DAYS": "xyz"])
        let finished = try await ChildProcesses.runToEnd(environment)
        let error = finished.error
        #expect(finished.status == 64)
        #expect(error.contains("OPENDOOR_RETENTION_DAYS") && error.contains("xyz"), "\(error)")
        #expect(try await OpenDoorProcess.run(["callbacks", "list", "--data", data.path]).output.contains(references[1]))
    }

    @Test("backup writes a complete copy once, into a file or a dated file in a folder, and never overwrites")
    func backup() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let references = try await Self.makeStore(data, count: 4)
        let copy = folder.appendingPathComponent("copy.sqlite")
        let first = try await OpenDoorProcess.run(["callbacks", "backup", copy.path, "--data", data.path])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("Backed up 4 request(s)"))
        let listed = try await OpenDoorProcess.run(["callbacks", "list", "--data", folder.path + "/restored"])
        #expect(listed.status == 1)
        let restored = folder.appendingPathComponent("restored")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: false)
        try FileManager.default.copyItem(at: copy, to: restored.appendingPathComponent("callbacks.sqlite"))
        let fromCopy = try await OpenDoorProcess.run(["callbacks", "list", "--data", restored.path])
        #expect(references.allSatisfy { fromCopy.output.contains($0) }, "\(fromCopy.output) \(fromCopy.error)")

        let again = try await OpenDoorProcess.run(["callbacks", "backup", copy.path, "--data", data.path])
        #expect(again.status == 1)
        #expect(again.error.contains("already there"), "\(again.error)")

        let dated = try await OpenDoorProcess.run(["callbacks", "backup", folder.path, "--data", data.path])
        #expect(dated.status == 0, "\(dated.error)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(names.contains { $0.wholeMatch(of: /callbacks-\d{4}-\d{2}-\d{2}-\d{6}\.sqlite/) != nil }, "\(names)")
    }

    @Test("backups into one folder in the same second each get a file (QA25 S3-2); an empty destination is refused (S3-3)")
    func backupsInOneSecond() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try await Self.makeStore(data, count: 1)
        let copies = folder.appendingPathComponent("copies")
        try FileManager.default.createDirectory(at: copies, withIntermediateDirectories: false)
        // The dated names of this second and the next 30 taken already: as if backups had just run, whatever the
        // clock does while the command starts.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd-HHmmss"
        let now = Date()
        for second in 0..<30 {
            let name = "callbacks-\(formatter.string(from: now.addingTimeInterval(TimeInterval(second)))).sqlite"
            FileManager.default.createFile(atPath: copies.appendingPathComponent(name).path, contents: Data())
        }
        let run = try await OpenDoorProcess.run(["callbacks", "backup", copies.path + "/", "--data", data.path])
        #expect(run.status == 0, "\(run.error)")
        let names = try FileManager.default.contentsOfDirectory(atPath: copies.path)
        #expect(names.count == 31, "\(names)")
        #expect(names.contains { $0.hasSuffix("-2.sqlite") }, "\(names)")
        #expect(!names.contains { $0.hasSuffix("-journal") }, "\(names)")
        let empty = try await OpenDoorProcess.run(["callbacks", "backup", "", "--data", data.path])
        #expect(empty.status != 0)
        #expect(empty.error.contains("destination is empty"), "\(empty.error)")
    }

    @Test("backup DIR/ means a folder: a missing one is an error and nothing is written")
    func backupTrailingSlash() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try await Self.makeStore(data, count: 1)
        let missing = folder.appendingPathComponent("backups")
        let refused = try await OpenDoorProcess.run(["callbacks", "backup", missing.path + "/", "--data", data.path])
        #expect(refused.status == 1)
        #expect(refused.error.contains("the folder \(missing.path) does not exist"), "\(refused.error)")
        #expect(!FileManager.default.fileExists(atPath: missing.path))

        try FileManager.default.createDirectory(at: missing, withIntermediateDirectories: false)
        let written = try await OpenDoorProcess.run(["callbacks", "backup", missing.path + "/", "--data", data.path])
        #expect(written.status == 0, "\(written.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: missing.path).count == 1)
    }

    @Test("a backup destination with a line break or control character is refused, nothing written (QA27 S3-3)")
    func backupControlCharacters() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try await Self.makeStore(data, count: 1)
        let names = ["new\n2026-12-07T00:00:00+0000 critical fake.sqlite", "new\u{1B}[2Jcopy.sqlite", "tab\tcopy.sqlite"]
        for name in names {
            let refused = try await OpenDoorProcess.run(
                ["callbacks", "backup", folder.appendingPathComponent(name).path, "--data", data.path])
            #expect(refused.status != 0, "\(refused.output)")
            #expect(refused.error.contains("control character"), "\(refused.error)")
            #expect(!refused.output.contains("critical fake") && !refused.error.contains("critical fake"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["data"])
    }

    @Test("crisis-counts refuses an absurd number of days with what to give instead (QA27 S3-6)")
    func crisisCountsDays() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try await Self.makeStore(data, count: 1)
        let absurd = try await OpenDoorProcess.run(["crisis-counts", "--days", "999999999", "--data", data.path])
        #expect(absurd.status != 0)
        #expect(absurd.error.contains("--days is at most 3660"), "\(absurd.error)")
        #expect(!absurd.output.contains("4713"), "\(absurd.output)")
        let tenYears = try await OpenDoorProcess.run(["crisis-counts", "--days", "3660", "--data", data.path])
        #expect(tenYears.status == 0, "\(tenYears.error)")
    }

    @Test("without --knowledge or $OPENDOOR_KNOWLEDGE, only ./Knowledge is tried: elsewhere a clear error, never the build tree's")
    func noHiddenKnowledgeFallback() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in [["ask", "i want to kill myself"], ["lint"], ["serve", "--port", "0", "--json-port", "0"]] {
            let result = try await OpenDoorProcess.run(command, directory: folder)
            #expect(result.status == 1, "\(command): \(result.output)")
            #expect(!result.output.contains("Carter"), "answered from some other knowledge: \(result.output)")
            #expect(
                result.error.contains("Looked for the knowledge in \(folder.appendingPathComponent("Knowledge").path) "
                    + "(chosen by the default, ./Knowledge in the current folder)"), "\(command): \(result.error)")
        }
        // Run from a folder that has ./Knowledge (the repository's root, as the README says), it is found.
        let here = try await OpenDoorProcess.run(["ask", "what are your hours"])
        #expect(here.status == 0, "\(here.error)")
    }

    @Test("messages blame what is wrong: the backup's destination, a missing knowledge folder, a host, a second password line")
    func messagesNameTheCause() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try await Self.makeStore(data, count: 1)
        let existing = folder.appendingPathComponent("existing.sqlite")
        try Data().write(to: existing)

        let onExisting = try await OpenDoorProcess.run(["callbacks", "backup", existing.path, "--data", data.path])
        #expect(onExisting.status == 1)
        #expect(onExisting.error.contains("No backup was written") && onExisting.error.contains("already there"))
        #expect(!onExisting.error.contains("--data") && !onExisting.error.contains("Could not open the callback database"))
        #expect(!onExisting.error.contains("error opendoor"), "no raw log line: \(onExisting.error)")

        let missingFolder = try await OpenDoorProcess.run(["callbacks", "backup", "/nonexistent/dir/copy.sqlite", "--data", data.path])
        #expect(missingFolder.status == 1)
        #expect(missingFolder.error.contains("the folder /nonexistent/dir does not exist"), "\(missingFolder.error)")
        #expect(!missingFolder.error.contains("There is no callback database"))

        let knowledge = try await OpenDoorProcess.run(["ask", "hello", "--knowledge", "/nonexistent"])
        #expect(knowledge.status == 1)
        #expect(knowledge.error.contains("There is no folder here"), "\(knowledge.error)")

        let host = try await OpenDoorProcess.run(["serve", "--host", "999.1.1.1", "--port", "0", "--json-port", "0", "--data", data.path])
        #expect(host.status != 0)
        #expect(host.error.contains("Check --host") && !host.error.contains("Another program"), "\(host.error)")

        let once = try await OpenDoorProcess.run(["staff-user", "add", "dana", "--data", data.path], input: "pw-only-once")
        #expect(once.status == 1)
        #expect(once.error.contains("must be given twice"), "\(once.error)")
    }

    @Test("a crisis reply naming a fact center.yaml lacks stops ask with safety.yaml:line, its folder included")
    func crisisReplyPlaceholder() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let knowledge = folder.appendingPathComponent("k12")
        try FileManager.default.copyItem(at: OpenDoorProcess.knowledge, to: knowledge)
        let safety = knowledge.appendingPathComponent("safety.yaml")
        let text = try String(contentsOf: safety, encoding: .utf8)
        let range = try #require(text.range(of: "{center.name}: {center.phone}."))
        try text.replacingCharacters(in: range, with: "{center.name}: {center.fone}.").write(
            to: safety, atomically: true, encoding: .utf8)
        let ask = try await OpenDoorProcess.run(["ask", "--knowledge", knowledge.path, "i took 30 pills"])
        #expect(ask.status == 1)
        #expect(!ask.output.contains("{center.fone}"), "shown to a visitor: \(ask.output)")
        #expect(ask.error.contains("\(safety.path):") && ask.error.contains("{center.fone}"), "\(ask.error)")
    }

    @Test("chat leaves everything in callbacks.sqlite itself: a copy of that file alone lists every request")
    func chatCheckpointsOnExit() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        let reference = try await FaultTests.saveOne(data: data)
        let alone = folder.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: false)
        try FileManager.default.copyItem(
            at: data.appendingPathComponent("callbacks.sqlite"), to: alone.appendingPathComponent("callbacks.sqlite"))
        let list = try await OpenDoorProcess.run(["callbacks", "list", "--data", alone.path])
        #expect(list.status == 0, "\(list.error)")
        #expect(list.output.contains(reference))
    }

    /// Runs `opendoor ARGUMENTS` through the shell with `redirect` after it (`> /dev/full`), after `limit` (`ulimit -f 1`).
    static func runRedirected(_ arguments: [String], redirect: String, limit: String = ":") async throws -> (
        status: Int32, error: String
    ) {
        let shell = ChildProcess()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        let command = ([OpenDoorProcess.binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        shell.arguments = ["-c", "\(limit); exec \(command) \(redirect)"]
        let finished = try await ChildProcesses.runToEnd(shell)
        return (finished.status, finished.error)
    }

    @Test(
        "an export, list or count that can't be written fails and says so (QA29 S2-5: > /dev/full exited 0)",
        arguments: [
            ["callbacks", "export"], ["callbacks", "export", "--format", "json"], ["callbacks", "list"],
            ["crisis-counts"],
        ])
    func writeErrorsFail(_ command: [String]) async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try await Self.makeStore(data, count: 3)
        let full = try await Self.runRedirected(command + ["--data", data.path], redirect: "> /dev/full")
        #expect(full.status == 1, "\(command): \(full.error)")
        #expect(full.error.contains("Could not write") && full.error.contains("no space left"), "\(full.error)")
    }

    @Test("an export cut short by the file size limit removes its partial file; one that fits is kept whole")
    func partialExportRemoved() async throws {
        let folder = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        _ = try await Self.makeStore(data, count: 500)
        let file = folder.appendingPathComponent("export.csv")
        // 64 blocks of 512 bytes: room for the store's 32 KB shared-memory file, not for 500 rows (about 50 KB).
        let cut = try await Self.runRedirected(
            ["callbacks", "export", "--data", data.path, "--page-size", "50"], redirect: "> '\(file.path)'",
            limit: "ulimit -f 64")
        #expect(cut.status == 1, "\(cut.error)")
        #expect(cut.error.contains("partial file") && cut.error.contains(file.path), "\(cut.error)")
        #expect(!FileManager.default.fileExists(atPath: file.path), "the partial export is gone")

        let whole = try await Self.runRedirected(["callbacks", "export", "--data", data.path], redirect: "> '\(file.path)'")
        #expect(whole.status == 0, "\(whole.error)")
        // CSV rows end in CRLF, one Character in Swift: split at any line break.
        let rows = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline)
        #expect(rows.count == 501, "the header and 500 rows")
    }
}
