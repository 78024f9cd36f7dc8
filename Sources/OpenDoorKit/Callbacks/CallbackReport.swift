import Foundation

/// Callback requests formatted for staff: a terminal table, CSV for a spreadsheet, JSON for tools.
///
/// All three list the requests newest first, whatever order they are given in. The name is the
/// only field a visitor typed; it goes through ``sanitize(_:)`` in every format, so a name cannot
/// change a staff member's terminal (colors, title, hidden text, cursor moves) or smuggle a
/// formula into a spreadsheet.
public enum CallbackReport {
    /// The widest a name gets in ``table(_:timeZone:)``, in terminal columns; longer ones end in "…".
    public static let maximumTableNameWidth = 24

    /// An aligned table, one request a line, under a header:
    ///
    /// ```
    /// REFERENCE  CREATED (UTC)     NAME  PHONE           BEST TIME  VOICEMAIL  CHANNEL   STATUS
    /// K7M-3QP    2025-03-04 14:05  Sam   (470) 555-0123  morning    yes        terminal  new
    /// ```
    ///
    /// Shows "No callback requests." when there are none. A best time said with a day ("tomorrow around 4ish") shows
    /// the day it names too (see ``BestDay``): "tomorrow around 4ish (afternoon, Mon Dec 7)".
    /// - Parameters:
    ///   - timeZone: the zone the CREATED column is shown in, UTC unless told.
    ///   - dayTimeZone: the zone a day like "tomorrow" is counted in: the server's, where the center is, unless told.
    /// What the SAFETY column shows for a request asked for in a chat that had a crisis reply (``CallbackRequest/crisisInChat``).
    public static let crisisMarker = "crisis in chat"

    public static func table(
        _ requests: [CallbackRequest], timeZone: TimeZone = CallbackReport.utc, dayTimeZone: TimeZone = .current
    ) -> String {
        guard !requests.isEmpty else { return emptyTable }
        var layout = TableLayout(timeZone: timeZone, dayTimeZone: dayTimeZone)
        layout.measure(requests)
        return layout.header + layout.lines(requests)
    }

    /// What ``table(_:timeZone:dayTimeZone:)`` shows for no requests.
    public static let emptyTable = "No callback requests.\n"

    /// ``table(_:timeZone:dayTimeZone:)`` written as a list is read, a page at a time, in one read: the first
    /// ``window`` requests are held and the columns measured on them (so a table of up to that many rows is exactly
    /// ``table(_:timeZone:dayTimeZone:)``'s), then every later request is written at once in those columns. A later
    /// cell wider than its column wraps onto lines of its own under that column: nothing is cut, and no later row
    /// moves the columns of the rows above it. Memory: the window's requests, never the whole list.
    public struct TableWriter: Sendable {
        /// How many requests are measured before the first line is written.
        public static let defaultWindow = 1_000
        private var layout: TableLayout
        private let window: Int
        private var held: [CallbackRequest] = []
        private var measured = false
        /// How many requests were given.
        public private(set) var count = 0

        /// A writer measuring on the first `window` requests (at least 1).
        public init(window: Int = defaultWindow, timeZone: TimeZone = CallbackReport.utc, dayTimeZone: TimeZone = .current) {
            self.window = max(1, window)
            layout = TableLayout(timeZone: timeZone, dayTimeZone: dayTimeZone)
        }

        /// Takes the next `requests` (newest first, after those given before); returns the text to write now.
        public mutating func add(_ requests: [CallbackRequest]) -> String {
            count += requests.count
            guard !measured else { return layout.lines(requests) }
            held += requests
            guard held.count >= window else { return "" }
            return release()
        }

        /// The text still to write once every request was given: the held rows (under their header), or
        /// ``CallbackReport/emptyTable`` when there were none.
        public mutating func finish() -> String {
            if measured { return "" }
            return held.isEmpty ? CallbackReport.emptyTable : release()
        }

        private mutating func release() -> String {
            layout.measure(held)
            measured = true
            let text = layout.header + layout.lines(held)
            held = []
            return text
        }
    }

