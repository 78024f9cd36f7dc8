import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor callbacks …`: what staff do with callback requests.
    struct Callbacks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, export, mark, purge and back up callback requests (staff only).",
            discussion: """
                These commands open an existing store only (they never create one): the PostgreSQL database \
                given by --store URL or $OPENDOOR_STORE, else the folder given by --data DIR, else \
                $OPENDOOR_DATA, else ./opendoor-data in the current folder.
                """,
            subcommands: [List.self, Export.self, Mark.self, Purge.self, Backup.self, Copy.self])
    }
}

extension OpenDoor.Callbacks {
    /// `opendoor callbacks list [--status new]`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show callback requests as a table, newest first.")

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Option(help: "Only requests with this status (new, contacted, closed).")
        var status: CallbackStatus?

        @OptionGroup var paging: PagingOptions

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .critical)
            let store = try await data.openStaffStore(logger: logger, writes: false)
            // One read, a page at a time: the columns are measured on the first rows (a table of up to a thousand is
            // the whole table's), the rest written as they come, wrapping a wider cell; never the whole list in memory,
            // and no row saved meanwhile can change a column already written.
            var table = CallbackReport.TableWriter()
            var skipped = CallbackListing(requests: [])
            let output = StaffOutput("the list")
            try await store.forEachPage(status: status, pageSize: paging.pageSize) { page in
                try output.write(table.add(page.requests))
                skipped.unreadable += page.unreadable
            }
            try output.write(table.finish())
            try output.finish()
            skipped.warning.map(printError)
            try? await store.close()
        }
    }

    /// How many requests `list` and `export` read at a time.
    struct PagingOptions: ParsableArguments {
        @Option(help: ArgumentHelp("Requests read from the store at a time.", visibility: .hidden))
        var pageSize = 1_000

        func validate() throws {
            if pageSize < 1 { throw ValidationError("--page-size is a number of requests, 1 or more.") }
        }
    }

    /// `opendoor callbacks export --format csv|json`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write every callback request as CSV or JSON.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case csv, json
        }

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Option(help: "csv or json.")
        var format: Format = .csv

        @Option(help: "Only requests with this status (new, contacted, closed).")
        var status: CallbackStatus?

        @OptionGroup var paging: PagingOptions

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .critical)
            let store = try await data.openStaffStore(logger: logger, writes: false)
            // Written a page at a time as it is read: an export of any length in the memory of one page.
            var skipped = CallbackListing(requests: [])
            var json = CallbackReport.JSONArrayWriter()
            let output = StaffOutput("the export")
            if format == .csv { try output.write(CallbackReport.csvHeader) }
            try await store.forEachPage(status: status, pageSize: paging.pageSize) { page in
                switch format {
                case .csv: try output.write(CallbackReport.csvRows(page.requests))
                case .json: try output.write(json.page(page.requests))
                }
                skipped.unreadable += page.unreadable
            }
            // As before pages: the array's text, then a line end.
            if format == .json { try output.write(json.end() + "\n") }
            try output.finish()
            // On standard error: the export itself stays well-formed.
            skipped.warning.map(printError)
            try? await store.close()
        }
    }

    /// `opendoor callbacks mark REF contacted|closed`.
    struct Mark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Record that a request was handled.")

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Argument(help: "The request's reference code, e.g. K7M-3QP.")
        var reference: String

        @Argument(help: "contacted or closed (or new, to reopen).")
        var status: CallbackStatus

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .critical)
            let store = try await data.openStaffStore(logger: logger, writes: true)
            let marked: CallbackRequest?
            let unchanged: Bool
            do {
                unchanged = try await store.find(reference: reference)?.status == status
                // Recorded in the audit like a change made in the staff console, as the system user who ran it.
                if let audited = store as? any CallbackAuditStore {
                    marked = try await audited.mark(reference: reference, as: status, by: "shell:" + NSUserName())
                } else {
                    marked = try await store.mark(reference: reference, as: status)
                }
            } catch {
                try? await store.close()
                printError(DataOptions.oneShot(error))
                throw ExitCode(1)
            }
            try? await store.close()
            guard let request = marked else {
                printError(
                    "No callback request in \(store.path) has the reference \(reference). "
                        + "`opendoor callbacks list` shows them.")
                throw ExitCode(1)
            }
            print(
                unchanged
                    ? "\(request.reference) is already \(request.status.rawValue); nothing changed."
                    : "\(request.reference) is now \(request.status.rawValue).")
        }
    }

    /// `opendoor callbacks purge --older-than DAYS`.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete callback requests older than the retention period.",
            discussion: """
                A callback request is sensitive health information: keep it only as long as the center needs it.
                The retention defaults to $OPENDOOR_RETENTION_DAYS, or 90 days (at least 1). Requests still new                 (nobody has called them back) are kept unless --include-new says otherwise.
                """)

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        // Unconditional: "-5" is this option's value (refused as a number of days), not an unknown option.
        @Option(parsing: .unconditional, help: "Delete requests created more than this many days ago (1 or more).")
        var olderThan: Int?

        @Flag(help: "Also delete requests still new: nobody has called them back yet.")
        var includeNew = false

        @Flag(help: "Delete without asking (for scripts and cron). Without a terminal, purge needs it.")
        var yes = false

        @Flag(help: "Only show what would be deleted.")
        var dryRun = false

        @OptionGroup var paging: PagingOptions

        /// `--older-than`, else `$OPENDOOR_RETENTION_DAYS`, else 90 (``validate()`` has checked both).
        var days: Int {
            olderThan ?? Self.environmentDays.flatMap(Int.init) ?? 90
        }

        /// `$OPENDOOR_RETENTION_DAYS` as written, when set.
        static var environmentDays: String? {
            ProcessInfo.processInfo.environment["OPENDOOR_RETENTION_DAYS"].flatMap { $0.isEmpty ? nil : $0 }
        }

        func validate() throws {
            // 0 days would delete what arrived a minute ago: a retention is at least a day.
            if let olderThan, olderThan < 1 { throw ValidationError("--older-than is a number of days, 1 or more.") }
            // A retention that can't be read never falls back to 90 days: deleting is not to be guessed at.
            if olderThan == nil, let text = Self.environmentDays, (Int(text) ?? -1) < 1 {
                throw ValidationError(
                    "$OPENDOOR_RETENTION_DAYS is “\(text)”; it must be a number of days, 1 or more (or unset for 90).")
            }
            if yes && dryRun { throw ValidationError("--dry-run deletes nothing; leave out --yes.") }
        }

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .critical)
            let store = try await data.openStaffStore(logger: logger, writes: !dryRun)
            let cutoff = Date().addingTimeInterval(-Double(days) * 86_400)
            // One read, a page at a time from the cutoff on, never the whole store in memory: the rows that would go
            // are written as a table as they come (columns measured on the first rows, as `list` does), counted, and
            // their highest id kept; the summary follows the table, right above the question. The delete then takes
            // rows up to that id only. A server saving meanwhile is not in the way: its rows are newer than the cutoff,
            // a copy's old rows come with higher ids, and each delete looks at a row's status again (a request
            // reopened since stays).
            let start = CallbackCursor.before(cutoff)
            var (doomed, keptNew, lastID) = (0, 0, Int64.min)
            var skipped = CallbackListing(requests: [])
            var table = CallbackReport.TableWriter()
            try await store.forEachPage(status: nil, pageSize: paging.pageSize, from: start) { page in
                let shown = page.requests.filter { includeNew || $0.status != .new }
                doomed += shown.count
                keptNew += page.requests.count - shown.count
                lastID = shown.map(\.id).reduce(lastID, max)
                print(table.add(shown), terminator: "")
                skipped.unreadable += page.unreadable
            }
            let kept = keptNew == 0 ? "" : " \(keptNew) still new (nobody has called them back) are kept; --include-new deletes them too."
            if doomed > 0 {
                print(table.finish(), terminator: "")
                print("These \(doomed) request(s) in \(store.path), listed above, are older than \(days) day(s).\(kept)")
            }
            // Purge deletes by age and status, which it reads in any row: an unreadable one is kept all the same.
            skipped.warning.map { printError($0 + " Purge leaves such requests in the store.") }
            guard doomed > 0 else {
                print("No request in \(store.path) older than \(days) day(s) is to be deleted; nothing to delete.\(kept)")
                try? await store.close()
                return
            }
            if dryRun {
                print("Dry run: nothing was deleted.")
                try? await store.close()
                return
            }
            if !yes {
                guard isatty(STDIN_FILENO) != 0 else {
                    try? await store.close()
                    printError("Nothing was deleted: without a terminal to confirm on, purge needs --yes.")
                    throw ExitCode(1)
                }
                print("Delete them for good? Type yes to delete: ", terminator: "")
                fflush(nil)
                let answer = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces).lowercased()
                // Only the word the prompt asks for: "y" or a stray key deletes nothing.
                guard answer == "yes" else {
                    try? await store.close()
                    print("Nothing was deleted.")
                    return
                }
            }
            let removed = try await store.purge(olderThan: cutoff, includingNew: includeNew, through: lastID)
            let changed =
                removed == doomed
                ? "" : " (\(doomed) were shown: the others' status changed, or they were deleted, while purge ran)"
            print("Deleted \(removed) request(s) older than \(days) day(s).\(changed)")
            try? await store.close()
        }
    }

    /// `opendoor callbacks backup DEST`.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the whole store into one new file, safely while OpenDoor runs.",
            discussion: """
                Uses SQLite's online backup: the copy is consistent even while visitors save requests. DEST is \
                a new file (never overwritten), or an existing folder to put callbacks-YYYY-MM-DD-HHMMSS.sqlite \
                in; a DEST ending in / is always a folder, and must exist. The copy holds names and phone numbers: it is readable by its owner only; keep it as \
                carefully as the store. Restore by stopping OpenDoor and putting the copy in place as \
                callbacks.sqlite.
                """)

        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions

        @Argument(help: "The new file, or a folder to write a dated file in.")
        var destination: String

        func validate() throws {
            // "" would be the current folder (QA25 S3-3), as --data "" is refused.
            if destination.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("The backup's destination is empty: give a new file name or an existing folder.")
            }
            // A line break or another control character in the name is refused: it would be printed as it is, and
            // could make the output (or a log that keeps it) show a line that isn't there (QA27 S3-3).
            if destination.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw ValidationError(
                    "The backup's destination has a line break or another control character in it: "
                        + "give a file name or folder without one.")
            }
        }

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .critical)
            var target = URL(fileURLWithPath: destination)
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory)
            // "DIR/" names a folder: a missing one is an error, never a file called DIR (a nightly job's first
            // backup would become that file, and every later one would fail on it).
            if destination.hasSuffix("/") && !(exists && isDirectory.boolValue) {
                printError(
                    exists
                        ? "No backup was written: \(target.path) is a file, not a folder. Give a folder, or a new file name without the /."
                        : "No backup was written: the folder \(target.path) does not exist. Create it (mkdir -p \(target.path)) or give another.")
                throw ExitCode(1)
            }
            if exists, isDirectory.boolValue {
                let stamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
                    .replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "T", with: "-")
                    .replacingOccurrences(of: "Z", with: "")
                // A second backup in the same second gets -2 (then -3 …), not "a file is already there" (QA25 S3-2).
                let folder = target
                target = folder.appendingPathComponent("callbacks-\(stamp).sqlite")
                var number = 2
                while FileManager.default.fileExists(atPath: target.path), number < 100 {
                    target = folder.appendingPathComponent("callbacks-\(stamp)-\(number).sqlite")
                    number += 1
                }
            }
            if case .postgres = try data.location() {
                printError("backup copies a SQLite store; back up a PostgreSQL store with pg_dump or its replication.")
                throw ExitCode(1)
            }
            let store = try data.openExisting(logger: logger, writes: false)
            do {
                let count = try await store.backup(to: target)
                try? await store.close()
                print("Backed up \(count) request(s) from \(store.path) to \(target.path).")
            } catch {
                try? await store.close()
                printError(
                    "No backup was written to \(target.path): \(Self.reason(error, target: target)). "
                        + "The store \(store.path) is unchanged; give a new file name or an existing folder.")
                throw ExitCode(1)
            }
        }

        /// Why the copy could not be written, about the destination (the store itself opened fine).
        static func reason(_ error: any Error, target: URL) -> String {
            guard let error = error as? CallbackStoreError else { return "\(error)" }
            let folder = target.deletingLastPathComponent().path
            switch error.code {
            case .notFound: return "the folder \(folder) does not exist"
            case .permissionDenied: return "this user may not write in \(folder)"
            case .readOnly: return "\(folder) is on a read-only file system"
            case .diskFull: return "the disk holding \(folder) is full"
            default: return error.reason ?? "\(error.code)"
            }
        }
    }
}

extension CallbackStatus: ExpressibleByArgument {}
