import Foundation

/// When the visitor would like the center to call.
public enum BestTime: String, Sendable, Codable, CaseIterable {
    /// Before lunch.
    case morning
    /// From lunch until the end of the working day.
    case afternoon
    /// After work and at night.
    case evening
    /// No preference.
    case any
    /// No one part of the day: the visitor's words say when ("not mornings", "weekends only", "9-5"), and staff read
    /// them. Never picked from the menu, never guessed as "any time" when the words rule times or days out.
    case asSaid = "as_said"

    /// The parts of the day a visitor picks from, in menu order ("1" morning … "4" any time); ``asSaid`` is never
    /// picked, only read from the visitor's words.
    public static var allCases: [BestTime] { [.morning, .afternoon, .evening, .any] }

    /// Words for staff and for the visitor's confirmation: "morning", "afternoon", "evening",
    /// "any time", "as said".
    public var displayName: String {
        switch self {
        case .morning: "morning"
        case .afternoon: "afternoon"
        case .evening: "evening"
        case .any: "any time"
        case .asSaid: "as said"
        }
    }

    /// Reads an answer to "when is a good time to call?".
    ///
    /// Understands menu numbers in ``allCases`` order ("1" morning, "2" afternoon, "3" evening,
    /// "4" any time; also "option 2", "#3"), words ("mornings", "afternoon", "night", "tonight"),
    /// phrases ("after lunch", "after work", "after 5", "before noon", "around 2pm") and ways of
    /// saying it doesn't matter ("anytime", "whenever", "no preference", "doesn't matter").
    /// Negated times are set aside: "not mornings, afternoon is better" is afternoon.
    ///
    /// Returns nil when the answer names no time, or two of the three ("mornings or evenings"), or
    /// only rules times out ("anything but mornings"): the visitor is then shown the choices.
    public static func parse(_ answer: String) -> BestTime? {
        BestTimeParser(answer).result()
    }
}

/// How the visitor reached OpenDoor when they asked for a callback.
public enum CallbackChannel: String, Sendable, Codable, CaseIterable {
    /// The terminal chat.
    case terminal
    /// The socket server's text or JSON-lines protocol.
    case socket
    /// A web page.
    case web
}

/// Whether the center may leave a voicemail when the visitor doesn't answer, and what it may say.
///
/// Stores keep it as its raw value; rows saved before there were three answers were a yes or a no, and a
/// no then meant a message that doesn't name the center: they read as ``allowed`` and ``discreet``.
public enum VoicemailPreference: String, Sendable, Codable, CaseIterable {
    /// A voicemail may say it is the center.
    case allowed = "yes"
    /// Only a message that doesn't name the center ("just say it's a callback").
    case discreet
    /// No voicemail at all ("no voicemail please", "dont leave a message").
    case noVoicemail = "none"

    /// The preference an older yes/no row meant.
    public init(legacyOK: Bool) {
        self = legacyOK ? .allowed : .discreet
    }

    /// Words for staff lists: "yes", "discreet only", "none".
    public var displayName: String {
        switch self {
        case .allowed: "yes"
        case .discreet: "discreet only"
        case .noVoicemail: "none"
        }
    }
}

/// Where a callback request is in the center's work.
public enum CallbackStatus: String, Sendable, Codable, CaseIterable {
    /// Saved, no one has called yet.
    case new
    /// Someone at the center reached or tried to reach the visitor.
    case contacted
    /// Done: nothing more will be done with it.
    case closed
}

/// What a visitor confirmed before the request is saved: only what a caller needs.
///
/// Never a transcript, never a reason for leaving, never anything about health beyond the fact of
/// the request itself.
public struct CallbackDraft: Sendable, Hashable {
    /// The longest name kept, in characters; longer answers are cut.
    public static let maximumNameLength = 60