    /// ``table(_:timeZone:dayTimeZone:)``'s columns: ``measure(_:)`` the rows, then write ``header`` and ``lines(_:)``.
    /// A row wider than those measured wraps its wide cells onto lines of their own (see ``TableWriter``).
    public struct TableLayout: Sendable {
        let timeZone: TimeZone
        let dayTimeZone: TimeZone
        private var widths: [Int]
        /// How many requests ``measure(_:)`` was given.
        public private(set) var count = 0

        /// Columns as wide as the header's words; `timeZone` and `dayTimeZone` as ``CallbackReport/table(_:timeZone:dayTimeZone:)``'s.
        public init(timeZone: TimeZone = CallbackReport.utc, dayTimeZone: TimeZone = .current) {
            self.timeZone = timeZone
            self.dayTimeZone = dayTimeZone
            widths = []
            widths = headerCells.map(CallbackReport.displayWidth)
        }

        /// Widens the columns to fit `requests`.
        public mutating func measure(_ requests: [CallbackRequest]) {
            for request in requests {
                for (column, cell) in cells(request).enumerated() {
                    widths[column] = max(widths[column], CallbackReport.displayWidth(cell))
                }
            }
            count += requests.count
        }

        /// The header line.
        public var header: String { line(headerCells) }

        /// One line for each of `requests`, newest first.
        public func lines(_ requests: [CallbackRequest]) -> String {
            CallbackReport.sorted(requests).map { line(cells($0)) }.joined()
        }

        private var headerCells: [String] {
            let zoneName = ["UTC", "GMT"].contains(timeZone.identifier) ? "UTC" : timeZone.identifier
            return [
                "REFERENCE", "CREATED (\(zoneName))", "NAME", "PHONE", "BEST TIME", "VOICEMAIL", "CHANNEL", "STATUS",
                "SAFETY", "BACKUP PHONE",
            ]
        }

        private func cells(_ request: CallbackRequest) -> [String] {
            [
                request.reference,
                CallbackReport.minuteStamp(request.created, timeZone: timeZone),
                CallbackReport.truncated(
                    request.name.map(CallbackReport.sanitize).flatMap { $0.isEmpty ? nil : $0 } ?? "-",
                    width: CallbackReport.maximumTableNameWidth
                ),
                request.phone.display,
                request.bestTimeForStaff(timeZone: dayTimeZone),
                request.voicemail.displayName,
                request.channel.rawValue,
                request.status.rawValue,
                request.crisisInChat ? CallbackReport.crisisMarker : "-",
                request.backupPhone?.display ?? "-",
            ]
        }

        private func line(_ row: [String]) -> String {
            // Every cell but the last in pieces that fit its column: one piece each for the rows measured.
            let pieces = row.enumerated().map { column, cell in
                column < row.count - 1 ? CallbackReport.wrapped(cell, width: widths[column]) : [cell]
            }
            var text = ""
            for index in 0..<(pieces.map(\.count).max() ?? 1) {
                var line = ""
                for (column, cell) in pieces.enumerated() {
                    let piece = index < cell.count ? cell[index] : ""
                    line += piece
                    if column < row.count - 1 {
                        line += String(repeating: " ", count: max(widths[column] - CallbackReport.displayWidth(piece), 0) + 2)
                    }
                }
                // A continuation line ends where its last piece does.
                if index > 0 { while line.last == " " { line.removeLast() } }
                text += line + "\n"
            }
            return text
        }
    }

    /// CSV as RFC 4180 has it: a header record, CRLF line ends, fields quoted when they hold a comma,
    /// a quote or a line break, quotes doubled.
    ///
    /// Columns: `reference,created,name,phone,best_time,voicemail_ok,channel,status,best_time_said,voicemail,best_day,
    /// crisis_in_chat,backup_phone` (`yes` when the chat that asked for the call had a crisis reply in it; the second
    /// number to try, as people write it, empty when the visitor offered none);
    /// `voicemail` is `yes`, `discreet` (a message that doesn't name the center) or `none` (no voicemail at
    /// all), and `voicemail_ok` is `yes` only for the first (kept for sheets made before there were three);
    /// `best_time` is the normalized part for sorting, `best_time_said` the visitor's own words (empty when
    /// they picked an option), `best_day` the day they named (`2026-12-07` for "tomorrow", counted in `dayTimeZone`;
    /// empty when they named none, see ``BestDay``); `created` is ISO 8601 in UTC, `phone` as people write it (`(470) 555-0123`). A field starting with `=`, `+`,
    /// `-` or `@` gets a leading `'` so a spreadsheet shows it as text instead of running it as a
    /// formula (OWASP's advice for CSV injection).
    public static func csv(_ requests: [CallbackRequest], dayTimeZone: TimeZone = .current) -> String {
        csvHeader + csvRows(requests, dayTimeZone: dayTimeZone)
    }

