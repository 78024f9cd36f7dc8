import Foundation
import OpenDoorKit
import PostgresNIO

extension PostgresCallbackStore {
    /// What ``copy(_:)`` did with each request it was given.
    public struct CopyReport: Sendable, Hashable {
        /// Requests added to the store.
        public var copied = 0
        /// Requests already there: same reference, same creation time and number (an earlier copy).
        public var alreadyThere = 0
        /// References the store holds for a different request (another server drew the same code):
        /// those requests were not copied. Should never happen in practice (28⁶ codes).
        public var conflicts: [String] = []

        /// An empty report.
        public init() {}
    }

    /// Adds saved requests from another store, keeping their reference, creation time, channel and
    /// status; ids are the store's own. Idempotent: a request whose reference is already there is
    /// left as it is, so copying twice gives the same store as copying once.
    ///
    /// All of it is one transaction: if it fails, nothing was copied, and it can simply be run again.
    public func copy(_ requests: [CallbackRequest]) async throws -> CopyReport {
        try checkOpen()
        let client = client
        let quiet = Self.silent
        let report = try await perform(.save, event: "Could not copy callback requests") {
            try await client.withTransaction(logger: quiet) { connection in
                var report = CopyReport()
                for request in requests {
                    let milliseconds = Self.milliseconds(request.created)
                    let inserted = try await connection.query(
                        """
                        INSERT INTO callback_request
                            (reference, created_ms, name, phone_e164, phone_extension, best_time, voicemail_ok,
                             channel, status, best_time_said)
                        VALUES (\(request.reference), \(milliseconds), \(request.name), \(request.phone.e164),
                            \(request.phone.extensionDigits), \(request.bestTime.rawValue), \(request.voicemailOK),
                            \(request.channel.rawValue), \(request.status.rawValue), \(request.bestTimeSaid))
                        ON CONFLICT (reference) DO NOTHING
                        RETURNING id
                        """,
                        logger: quiet
                    ).collect()
                    if !inserted.isEmpty {
                        report.copied += 1
                        continue
                    }
                    let same = try await connection.query(
                        """
                        SELECT 1 FROM callback_request
                        WHERE reference = \(request.reference) AND created_ms = \(milliseconds)
                            AND phone_e164 = \(request.phone.e164)
                        """,
                        logger: quiet
                    ).collect()
                    if same.isEmpty {
                        report.conflicts.append(request.reference)
                    } else {
                        report.alreadyThere += 1
                    }
                }
                return report
            }
        }
        logger.info(
            "Copied callback requests",
            metadata: [
                "copied": "\(report.copied)", "alreadyThere": "\(report.alreadyThere)",
                "conflicts": "\(report.conflicts.count)",
            ]
        )
        return report
    }
}