    /// A first name or nickname to ask for, if the visitor gave one.
    public var name: String?
    /// The number to call.
    public var phone: PhoneNumber
    /// When to call.
    public var bestTime: BestTime
    /// When to call in the visitor's words ("after 5 on weekdays"), when they said more than
    /// ``bestTime``; tidied like the name.
    public var bestTimeSaid: String?
    /// Whether the center may leave a voicemail, and whether it may name the center.
    public var voicemail: VoicemailPreference
    /// Whether the chat that asked for the call had a crisis reply in it (the visitor told of suicide, an overdose, a
    /// danger): staff see a marker and call with that in mind. Only the fact, never the words or the category.
    public var crisisInChat = false
    /// A second number the visitor offered ("you can try my moms number too"), tried when ``phone`` doesn't answer;
    /// its extension isn't kept. Never instead of ``phone``, never logged.
    public var backupPhone: PhoneNumber?

    /// Whether a voicemail may name the center (``voicemail`` is ``VoicemailPreference/allowed``).
    public var voicemailOK: Bool { voicemail == .allowed }

    /// Creates a draft. The name is tidied with ``normalizedName(_:)``: control characters and
    /// terminal escapes removed, spaces collapsed, cut to ``maximumNameLength``; blank becomes nil.
    public init(
        name: String?, phone: PhoneNumber, bestTime: BestTime, bestTimeSaid: String? = nil,
        voicemail: VoicemailPreference
    ) {
        self.name = name.flatMap(Self.normalizedName)
        self.phone = phone
        self.bestTime = bestTime
        self.bestTimeSaid = bestTimeSaid.flatMap(Self.normalizedTimeSaid)
        self.voicemail = voicemail
    }

    /// Creates a draft from a yes/no answer as it was asked before there were three (no: a message that
    /// doesn't name the center).
    public init(name: String?, phone: PhoneNumber, bestTime: BestTime, bestTimeSaid: String? = nil, voicemailOK: Bool) {
        self.init(
            name: name, phone: phone, bestTime: bestTime, bestTimeSaid: bestTimeSaid,
            voicemail: VoicemailPreference(legacyOK: voicemailOK))
    }

    /// The longest best time kept in the visitor's words: a sentence with its reason ("mornings, my husband is home
    /// until 9"), which a cut could turn around (QA24 S1-1).
    public static let maximumTimeSaidLength = 160

    /// A best time in the visitor's words as it should be kept: sanitized and trimmed like a name, cut to
    /// ``maximumTimeSaidLength`` characters; nil when nothing is left.
    public static func normalizedTimeSaid(_ said: String) -> String? {
        let clean = CallbackReport.sanitize(said)
        guard !clean.isEmpty else { return nil }
        return String(clean.prefix(maximumTimeSaidLength)).trimmingCharacters(in: .whitespaces)
    }

    /// A name as it should be kept: sanitized like ``CallbackReport/sanitize(_:)``, trimmed, cut to
    /// ``maximumNameLength`` characters; nil when nothing is left.
    public static func normalizedName(_ name: String) -> String? {
        let clean = CallbackReport.sanitize(name)
        guard !clean.isEmpty else { return nil }
        return String(clean.prefix(maximumNameLength)).trimmingCharacters(in: .whitespaces)
    }
}

/// A saved callback request, as staff see it.
public struct CallbackRequest: Sendable, Hashable, Codable {
    /// The store's row number; increases with every save, never reused.
    public var id: Int64
    /// The code the visitor was given, like `K7M-3QP` (see ``ReferenceCode``).
    public var reference: String
    /// When it was saved (an instant; reports show it in UTC unless told otherwise).
    public var created: Date
    /// A first name or nickname, if the visitor gave one. Visitor-typed: sanitize before showing.
    public var name: String?
    /// The number to call.
    public var phone: PhoneNumber
    /// When to call.
    public var bestTime: BestTime
    /// When to call in the visitor's words, when they said more than ``bestTime``. Visitor-typed:
    /// sanitize before showing.
    public var bestTimeSaid: String?
    /// Whether the center may leave a voicemail, and whether it may name the center.
    public var voicemail: VoicemailPreference
    /// Where the visitor asked.
    public var channel: CallbackChannel
    /// Where it is in the center's work.
    public var status: CallbackStatus
    /// Whether the chat that asked for the call had a crisis reply in it (see ``CallbackDraft/crisisInChat``).
    public var crisisInChat: Bool
    /// A second number to try when ``phone`` doesn't answer, when the visitor offered one (see
    /// ``CallbackDraft/backupPhone``).
    public var backupPhone: PhoneNumber?