    /// ``csv(_:dayTimeZone:)``'s header record.
    public static let csvHeader = [
        "reference", "created", "name", "phone", "best_time", "voicemail_ok", "channel", "status", "best_time_said",
        "voicemail", "best_day", "crisis_in_chat", "backup_phone",
    ].joined(separator: ",") + "\r\n"

    /// ``csv(_:dayTimeZone:)``'s records for `requests`, newest first, without the header: for an export written a
    /// page at a time.
    public static func csvRows(_ requests: [CallbackRequest], dayTimeZone: TimeZone = .current) -> String {
        sorted(requests).map { request in
            [
                request.reference,
                isoStamp(request.created),
                request.name.map(sanitize) ?? "",
                request.phone.display,
                request.bestTime.rawValue,
                request.voicemailOK ? "yes" : "no",
                request.channel.rawValue,
                request.status.rawValue,
                request.bestTimeSaid.map(sanitize) ?? "",
                request.voicemail.rawValue,
                request.bestDay(timeZone: dayTimeZone)?.iso ?? "",
                request.crisisInChat ? "yes" : "no",
                request.backupPhone?.display ?? "",
            ].map(csvField).joined(separator: ",") + "\r\n"
        }.joined()
    }

    /// A JSON array, pretty-printed with sorted keys; `created` is ISO 8601 in UTC and `name` is
    /// null when the visitor gave none:
    ///
    /// ```json
    /// [{"bestTime": "morning", "bestTimeSaid": null, "channel": "web", "created": "2025-03-04T14:05:06Z", "id": 1,
    ///   "name": "Sam", "phone": {"display": "(470) 555-0123", "e164": "+14705550123"},
    ///   "reference": "K7M-3QP", "status": "new", "voicemail": "yes", "voicemailOK": true}]
    /// ```
    ///
    /// `voicemail` is `yes`, `discreet` or `none`; `voicemailOK` is true only for `yes`; `bestDay` is the day the visitor
    /// named (`"2026-12-07"` for "tomorrow", counted in `dayTimeZone`), null when they named none (see ``BestDay``).
    public static func json(_ requests: [CallbackRequest], dayTimeZone: TimeZone = .current) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // These types hold no floating-point values, the one thing JSONEncoder can fail on.
        let rows = sorted(requests).map { JSONRow($0, dayTimeZone: dayTimeZone) }
        let data = (try? encoder.encode(rows)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// ``json(_:dayTimeZone:)``'s array for a list read a page at a time: ``page(_:)`` for each page in order, then
    /// ``end()``; together the same text as `json` of the whole list.
    public struct JSONArrayWriter {
        let dayTimeZone: TimeZone
        private let encoder: JSONEncoder
        private var started = false

        public init(dayTimeZone: TimeZone = .current) {
            self.dayTimeZone = dayTimeZone
            encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.dateEncodingStrategy = .iso8601
        }

        /// The array's elements for `requests` (newest first), each indented as inside the array.
        public mutating func page(_ requests: [CallbackRequest]) -> String {
            guard !requests.isEmpty else { return "" }
            let elements = CallbackReport.sorted(requests).map { request in
                let data = (try? encoder.encode(JSONRow(request, dayTimeZone: dayTimeZone))) ?? Data("{}".utf8)
                return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                    .map { "  " + $0 }.joined(separator: "\n")
            }
            defer { started = true }
            return (started ? ",\n" : "[\n") + elements.joined(separator: ",\n")
        }

        /// The end of the array (all of it when no page had a request).
        public func end() -> String {
            started ? "\n]\n" : CallbackReport.json([], dayTimeZone: dayTimeZone)
        }
    }

    /// Visitor-typed text made safe to show in a terminal, a file or a spreadsheet.
    ///
    /// Removes terminal escape sequences whole (CSI like `ESC [ 31 m`, OSC like `ESC ] 0 ; title BEL`,
    /// DCS, APC, PM and SOS strings up to their terminator, two-character escapes, and their 8-bit
    /// C1 forms), every other control character, and invisible formatting characters that can
    /// reorder or hide text (bidirectional overrides, zero-width spaces); keeps the zero-width joiner
    /// emoji need. Tabs and line breaks become spaces; runs of spaces become one; the ends are trimmed.
    public static func sanitize(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var kept = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar.value {
            case 0x1B:
                index = endOfEscape(scalars, at: index)
                continue
            case 0x9B:
                index = endOfControlSequence(scalars, from: index + 1)
                continue
            case 0x90, 0x98, 0x9D, 0x9E, 0x9F:
                index = endOfControlString(scalars, from: index + 1)
                continue
            case 0x09...0x0D, 0x85, 0x2028, 0x2029:
                kept.append(" ")
            case 0x00...0x1F, 0x7F...0x9F:
                break
            case 0x200D, 0xE0020...0xE007F:
                kept.append(scalar)  // zero-width joiner and tag characters, parts of emoji
            default:
                if scalar.properties.generalCategory != .format {
                    kept.append(scalar)
                }
            }
            index += 1
        }
        return String(kept).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The UTC time zone.
    public static let utc = TimeZone(secondsFromGMT: 0)!
}

// MARK: - Escape sequences

extension CallbackReport {
    /// The index after the escape sequence starting with the ESC at `index`.
    private static func endOfEscape(_ scalars: [Unicode.Scalar], at index: Int) -> Int {
        let next = index + 1
        guard next < scalars.count else { return next }
        switch scalars[next] {
        case "[":
            return endOfControlSequence(scalars, from: next + 1)
        case "]", "P", "X", "^", "_":
            return endOfControlString(scalars, from: next + 1)
        default:
            // nF escapes: intermediates 0x20–0x2F, then one final byte 0x30–0x7E ("ESC ( B", "ESC c").
            var end = next
            while end < scalars.count, (0x20...0x2F).contains(scalars[end].value) { end += 1 }
            if end < scalars.count, (0x30...0x7E).contains(scalars[end].value) { return end + 1 }
            return end
        }
    }

