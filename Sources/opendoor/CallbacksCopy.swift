import ArgumentParser
import Foundation
import OpenDoorKit
import OpenDoorPostgres
import OpenDoorSQLite

extension OpenDoor.Callbacks {
    /// `opendoor callbacks copy --from sqlite:PATH --to postgres://…`.
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every callback request from one store into a PostgreSQL store.",
            discussion: """
                Moves an existing SQLite store to the PostgreSQL database several servers share. Requests keep \
                their reference code, time and status. Running it again is safe: a request whose reference is \
                already in the target is left alone, so copying twice gives the same store as once. The source \
                is only read. Stop the servers writing to the source first, or copy again after they stop. \
                The source's reply and crisis counts (the staff console's counts page, opendoor crisis-counts) are \
                copied too, kept under the source's name and added to what the servers count: copying again from \
                the same source replaces them, never adds them twice.
                """)

        @Option(help: ArgumentHelp("The store to read: sqlite:DIR (the folder of callbacks.sqlite) or postgres://…",
                                   valueName: "store"))
        var from: String

        @Option(help: ArgumentHelp("The PostgreSQL store to add to: postgres://USER@HOST:PORT/DB.", valueName: "url"))
        var to: String

        @OptionGroup var logging: LogOptions

        @Option(help: ArgumentHelp("Requests read and copied at a time (one transaction each).", visibility: .hidden))
        var batchSize = 1_000

        func validate() throws {
            if batchSize < 1 { throw ValidationError("--batch-size is a number of requests, 1 or more.") }
            _ = try StoreLocation(from, origin: "--from")
            guard case .postgres = try StoreLocation(to, origin: "--to") else {
                throw ValidationError("--to must be a PostgreSQL store: postgres://USER@HOST:PORT/DB.")
            }
        }

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.callbacks", defaultLevel: .critical)
            guard case .postgres(let targetURL, _) = try StoreLocation(to, origin: "--to") else { throw ExitCode(64) }
            let source: any StaffStore
            switch try StoreLocation(from, origin: "--from") {
            case .sqlite(let directory, _):
                var configuration = SQLiteCallbackStore.Configuration()
                configuration.createIfMissing = false
                configuration.readOnly = true
                do {
                    source = try SQLiteCallbackStore(directory: directory, configuration: configuration, logger: logger)
                } catch {
                    printError("\(error)\nLooked in \(directory.path) (chosen by --from).")
                    throw ExitCode(1)
                }
            case .postgres(let url, _):
                do {
                    source = try await PostgresCallbackStore.open(
                        url: url, configuration: .forCommand(creating: false), logger: logger)
                } catch {
                    printError("\(DataOptions.oneShot(error))\n(the store given by --from)")
                    throw ExitCode(1)
                }
            }
            let target: PostgresCallbackStore
            do {
                var configuration = PostgresCallbackStore.Configuration.forCommand(creating: true)
                configuration.copyBatchSize = batchSize
                target = try await PostgresCallbackStore.open(url: targetURL, configuration: configuration, logger: logger)
            } catch {
                try? await source.close()
                printError("\(DataOptions.oneShot(error))\n(the store given by --to)")
                throw ExitCode(1)
            }
            // A page of the source at a time, each page one batch (one transaction) in the target: a store of any size
            // in the memory of one page. Killed or failed part way, the pages before stay copied and a second run skips
            // them (references already there), so it completes the copy with nothing twice.
            var report = PostgresCallbackStore.CopyReport()
            var skipped = CallbackListing(requests: [])
            do {
                let name = try await Self.identity(of: source)
                if name == (try await target.identity()) {
                    try? await source.close()
                    try? await target.close()
                    printError(
                        "--from and --to name the same database (\(name)): a store can't be copied into itself. "
                            + "Nothing was copied.")
                    throw ExitCode(1)
                }
                report.add(try await target.copy([], counts: try await Self.counts(of: source, named: name)))
                try await source.forEachPage(status: nil, pageSize: batchSize) { page in
                    report.add(try await target.copy(page.requests))
                    skipped.unreadable += page.unreadable
                }
                if let audited = source as? any CallbackAuditStore {
                    try await audited.forEachStatusChangePage(pageSize: batchSize) { changes in
                        // The batch's own order is newest first, as `copy` reads a whole audit.
                        report.add(try await target.copy([], changes: changes.reversed()))
                    }
                }
            } catch let exit as ExitCode {
                throw exit
            } catch {
                try? await source.close()
                try? await target.close()
                let done = report.copied + report.alreadyThere
                printError(
                    "\(error)\n\(done) request(s) were copied or found there before it stopped; they stay copied, and it is "
                        + "safe to run the copy again: those already there are skipped.")
                throw ExitCode(1)
            }
            let listing = skipped
            try? await source.close()
            try? await target.close()
            print(
                "Copied \(report.copied) request(s) from \(source.path) to \(target.path); "
                    + "\(report.alreadyThere) were there already. Counts copied: \(report.replyCounts) replies, "
                    + "\(report.crisisCounts) crisis replies and check-ins. Status changes (who marked what, when) "
                    + "copied: \(report.statusChanges); \(report.statusChangesAlreadyThere) were there already.")
            // Not copied, so named, and the copy fails: the source may be about to be retired.
            if let warning = listing.warning {
                printError(warning.replacingOccurrences(of: "not shown", with: "not copied"))
            }
            if !report.conflicts.isEmpty || !listing.unreadable.isEmpty {
                guard !report.conflicts.isEmpty else { throw ExitCode(1) }
                printError(
                    "\(report.conflicts.count) request(s) were not copied: the target holds other requests with "
                        + "the same reference (\(report.conflicts.joined(separator: ", "))). "
                        + "Look them up in both stores with `opendoor callbacks list`.")
                throw ExitCode(1)
            }
        }

        /// Every reply and crisis count the source keeps, under the source's name (``identity(of:)``).
        static func counts(of source: any StaffStore, named name: String) async throws
            -> PostgresCallbackStore.CopiedCounts?
        {
            guard let counted = source as? any ReplyCountStore & CrisisCountStore else { return nil }
            return PostgresCallbackStore.CopiedCounts(
                source: name, replies: try await counted.replyCounts(since: ""),
                crises: try await counted.crisisCounts(since: ""))
        }

        /// What the source really is, however it was named: a SQLite file by its path with every symbolic link
        /// resolved (a link to a folder copied before is the same source, not a new one); a PostgreSQL database
        /// by its cluster's identifier and its name.
        static func identity(of source: any StaffStore) async throws -> String {
            if let postgres = source as? PostgresCallbackStore { return try await postgres.identity() }
            guard let resolved = realpath(source.path, nil) else { return source.path }
            defer { free(resolved) }
            return String(cString: resolved)
        }
    }
}