    /// Creates a request; stores call this when they save or read one.
    public init(
        id: Int64,
        reference: String,
        created: Date,
        name: String?,
        phone: PhoneNumber,
        bestTime: BestTime,
        voicemail: VoicemailPreference,
        channel: CallbackChannel,
        status: CallbackStatus,
        bestTimeSaid: String? = nil,
        crisisInChat: Bool = false,
        backupPhone: PhoneNumber? = nil
    ) {
        self.crisisInChat = crisisInChat
        self.backupPhone = backupPhone
        self.id = id
        self.reference = reference
        self.created = created
        self.name = name
        self.phone = phone
        self.bestTime = bestTime
        self.bestTimeSaid = bestTimeSaid
        self.voicemail = voicemail
        self.channel = channel
        self.status = status
    }

    /// Whether a voicemail may name the center (``voicemail`` is ``VoicemailPreference/allowed``).
    public var voicemailOK: Bool { voicemail == .allowed }

    /// Creates the new request a store saves for `draft`, its name normalized again with
    /// ``CallbackDraft/normalizedName(_:)`` in case it was set after the draft was made.
    public init(id: Int64, reference: String, created: Date, draft: CallbackDraft, channel: CallbackChannel) {
        self.init(
            id: id,
            reference: reference,
            created: created,
            name: draft.name.flatMap(CallbackDraft.normalizedName),
            phone: draft.phone,
            bestTime: draft.bestTime,
            voicemail: draft.voicemail,
            channel: channel,
            status: .new,
            bestTimeSaid: draft.bestTimeSaid.flatMap(CallbackDraft.normalizedTimeSaid),
            crisisInChat: draft.crisisInChat,
            backupPhone: draft.backupPhone
        )
    }
}

extension CallbackRequest {
    /// Decodes a request; one encoded before ``crisisInChat`` existed reads as without a crisis, one encoded before
    /// ``backupPhone`` as without a second number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(Int64.self, forKey: .id),
            reference: try container.decode(String.self, forKey: .reference),
            created: try container.decode(Date.self, forKey: .created),
            name: try container.decodeIfPresent(String.self, forKey: .name),
            phone: try container.decode(PhoneNumber.self, forKey: .phone),
            bestTime: try container.decode(BestTime.self, forKey: .bestTime),
            voicemail: try container.decode(VoicemailPreference.self, forKey: .voicemail),
            channel: try container.decode(CallbackChannel.self, forKey: .channel),
            status: try container.decode(CallbackStatus.self, forKey: .status),
            bestTimeSaid: try container.decodeIfPresent(String.self, forKey: .bestTimeSaid),
            crisisInChat: try container.decodeIfPresent(Bool.self, forKey: .crisisInChat) ?? false,
            backupPhone: try container.decodeIfPresent(PhoneNumber.self, forKey: .backupPhone))
    }

    /// The order stores list requests in: newest first, and by id (the later save first) when two
    /// were made in the same instant.
    public static func newestFirst(_ lhs: CallbackRequest, _ rhs: CallbackRequest) -> Bool {
        lhs.created != rhs.created ? lhs.created > rhs.created : lhs.id > rhs.id
    }
}

// MARK: - Best time parsing

/// The word-level reading behind ``BestTime/parse(_:)``.
struct BestTimeParser {
    let tokens: [String]

