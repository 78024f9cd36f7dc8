import Foundation
import Logging

/// One stored request's columns as a store read them, before they are checked: what SQLite and PostgreSQL rows
/// have in common, so both read a row the same way and name what is wrong with it the same way.
public struct StoredRequest: Sendable {
    /// The row's id (SQLite's rowid, PostgreSQL's serial).
    public var id: Int64?
    /// The reference code.
    public var reference: String?
    /// Milliseconds since 1970 (UTC).
    public var createdMilliseconds: Int64?
    /// The name, when one was given.
    public var name: String?
    /// The phone number in E.164.
    public var phoneE164: String?
    /// The extension's digits, when there is one.
    public var phoneExtension: String?
    /// A ``BestTime`` raw value.
    public var bestTime: String?
    /// The older yes/no voicemail column.
    public var voicemailOK: Bool?
    /// A ``CallbackChannel`` raw value.
    public var channel: String?
    /// A ``CallbackStatus`` raw value.
    public var status: String?
    /// The best time in the visitor's words.
    public var bestTimeSaid: String?
    /// A ``VoicemailPreference`` raw value; nil for rows written before there were three answers.
    public var voicemail: String?
    /// Whether the chat held a full crisis reply; nil (a row from before the column, or NULL) reads as false.
    public var crisisInChat: Bool?
    /// The second number to try (E.164); nil when none was offered (or the row is from before the column).
    public var backupPhoneE164: String?

    /// A row's values to check, each nil when the row holds NULL or a value of another type.
    public init(
        id: Int64?, reference: String?, createdMilliseconds: Int64?, name: String?, phoneE164: String?,
        phoneExtension: String?, bestTime: String?, voicemailOK: Bool?, channel: String?, status: String?,
        bestTimeSaid: String?, voicemail: String?, crisisInChat: Bool? = nil, backupPhoneE164: String? = nil
    ) {
        self.backupPhoneE164 = backupPhoneE164
        (self.id, self.reference, self.createdMilliseconds, self.name) = (id, reference, createdMilliseconds, name)
        (self.phoneE164, self.phoneExtension, self.bestTime) = (phoneE164, phoneExtension, bestTime)
        (self.voicemailOK, self.channel, self.status) = (voicemailOK, channel, status)
        (self.bestTimeSaid, self.voicemail, self.crisisInChat) = (bestTimeSaid, voicemail, crisisInChat)
    }

    /// The request these values make, or what is wrong with them.
    ///
    /// A row written outside OpenDoor (a hand edit in `sqlite3` or `psql`, another version sharing the store) can
    /// hold a value this version doesn't know: the stores skip such a row and name it (``CallbackListing``) rather
    /// than let one row hide every other request from staff.
    public func request() -> Result<CallbackRequest, UnreadableRequest> {
        func bad(_ what: String, _ value: String? = nil) -> Result<CallbackRequest, UnreadableRequest> {
            .failure(UnreadableRequest(id: id, reference: reference, column: what, value: value))
        }
        guard let id else { return bad("id") }
        guard let reference, !reference.isEmpty else { return bad("reference") }
        guard let createdMilliseconds else { return bad("creation time") }
        // The number itself is never repeated: the report goes to logs too.
        guard let e164 = phoneE164, let phone = PhoneNumber(e164: e164, extensionDigits: phoneExtension) else {
            return bad("phone number")
        }
        // A kind this version doesn't know (a newer OpenDoor's, as `as_said` was to round 20's) is read as said, with
        // the visitor's stored words (or, with none, the kind's own word): staff still see when to call, and the row
        // is never hidden. Only a missing value is unreadable.
        guard let storedTime = self.bestTime, !storedTime.isEmpty else { return bad("best time", self.bestTime) }
        var bestTimeSaid = self.bestTimeSaid
        let bestTime: BestTime
        if let known = BestTime(rawValue: storedTime) {
            bestTime = known
        } else {
            bestTime = .asSaid
            if bestTimeSaid?.isEmpty ?? true { bestTimeSaid = storedTime.replacingOccurrences(of: "_", with: " ") }
        }
        guard let voicemailOK else { return bad("voicemail choice") }
        // NULL: a row written without the column (by hand or by a tool), read as its yes/no meant.
        let voicemail: VoicemailPreference
        if let raw = self.voicemail {
            guard let choice = VoicemailPreference(rawValue: raw) else { return bad("voicemail choice", raw) }
            voicemail = choice
        } else {
            voicemail = VoicemailPreference(legacyOK: voicemailOK)
        }
        guard let channel = self.channel.flatMap(CallbackChannel.init(rawValue:)) else {
            return bad("channel", self.channel)
        }
        guard let status = self.status.flatMap(CallbackStatus.init(rawValue:)) else {
            return bad("status", self.status)
        }
        // Never repeated either; a second number that can't be read hides the row like the first would, so staff
        // never call a number that isn't the visitor's.
        var backupPhone: PhoneNumber?
        if let e164 = backupPhoneE164 {
            guard let number = PhoneNumber(e164: e164) else { return bad("backup phone number") }
            backupPhone = number
        }
        return .success(
            CallbackRequest(
                id: id,
                reference: reference,
                created: Date(timeIntervalSince1970: TimeInterval(createdMilliseconds) / 1000),
                name: name,
                phone: phone,
                bestTime: bestTime,
                voicemail: voicemail,
                channel: channel,
                status: status,
                bestTimeSaid: bestTimeSaid,
                crisisInChat: crisisInChat ?? false,
                backupPhone: backupPhone
            ))
    }
}

