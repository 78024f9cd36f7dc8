import Foundation
import GRDB
import Logging
import OpenDoorKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a store does on close when another file was moved over its path while it was open (QA25 S1-3): an old
/// copy restored with `mv` without stopping the server, say.
///
/// The requests saved since that copy was made are only in the old file, which is unlinked now but still open here.
/// Closing normally would checkpoint them into a file nobody can reach, and every visitor told "Sent" in the
/// meantime would never be called. So the store reads them through its own connection, keeps the old file's whole
/// content beside the path (`callbacks.sqlite.replaced-<time>`), and copies into the file at the path the requests
/// it lacks, logging each carried reference at `error`.
extension SQLiteCallbackStore {
    /// The requests of a file that was replaced at the path, and where its content was kept.
    struct ReplacedFile: Sendable {
        var requests: [CallbackRequest]
        var unreadable: Int
        var keptAt: String?
    }

    /// When the path now names another file: every request this store's file holds (read through its own connection)
    /// and a copy of that file kept beside the path. Nil when the path still names this store's file, or none.
    func requestsOfReplacedFile() async -> ReplacedFile? {
        guard let identity, case .success(let now) = FileIdentity.of(path), now != identity else { return nil }
        let listing = try? await pool.writeWithoutTransaction { db in try Self.fetch(status: nil, in: db) }
        return ReplacedFile(
            requests: listing?.requests ?? [], unreadable: listing?.unreadable.count ?? 0, keptAt: await keepReplaced())
    }

    /// Backs this store's file up beside the path under a name no file has yet; nil when it could not.
    private func keepReplaced() async -> String? {
        let stamp = Self.stamp(configuration.now())
        for attempt in 0..<10 {
            let name = path + ".replaced-" + stamp + (attempt == 0 ? "" : "-\(attempt + 1)")
            do {
                _ = try await backup(to: URL(fileURLWithPath: name))
                return name
            } catch let error as CallbackStoreError where error.code == .cannotOpen && access(name, F_OK) == 0 {
                continue
            } catch {
                return nil
            }
        }
        return nil
    }

    /// Copies into the database now at the path the requests of `old` it lacks (reference, time and status as they
    /// were), and logs at `error` which they are and where the old file's content is kept.
    func carryOver(_ old: ReplacedFile) async {
        let kept = old.keptAt ?? "-"
        var carried: [CallbackRequest] = []
        do {
            var fresh = configuration
            fresh.createIfMissing = true
            let store = try SQLiteCallbackStore(
                directory: URL(fileURLWithPath: directory), configuration: fresh, logger: logger)
            let present = Set(try await store.list(status: nil).map(\.reference))
            carried = old.requests.filter { !present.contains($0.reference) }
            _ = try await store.restore(carried)
            try await store.close()
            logger.error(
                "The callback database was replaced while open; the requests only the old file held were copied into the new one",
                metadata: [
                    "path": "\(path)", "carried": "\(carried.count)",
                    "references": "\(Self.listed(carried.map(\.reference)))",
                    "unreadable": "\(old.unreadable)", "keptAt": "\(kept)",
                ])
        } catch {
            let failure = Self.storeError(
                error, during: .save, path: path, directory: directory, busyTimeout: configuration.busyTimeout)
            let missing = carried.isEmpty ? old.requests.map(\.reference) : carried.map(\.reference)
            logger.critical(
                "The callback database was replaced while open and the requests only the old file held could not be copied",
                metadata: [
                    "path": "\(path)", "references": "\(Self.listed(missing))", "keptAt": "\(kept)",
                    "error.code": "\(failure.code)", "error.reason": "\(failure.reason ?? "-")",
                    "advice": "these requests are in \(kept), a SQLite copy: put it alone in a folder as callbacks.sqlite and list it with opendoor callbacks list --data",
                ])
        }
    }

    /// References for a log line: the first fifty, then how many more.
    private static func listed(_ references: [String]) -> String {
        let shown = references.prefix(50).joined(separator: ",")
        return references.count > 50 ? shown + " (+\(references.count - 50) more)" : (shown.isEmpty ? "-" : shown)
    }
}