    /// The index after a control sequence whose parameters start at `start` (after `ESC [`).
    private static func endOfControlSequence(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start
        while end < scalars.count, (0x30...0x3F).contains(scalars[end].value) { end += 1 }
        while end < scalars.count, (0x20...0x2F).contains(scalars[end].value) { end += 1 }
        if end < scalars.count, (0x40...0x7E).contains(scalars[end].value) { return end + 1 }
        return end
    }

    /// The index after a control string (OSC, DCS, …) whose body starts at `start`: it ends with
    /// BEL, ST (`ESC \` or 0x9C), or the start of another escape. Unterminated, it runs to the end,
    /// as a terminal would swallow it.
    private static func endOfControlString(_ scalars: [Unicode.Scalar], from start: Int) -> Int {
        var end = start
        while end < scalars.count {
            switch scalars[end].value {
            case 0x07, 0x9C:
                return end + 1
            case 0x1B:
                if end + 1 < scalars.count, scalars[end + 1] == "\\" { return end + 2 }
                return end
            default:
                end += 1
            }
        }
        return end
    }
}

// MARK: - Cells

extension CallbackReport {
    static func sorted(_ requests: [CallbackRequest]) -> [CallbackRequest] {
        requests.sorted(by: CallbackRequest.newestFirst)
    }