    init(_ answer: String) {
        var text = answer.lowercased()
        // Each replacement only where its first byte is in the text: none of these marks is part of any other
        // character's canonical decomposition, so a text without its byte has nothing to replace (and a phone number
        // typed at the time step, 4,000 bytes of it, was read by Foundation six times for nothing).
        if text.utf8.contains(UInt8(ascii: ".")) {
            for (dotted, plain) in [("a.m.", " am "), ("p.m.", " pm "), ("a.m", " am "), ("p.m", " pm ")] {
                text = text.replacingOccurrences(of: dotted, with: plain)
            }
        }
        if text.utf8.contains(UInt8(ascii: "'")) { text = text.replacingOccurrences(of: "'", with: "") }
        if text.utf8.contains(0xE2) { text = text.replacingOccurrences(of: "\u{2019}", with: "") }
        self.tokens = Self.tokens(of: Self.joiningClockTimes(text))
    }

    /// "8:30" and "8.30" as "830", one token an hour reads as a time of day: the minutes are never an hour of
    /// their own ("8:10" is not 8 and 10). Only a colon or dot between one or two digits and exactly two. With
    /// `colons`, the mark is kept as a colon instead ("9.15am" is "9:15am"), for words kept as said.
    static func joiningClockTimes(_ text: String, colons: Bool = false) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else { return text }
        let bytes = Array(text.utf8)
        func isDigit(_ i: Int) -> Bool { i >= 0 && i < bytes.count && (0x30...0x39).contains(bytes[i]) }
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count)
        for (i, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "."), isDigit(i - 1), !isDigit(i - 3),
                isDigit(i + 1), isDigit(i + 2), !isDigit(i + 3)
            {
                if colons { kept.append(UInt8(ascii: ":")) }
                continue
            }
            kept.append(byte)
        }
        return String(decoding: kept, as: UTF8.self)
    }

    /// The hour of a clock time typed without a colon ("830", "1015"), nil for anything else ("1990", "875").
    static func clockHour(_ token: String) -> Int? {
        guard (3...4).contains(token.count), token.first != "0", let value = Int(token), (100...1259).contains(value),
            value % 100 < 60
        else { return nil }
        return value / 100
    }

    /// Runs of letters and runs of digits, as separate tokens: "9am" is "9", "am".
    ///
    /// An ASCII text is read byte by byte (each byte is a character, "\r\n" aside, and that pair separates tokens as
    /// its bytes do); any other goes character by character.
    static func tokens(of text: String) -> [String] {
        asciiTokens(of: text) ?? characterTokens(of: text)
    }

    /// ``tokens(of:)`` read character by character.
    static func characterTokens(of text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var currentIsDigit = false
        for character in text {
            let isDigit = character.isASCII && character.isNumber
            let isLetter = character.isLetter
            if isDigit || isLetter, !current.isEmpty, isDigit == currentIsDigit {
                current.append(character)
                continue
            }
            if !current.isEmpty { tokens.append(current) }
            current = (isDigit || isLetter) ? String(character) : ""
            currentIsDigit = isDigit
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// ``tokens(of:)`` of an ASCII text, nil when the text isn't ASCII.
    static func asciiTokens(of text: String) -> [String]? {
        var text = text
        return text.withUTF8 { bytes -> [String]? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var tokens: [String] = []
            var start = -1
            var startIsDigit = false
            for (i, byte) in bytes.enumerated() {
                let isDigit = (0x30...0x39).contains(byte)
                let isLetter = (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte)
                if isDigit || isLetter, start >= 0, isDigit == startIsDigit { continue }
                if start >= 0 { tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) }
                start = isDigit || isLetter ? i : -1
                startIsDigit = isDigit
            }
            if start >= 0 {
                tokens.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            }
            return tokens
        }
    }

    static let morningWords: Set = [
        "morning", "mornings", "mornin", "morn", "breakfast", "sunrise", "forenoon",
    ]
    static let afternoonWords: Set = [
        "afternoon", "afternoons", "noon", "midday", "lunch", "lunchtime", "arvo", "daytime", "tarde", "tardes",
        "mediodia",
    ]
    static let eveningWords: Set = [
        "evening", "evenings", "eve", "night", "nights", "nite", "tonight", "dinner", "supper", "dinnertime",
        "midnight", "bedtime", "noche", "noches",
    ]
    /// Words that start a time said by what happens then ("after my kids go to bed", "once the kids are in bed").
    static let eventShapers: Set = ["after", "before", "once", "when", "until", "till", "til", "by"]
    static let anyWords: Set = [
        "any", "anytime", "anything", "whenever", "whatever", "either", "flexible", "always", "asap",
        "anywhen", "whenevs", "all", "cualquier",
    ]
    static let anyPhrases: [[String]] = [
        ["no", "preference"], ["doesnt", "matter"], ["does", "not", "matter"], ["dont", "care"],
        ["dont", "mind"], ["do", "not", "care"], ["no", "matter"], ["not", "picky"], ["as", "soon", "as"],
        ["all", "day"], ["any", "time"], ["right", "away"], ["up", "to", "you"], ["no", "importa"], ["cuando", "sea"],
    ]
    static let timeWords = morningWords.union(afternoonWords).union(eveningWords)
    static let negations: Set = [
        "not", "no", "never", "dont", "cant", "cannot", "wont", "except", "avoid", "busy", "unavailable",
        "nope",
    ]
    static let menuWords: Set = ["option", "number", "choice", "pick", "press"]
    static let hourWords = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
        "ten": 10, "eleven": 11, "twelve": 12,
    ]

    func hour(at index: Int) -> Int? {
        guard index < tokens.count else { return nil }
        if let word = Self.hourWords[tokens[index]] { return word }
        guard let value = Int(tokens[index]), (1...12).contains(value) || (100...1259).contains(value) else {
            return nil
        }
        // "130" or "1230" as people type times without a colon.
        return value >= 100 ? value / 100 : value
    }

    /// The am or pm said after the hour at `index`, past its minutes ("8 30 pm" as typed "8 30pm"): its index.
    func meridiem(after index: Int) -> Int? {
        var next = index + 1
        if next < tokens.count, tokens[next].count == 2, let minutes = Int(tokens[next]), minutes < 60 { next += 1 }
        return next < tokens.count && (tokens[next] == "am" || tokens[next] == "pm") ? next : nil
    }

    /// Whether the word at `index` is "bed" after a word that starts a time a few words before ("after my kids go
    /// to bed"): the evening.
    func bedAfterShaper(at index: Int) -> Bool {
        guard tokens[index] == "bed" else { return false }
        return tokens[max(0, index - 6)..<index].contains(where: Self.eventShapers.contains)
    }

    /// The time of day an hour with am/pm falls in.
    static func time(hour: Int, pm: Bool) -> BestTime? {
        switch (hour, pm) {
        case (5...11, false): .morning
        case (12, true), (1...4, true): .afternoon
        case (5...11, true), (12, false): .evening
        default: nil
        }
    }

    func result() -> BestTime? {
        // A menu choice: "2", "#2", "2.", "option 2".
        var menu = tokens
        if let first = menu.first, Self.menuWords.contains(first) { menu.removeFirst() }
        if menu.count == 1, let choice = Int(menu[0]), (1...BestTime.allCases.count).contains(choice) {
            return BestTime.allCases[choice - 1]
        }

        var consumed = Set<Int>()
        var anyMentioned = false
        var negatedSomething = false
        var positives = Set<BestTime>()

        // Phrases meaning "it doesn't matter" come first: "no preference" is not a negation.
        for phrase in Self.anyPhrases {
            var start = 0
            while start + phrase.count <= tokens.count {
                let range = start..<start + phrase.count
                if tokens[start] == phrase[0], tokens[range].elementsEqual(phrase), consumed.isDisjoint(with: range) {
                    consumed.formUnion(range)
                    anyMentioned = true
                }
                start += 1
            }
        }

        func isNegated(_ index: Int) -> Bool {
            var back = index - 1
            while back >= 0, back >= index - 3, !consumed.contains(back) {
                let token = tokens[back]
                if Self.negations.contains(token) { return true }
                // "anything but mornings", "any time but mornings"
                if token == "but", back > 0, ["anything", "any", "anytime", "time", "all"].contains(tokens[back - 1]) {
                    return true
                }
                if ["but", "or", "and", "instead", "rather", "so"].contains(token) { return false }
                // "not mornings, afternoon": a negation belongs to the nearest time word only.
                if Self.timeWords.contains(token) { return false }
                back -= 1
            }
            return false
        }

        func add(_ time: BestTime?, at index: Int) {
            guard let time else { return }
            if isNegated(index) {
                negatedSomething = true
            } else if time == .any {
                anyMentioned = true
            } else {
                positives.insert(time)
            }
        }

        var index = 0
        while index < tokens.count {
            defer { index += 1 }
            guard !consumed.contains(index) else { continue }
            let token = tokens[index]
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil

            // "after lunch", "after 5", "after work", "before noon", "by 11"
            if ["after", "past"].contains(token), let next {
                var time: BestTime?
                if ["lunch", "noon", "midday", "lunchtime", "school"].contains(next) {
                    time = .afternoon
                } else if ["work", "dinner", "supper", "dark", "six", "seven", "eight", "nine"].contains(next) {
                    time = .evening
                } else if let hour = hour(at: index + 1) {
                    if let at = meridiem(after: index + 1) {
                        time = Self.time(hour: hour, pm: tokens[at] == "pm")
                        consumed.formUnion((index + 2)...at)
                    } else {
                        switch hour {
                        case 12, 1...4: time = .afternoon
                        case 5...9: time = .evening
                        default: time = nil
                        }
                    }
                }
                if let time {
                    add(time, at: index)
                    consumed.insert(index + 1)
                    continue
                }
            }
            if ["before", "by", "until", "till", "til"].contains(token), let next {
                var time: BestTime?
                if ["noon", "lunch", "lunchtime", "midday", "work", "school"].contains(next) {
                    time = .morning
                } else if ["bed", "bedtime"].contains(next) {
                    time = .evening
                } else if let hour = hour(at: index + 1), [9, 10, 11, 12].contains(hour),
                    index + 2 >= tokens.count || tokens[index + 2] != "pm"
                {
                    time = .morning
                }
                // "before 5" could be morning or afternoon: say nothing.
                consumed.insert(index + 1)
                if index + 2 < tokens.count, ["am", "pm"].contains(tokens[index + 2]) { consumed.insert(index + 2) }
                add(time, at: index)
                continue
            }
            // "9am", "2 pm", "8 30 pm", "10 in the morning" (the morning word counts by itself)
            if let hour = hour(at: index), let at = meridiem(after: index) {
                add(Self.time(hour: hour, pm: tokens[at] == "pm"), at: index)
                consumed.formUnion((index + 1)...at)
                continue
            }
            // "after my kids go to bed", "before bed"
            if bedAfterShaper(at: index) {
                add(.evening, at: index)
                continue
            }
            if token == "am" {
                // "am" alone is the verb ("I am free"); only a time after a number counts, handled above.
                continue
            }
            // "por la mañana", "en la manana": the morning ("mañana" alone is tomorrow, a day).
            if token == "mañana" || token == "manana", index > 0, tokens[index - 1] == "la" {
                add(.morning, at: index)
                continue
            }
            if Self.morningWords.contains(token) {
                add(.morning, at: index)
            } else if Self.afternoonWords.contains(token) {
                add(.afternoon, at: index)
            } else if Self.eveningWords.contains(token) {
                add(.evening, at: index)
            } else if Self.anyWords.contains(token) {
                add(.any, at: index)
            }
        }

        // "early" and "late" only say something when nothing else does: "late morning" is morning.
        if positives.isEmpty, !anyMentioned {
            let early = tokens.firstIndex(of: "early").map { !isNegated($0) } ?? false
            let late = tokens.firstIndex(of: "late").map { !isNegated($0) } ?? false
            if early != late { positives.insert(early ? .morning : .evening) }
        }

        switch positives.count {
        case 1: return positives.first
        case BestTime.allCases.count - 1: return .any  // morning, afternoon and evening
        case 0: return anyMentioned && !negatedSomething ? .any : nil
        default: return nil
        }
    }
}