/// A stored row that could not be read as a callback request: which one, and what is wrong with it.
///
/// Names the row by its reference (or its id when the reference itself is unreadable) and the column; repeats the
/// value only for columns that hold a word from a closed set (a best time, a status), shortened and with controls
/// removed, never a name or a number: the description goes to logs.
public struct UnreadableRequest: Error, Sendable, Hashable, CustomStringConvertible {
    /// The row's id, when readable.
    public var id: Int64?
    /// The reference code, when readable.
    public var reference: String?
    /// The column that can't be read, in words ("best time").
    public var column: String
    /// The value found, for closed-set columns only, cleaned for a terminal or a log.
    public var value: String?

    /// A row `reference` (or `id`) whose `column` holds `value`, which this version can't read.
    public init(id: Int64?, reference: String?, column: String, value: String? = nil) {
        self.id = id
        self.reference = reference
        self.column = column
        self.value = value.map(Self.clean)
    }

    /// "ZZZ-XSS (row 3): unreadable channel 'fax'".
    public var description: String {
        let row = id.map { "row \($0)" } ?? "row with no id"
        let name = reference.map { "\(Self.clean($0)) (\(row))" } ?? row
        let found = value.map { " '\($0)'" } ?? ""
        return "\(name): unreadable \(column)\(found)"
    }

    /// At most 40 printable ASCII characters, others as `?`.
    private static func clean(_ text: String) -> String {
        let kept = text.unicodeScalars.prefix(40).map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }
        return String(kept) + (text.unicodeScalars.count > 40 ? "…" : "")
    }
}

/// Requests as a store read them, with the rows it could not read named instead of left out in silence.
public struct CallbackListing: Sendable {
    /// The requests read, in the order asked for.
    public var requests: [CallbackRequest]
    /// The rows skipped because a value in them can't be read; still in the store, untouched.
    public var unreadable: [UnreadableRequest]

    /// A listing of `requests`, with `unreadable` rows skipped.
    public init(requests: [CallbackRequest], unreadable: [UnreadableRequest] = []) {
        self.requests = requests
        self.unreadable = unreadable
    }

    /// One line for staff about the skipped rows, or nil when there are none: "1 request could not be read and is
    /// not shown: …; it is still in the store. …".
    public var warning: String? {
        guard !unreadable.isEmpty else { return nil }
        let count = unreadable.count
        let shown = unreadable.prefix(20).map(\.description).joined(separator: "; ")
        let more = count > 20 ? "; and \(count - 20) more" : ""
        let (them, are) = count == 1 ? ("it", "is") : ("they", "are")
        return "\(count) request\(count == 1 ? "" : "s") could not be read and \(are) not shown: \(shown)\(more). "
            + "\(them.capitalized) \(are) still in the store, untouched: a value was written outside OpenDoor (by hand, "
            + "or by another version). Correct \(count == 1 ? "the value" : "the values") with sqlite3 or psql to see "
            + "\(count == 1 ? "it" : "them") here; the other requests are not affected."
    }

    /// Logs the skipped rows as one warning (nothing when there are none): rows and columns, never a name or number.
    public func logUnreadable(_ logger: Logger) {
        guard !unreadable.isEmpty else { return }
        logger.warning(
            "Skipped callback requests that can't be read; they stay in the store",
            metadata: [
                "count": "\(unreadable.count)",
                "rows": "\(unreadable.prefix(20).map(\.description).joined(separator: "; "))",
            ])
    }
}