    private static func csvField(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, "=+-@\u{FF1D}\u{FF0B}\u{FF0D}\u{FF20}".unicodeScalars.contains(first)
        {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func components(_ date: Date, timeZone: TimeZone) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    private static func twoDigits(_ value: Int?) -> String {
        let value = value ?? 0
        return value < 10 ? "0\(value)" : "\(value)"
    }

    /// `2025-03-04 14:05`
    static func minuteStamp(_ date: Date, timeZone: TimeZone) -> String {
        let parts = components(date, timeZone: timeZone)
        return "\(parts.year ?? 0)-\(twoDigits(parts.month))-\(twoDigits(parts.day)) "
            + "\(twoDigits(parts.hour)):\(twoDigits(parts.minute))"
    }

    /// `2025-03-04T14:05:06Z`
    static func isoStamp(_ date: Date) -> String {
        let parts = components(date, timeZone: utc)
        return "\(parts.year ?? 0)-\(twoDigits(parts.month))-\(twoDigits(parts.day))T"
            + "\(twoDigits(parts.hour)):\(twoDigits(parts.minute)):\(twoDigits(parts.second))Z"
    }

    /// Columns a string takes in a terminal: wide East Asian characters and emoji take two,
    /// combining marks none. An approximation of `wcwidth`, good enough to line up names.
    static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { $0 + displayWidth($1) }
    }

    private static func displayWidth(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation })
            || character.unicodeScalars.contains("\u{FE0F}")
        {
            return 2
        }
        switch first.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
            0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 2
        default:
            switch first.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format: return 0
            default: return 1
            }
        }
    }

    /// `text` cut to `width` columns, ending in "…" when cut.
    /// `text` in pieces at most `width` wide, broken after a space where one is in reach (else inside a word); the
    /// text itself when it fits.
    static func wrapped(_ text: String, width: Int) -> [String] {
        guard displayWidth(text) > width, width > 0 else { return [text] }
        var pieces: [String] = []
        var piece = ""
        var used = 0
        for character in text {
            let next = displayWidth(character)
            while used + next > width, !piece.isEmpty {
                if let space = piece.lastIndex(of: " "), space != piece.startIndex {
                    let rest = String(piece[piece.index(after: space)...])
                    pieces.append(String(piece[..<space]))
                    piece = rest
                } else {
                    pieces.append(piece)
                    piece = ""
                }
                used = displayWidth(piece)
            }
            if piece.isEmpty && character == " " { continue }
            piece.append(character)
            used += next
        }
        if !piece.isEmpty { pieces.append(piece) }
        return pieces
    }

    static func truncated(_ text: String, width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        var result = ""
        var used = 0
        for character in text {
            let next = displayWidth(character)
            guard used + next <= width - 1 else { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }
}

// MARK: - JSON

extension CallbackReport {
    private struct JSONRow: Encodable {
        struct Phone: Encodable {
            var e164: String
            var display: String
            var `extension`: String?
        }

        var id: Int64
        var reference: String
        var created: Date
        var name: String?
        var phone: Phone
        var bestTime: BestTime
        var bestTimeSaid: String?
        var bestDay: String?
        var voicemail: VoicemailPreference
        var voicemailOK: Bool
        var channel: CallbackChannel
        var status: CallbackStatus
        var crisisInChat: Bool
        var backupPhone: Phone?

        init(_ request: CallbackRequest, dayTimeZone: TimeZone) {
            id = request.id
            reference = request.reference
            created = request.created
            name = request.name.map(CallbackReport.sanitize)
            phone = Phone(
                e164: request.phone.e164,
                display: request.phone.display,
                extension: request.phone.extensionDigits
            )
            bestTime = request.bestTime
            bestTimeSaid = request.bestTimeSaid.map(CallbackReport.sanitize)
            bestDay = request.bestDay(timeZone: dayTimeZone)?.iso
            voicemail = request.voicemail
            voicemailOK = request.voicemailOK
            channel = request.channel
            status = request.status
            crisisInChat = request.crisisInChat
            backupPhone = request.backupPhone.map { Phone(e164: $0.e164, display: $0.display, extension: nil) }
        }

        enum CodingKeys: String, CodingKey {
            case id, reference, created, name, phone, bestTime, bestTimeSaid, bestDay, voicemail, voicemailOK, channel
            case status, crisisInChat, backupPhone
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(reference, forKey: .reference)
            try container.encode(created, forKey: .created)
            try container.encode(name, forKey: .name)  // null, not missing, when there is none
            try container.encode(phone, forKey: .phone)
            try container.encode(bestTime, forKey: .bestTime)
            try container.encode(bestTimeSaid, forKey: .bestTimeSaid)  // null when an option was picked
            try container.encode(bestDay, forKey: .bestDay)  // null when no day was named
            try container.encode(voicemail, forKey: .voicemail)
            try container.encode(voicemailOK, forKey: .voicemailOK)
            try container.encode(channel, forKey: .channel)
            try container.encode(status, forKey: .status)
            try container.encode(crisisInChat, forKey: .crisisInChat)
            try container.encode(backupPhone, forKey: .backupPhone)  // null when the visitor offered none
        }
    }
}
