/// A North American (NANP) phone number a visitor gave for a callback, normalized to E.164.
///
/// A phone number next to "treatment center" is health information, so this type is careful about
/// where its digits go:
/// - ``description`` (and so string interpolation, `print` and `dump`) shows ``redacted``, which has
///   no digits at all. Even the last four digits are left out: with a reference code, a time and a
///   channel in the same log line they would narrow a person down, and logs travel further than the
///   database does.
/// - ``display`` and ``e164`` are the only ways to get the number, and are meant for the visitor's
///   confirmation and the staff report.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number in E.164 form: `+1` then ten digits, like `+14705550123`.
    public let e164: String
    /// The extension's digits (1 to 6), when the visitor gave one.
    public let extensionDigits: String?

    /// What logs and debug output show instead of the number: the same for every number, no digits.
    public static let redactedText = "(***) ***-****"

    /// The longest extension accepted, in digits.
    static let maximumExtensionLength = 6

    /// Creates a number from its E.164 form, checking it is a valid NANP number.
    ///
    /// Returns nil unless `e164` is `+1` and ten digits with a valid area code and exchange, and the
    /// extension (if any) is 1 to 6 ASCII digits.
    public init?(e164: String, extensionDigits: String? = nil) {
        let scalars = Array(e164.unicodeScalars)
        guard scalars.count == 12, scalars[0] == "+", scalars[1] == "1" else { return nil }
        var national: [UInt8] = []
        for scalar in scalars.dropFirst(2) {
            guard let digit = Self.asciiDigit(scalar) else { return nil }
            national.append(digit)
        }
        if let extensionDigits {
            guard (1...Self.maximumExtensionLength).contains(extensionDigits.unicodeScalars.count),
                extensionDigits.unicodeScalars.allSatisfy({ Self.asciiDigit($0) != nil })
            else { return nil }
        }
        guard Self.isValidNANP(national) else { return nil }
        self.e164 = e164
        self.extensionDigits = extensionDigits
    }

    /// Creates a number from ten national digits already checked by ``isValidNANP(_:)``.
    fileprivate init(national: [UInt8], extensionDigits: String?) {
        // Built from bytes: this runs for every number found in a message, up to hundreds in one line.
        var bytes: [UInt8] = [UInt8(ascii: "+"), UInt8(ascii: "1")]
        bytes.reserveCapacity(2 + national.count)
        for digit in national { bytes.append(UInt8(ascii: "0") + digit) }
        self.e164 = String(decoding: bytes, as: UTF8.self)
        self.extensionDigits = extensionDigits
    }

    /// The ten digits after `+1`.
    private var nationalDigits: Substring { e164.dropFirst(2) }

    /// The number as people write it: `(470) 555-0123`, or `(470) 555-0123 ext. 12`.
    public var display: String {
        let digits = nationalDigits
        let area = digits.prefix(3)
        let exchange = digits.dropFirst(3).prefix(3)
        let line = digits.suffix(4)
        let main = "(\(area)) \(exchange)-\(line)"
        guard let extensionDigits else { return main }
        return "\(main) ext. \(extensionDigits)"
    }

    /// A stand-in for logs: ``redactedText``, identical for every number, so nothing can be learned
    /// from it, not even whether there is an extension.
    public var redacted: String { Self.redactedText }

    /// Redacted on purpose, so a number interpolated into a log line or an error never shows.
    public var description: String { redacted }
}

// MARK: - Parsing

extension PhoneNumber {
    /// Reads the number out of an answer to "what number should they call?".
    ///
    /// Accepts the ways people type a number, with words around it: `(470) 555-0123`,
    /// `470.555.0123`, `+1 470 555 0123`, `1-470-555-0123`, `4705550123`, `470 555 0123 ext 12`,
    /// `470-555-0123 x12`, "my number is 470-555-0123 thanks". The digits may be grouped any way.
    ///
    /// Returns nil when the answer has no number, too few or too many digits, a number outside
    /// North America, an invalid area code or exchange (first digit 0 or 1, or N11 like 911), or two
    /// different numbers (the visitor is then asked again rather than called at the wrong one).
    /// Short numbers next to the phone number ("after 5", "I'm 32") are ignored.
    public static func parse(_ answer: String) -> PhoneNumber? {
        guard PhoneScanner.mayHoldNumber(answer) else { return nil }
        let scanner = PhoneScanner(answer)
        var found: PhoneNumber?
        for chain in scanner.segments() where chain.digitCount >= PhoneScanner.minimumAttemptDigits {
            // In an answer, every run of seven or more digits is an attempt at the number: one that
            // doesn't make a valid number makes the whole answer unclear.
            guard let number = scanner.number(from: chain, strict: false) else { return nil }
            if let found, found != number { return nil }
            found = number
        }
        return found
    }

    /// Every different valid number in an answer, in the order typed ("706-555-0100 or my work 706-555-0200"): more
    /// than one, and the visitor is asked which. Runs of digits that make no valid number are left out.
    public static func all(in answer: String) -> [PhoneNumber] {
        guard PhoneScanner.mayHoldNumber(answer) else { return [] }
        let scanner = PhoneScanner(answer)
        var found: [PhoneNumber] = []
        for chain in scanner.segments() where chain.digitCount >= PhoneScanner.minimumAttemptDigits {
            if let number = scanner.number(from: chain, strict: false), !found.contains(number) { found.append(number) }
        }
        return found
    }

    /// Finds a phone number the visitor volunteered inside a longer message, like
    /// "call me at 706 555 0199 i want to come back".
    ///
    /// Stricter than ``parse(_:)``: the digits must be grouped the way phone numbers are written
    /// (`470 555 0123`, `(470) 555-0123`, `4705550123`, with an optional leading 1 or +1), and must
    /// stand apart from the words around them, so "I took 30 pills", "2023", "800mg", "10:30",
    /// "12/25/2023", "$1,200.00" or "50%" are never read as a number. Returns nil when there is no
    /// number or there are two different ones.
    public static func find(in message: String) -> PhoneNumber? {
        // Runs on every message: most have no number, and this says so without building the scanner.
        guard PhoneScanner.mayHoldNumber(message) else { return nil }
        // A reply's checks ask for a long message's number several times: it is searched once.
        return recentFinds.reading(message) { Found(number: search(in: $0)) }.number
    }

    /// A search's result, kept for a long message.
    private struct Found: Sendable {
        var number: PhoneNumber?
    }

    private static let recentFinds = RecentReadings<Found>()

    /// `find(in:)`, searched now.
    static func search(in message: String) -> PhoneNumber? {
        guard PhoneScanner.mayHoldNumber(message) else { return nil }
        let scanner = PhoneScanner(message)
        var found: PhoneNumber?
        for chain in scanner.segments() {
            guard let number = scanner.number(from: chain, strict: true) else { continue }
            if let found, found != number { return nil }
            found = number
        }
        return found
    }

    /// True when ten national digits make a number that can be dialed in North America.
    ///
    /// The area code and the exchange start with 2 to 9; neither is N11 (211 to 911: service codes
    /// like 411 and 911, never assigned to a line).
    static func isValidNANP(_ national: [UInt8]) -> Bool {
        guard national.count == 10 else { return false }
        func isNXX(_ offset: Int) -> Bool {
            let (a, b, c) = (national[offset], national[offset + 1], national[offset + 2])
            return a >= 2 && !(b == 1 && c == 1)
        }
        return isNXX(0) && isNXX(3)
    }

    /// The first decimal digit after ASCII's `0`–`9`: ARABIC-INDIC DIGIT ZERO.
    static let firstNonASCIIDecimalDigit: UInt32 = 0x0660

    /// The value of an ASCII digit.
    fileprivate static func asciiDigit(_ scalar: Unicode.Scalar) -> UInt8? {
        guard ("0"..."9").contains(scalar) else { return nil }
        return UInt8(scalar.value - 48)
    }

    /// The value of any decimal digit (ASCII, full-width `０`–`９`, other scripts' digits).
    fileprivate static func decimalDigit(_ scalar: Unicode.Scalar) -> UInt8? {
        if let ascii = asciiDigit(scalar) { return ascii }
        // No decimal digit lies between ASCII's and the Arabic-Indic ones (U+0660): most text is
        // answered here without looking up Unicode properties.
        guard scalar.value >= firstNonASCIIDecimalDigit else { return nil }
        guard scalar.properties.numericType == .decimal, let value = scalar.properties.numericValue,
            value >= 0, value <= 9
        else { return nil }
        return UInt8(value)
    }
}

// MARK: - Codable

extension PhoneNumber {
    private enum CodingKeys: String, CodingKey {
        case e164
        case extensionDigits = "extension"
    }

    /// Decodes `{"e164": "+14705550123", "extension": "12"}`, checking the number again.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let e164 = try container.decode(String.self, forKey: .e164)
        let extensionDigits = try container.decodeIfPresent(String.self, forKey: .extensionDigits)
        guard let number = PhoneNumber(e164: e164, extensionDigits: extensionDigits) else {
            throw DecodingError.dataCorruptedError(
                forKey: .e164,
                in: container,
                debugDescription: "Not a valid North American number in E.164 form (+1 and ten digits)."
            )
        }
        self = number
    }

    /// Encodes `{"e164": "+14705550123", "extension": "12"}`; the extension only when there is one.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(e164, forKey: .e164)
        try container.encodeIfPresent(extensionDigits, forKey: .extensionDigits)
    }
}

// MARK: - Debug output

extension PhoneNumber: CustomDebugStringConvertible, CustomReflectable {
    /// Redacted, like ``description``.
    public var debugDescription: String { "PhoneNumber(\(redacted))" }

    /// No children, so `dump()` and test failure messages don't print the digits.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

// MARK: - Scanner

/// Finds digit groups in text and decides which of them form a phone number.
///
/// Text is read as Unicode scalars. A *group* is a maximal run of decimal digits. Groups joined by
/// short runs of phone separators (spaces, `-`, `.`, `(`, `)`, dashes) form a *chain*: the candidate
/// number. Newlines, commas, slashes and colons never join groups, so "10:30", "12/25/2023" and
/// "1,200" stay apart.
private struct PhoneScanner {
    /// A run of digits.
    struct Group {
        var start: Int
        var end: Int  // one past the last digit
        var digits: [UInt8]
    }

    /// Groups joined by separators, plus what surrounds them.
    struct Chain {
        var groups: [Group]
        var digitCount: Int {
            var count = 0
            for group in groups { count += group.digits.count }
            return count
        }

        /// Every group's digits, in order.
        var digits: [UInt8] {
            var digits: [UInt8] = []
            digits.reserveCapacity(12)
            for group in groups { digits += group.digits }
            return digits
        }

        /// How many digits each group has.
        var lengths: [Int] {
            var lengths: [Int] = []
            lengths.reserveCapacity(groups.count)
            for group in groups { lengths.append(group.digits.count) }
            return lengths
        }
    }

    /// Fewer digits than this are never an attempt at a full number ("after 5", "I'm 32").
    static let minimumAttemptDigits = 7
    /// The fewest digits a number is written with: the ten national digits.
    static let minimumNumberDigits = 10

    /// False when `text` has too few digits to hold a number, so that neither ``PhoneNumber/find(in:)``
    /// nor ``PhoneNumber/parse(_:)`` can return one; true otherwise.
    ///
    /// Every number is ten national digits (eleven with a leading 1), so text with fewer than ten
    /// decimal digits in all has none. Counts over UTF-8 bytes while the text is ASCII.
    static func mayHoldNumber(_ text: String) -> Bool {
        var digits = 0
        for byte in text.utf8 {
            if byte >= 0x80 { return mayHoldNumber(scalars: text.unicodeScalars) }
            if byte &- UInt8(ascii: "0") < 10 {
                digits += 1
                if digits >= minimumNumberDigits { return true }
            }
        }
        return false
    }

    private static func mayHoldNumber(scalars: String.UnicodeScalarView) -> Bool {
        var digits = 0
        for scalar in scalars where PhoneNumber.decimalDigit(scalar) != nil {
            digits += 1
            if digits >= minimumNumberDigits { return true }
        }
        return false
    }
    /// The most digit groups one number is written in: `1 470 555 0123`.
    static let maximumGroupsInNumber = 4
    /// The longest separator run between two groups of one number, like ") - ".
    static let maximumSeparatorLength = 3

    let scalars: [Unicode.Scalar]
    let lowercased: [Unicode.Scalar]
    let groups: [Group]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
        lowercased = Array(text.lowercased().unicodeScalars)
        var groups: [Group] = []
        var index = 0
        while index < scalars.count {
            guard PhoneNumber.decimalDigit(scalars[index]) != nil else {
                index += 1
                continue
            }
            var group = Group(start: index, end: index, digits: [])
            while index < scalars.count, let digit = PhoneNumber.decimalDigit(scalars[index]) {
                group.digits.append(digit)
                index += 1
            }
            group.end = index
            groups.append(group)
        }
        self.groups = groups
    }

    /// Characters that may stand between the digit groups of one number.
    static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\u{00A0}", "\u{202F}", "-", ".", "(", ")", "\u{2010}", "\u{2011}", "\u{2012}",
            "\u{2013}", "\u{2014}", "\u{2212}":
            return true
        default:
            return false
        }
    }

    /// The chains of the text, left to right. Extension digits are left out (they follow a marker).
    func chains() -> [Chain] {
        var chains: [Chain] = []
        var index = 0
        while index < groups.count {
            var chain = Chain(groups: [groups[index]])
            index += 1
            while index < groups.count {
                let gap = scalars[chain.groups.last!.end..<groups[index].start]
                guard gap.count <= Self.maximumSeparatorLength, gap.allSatisfy(Self.isSeparator) else { break }
                chain.groups.append(groups[index])
                index += 1
            }
            chains.append(chain)
            // Skip the digits of an extension ("ext 12"), so they are not read as a number of their own.
            if let (_, end) = extensionAfter(chain) {
                while index < groups.count, groups[index].start < end { index += 1 }
            }
        }
        return chains
    }

    /// The chains, with any chain that is not a number as a whole split into the numbers it holds
    /// and the runs of groups left between them: "470 555 0123 2 pm" holds `470 555 0123` and `2`.
    func segments() -> [Chain] {
        var segments: [Chain] = []
        for chain in chains() {
            if chain.groups.count == 1
                || (Self.mayBeNumber(chain.groups[...]) && number(from: chain, strict: false) != nil)
            {
                segments.append(chain)
                continue
            }
            var leftover: [Group] = []
            var start = 0
            while start < chain.groups.count {
                // A number has at most four groups (1 470 555 0123): this keeps a long run of digits
                // in an untrusted message linear to scan.
                let longest = min(start + Self.maximumGroupsInNumber, chain.groups.count)
                // Only windows of 10 or 11 digits can be a number: counted before any window is built, so
                // a message of thousands of short digit groups ("1 1 1 …") stays cheap to scan.
                let window = (start + 1...longest).reversed().lazy.filter { end in
                    Self.mayBeNumber(chain.groups[start..<end])
                }.map { end in
                    Chain(groups: Array(chain.groups[start..<end]))
                }.first { window in
                    Self.isUsualGrouping(window.lengths)
                        && number(from: window, strict: false) != nil
                }
                if let window {
                    if !leftover.isEmpty { segments.append(Chain(groups: leftover)) }
                    leftover = []
                    segments.append(window)
                    start += window.groups.count
                } else {
                    leftover.append(chain.groups[start])
                    start += 1
                }
            }
            if !leftover.isEmpty { segments.append(Chain(groups: leftover)) }
        }
        return segments
    }

    /// Whether these groups have as many digits as a number (ten, or eleven with the leading 1).
    static func mayBeNumber(_ groups: ArraySlice<Group>) -> Bool {
        var digits = 0
        for group in groups {
            digits += group.digits.count
            if digits > 11 { return false }
        }
        return digits >= 10
    }

    /// Makes a phone number of a chain, or nil.
    ///
    /// - Parameter strict: require the usual grouping and a clean boundary with the text around
    ///   (for numbers found inside messages); otherwise any grouping of the digits is accepted.
    func number(from chain: Chain, strict: Bool) -> PhoneNumber? {
        var digits = chain.digits
        let start = chain.groups.first!.start
        let plus = plusSign(before: start)
        if digits.count == 11 {
            guard digits[0] == 1 else { return nil }
            digits.removeFirst()
        } else if plus {
            return nil  // "+4705550123" is a number in country 47, not a North American one.
        }
        guard PhoneNumber.isValidNANP(digits) else { return nil }
        let ext = extensionAfter(chain)
        if strict {
            guard Self.isUsualGrouping(chain.lengths),
                isCleanStart(start, plus: plus),
                ext != nil || isCleanEnd(chain.groups.last!.end)
            else { return nil }
        }
        return PhoneNumber(national: digits, extensionDigits: ext?.digits)
    }

    /// The groupings people use: 10, 3-3-4, 3-7 (and 6-4), each with an optional leading 1;
    /// 11 digits starting with 1.
    static func isUsualGrouping(_ lengths: [Int]) -> Bool {
        var lengths = lengths
        if lengths.first == 11 { return lengths.count == 1 }
        if lengths.count > 1, lengths.first == 1 { lengths.removeFirst() }
        return lengths == [10] || lengths == [3, 3, 4] || lengths == [3, 7] || lengths == [6, 4]
    }

    /// Whether a `+` (with an optional `(` or space) stands right before the number.
    func plusSign(before start: Int) -> Bool {
        var index = start - 1
        while index >= 0, scalars[index] == " " || scalars[index] == "(" {
            index -= 1
            if start - index > 3 { return false }
        }
        return index >= 0 && (scalars[index] == "+" || scalars[index] == "\u{FF0B}")
    }

    /// False when the digits are glued to something that makes them part of another token:
    /// a letter ("v470…", "#…"), money ("$"), or a number with a comma, slash, colon or point.
    func isCleanStart(_ start: Int, plus: Bool) -> Bool {
        var index = start - 1
        while index >= 0, scalars[index] == "(" || (plus && (scalars[index] == "+" || scalars[index] == " ")) {
            index -= 1
        }
        guard index >= 0 else { return true }
        let before = scalars[index]
        if before.properties.isAlphabetic || PhoneNumber.decimalDigit(before) != nil { return false }
        if before.properties.generalCategory == .currencySymbol || before == "#" { return false }
        // "1,200", "12/25", "10:30", "3.14" — but "phone:470…" and "no. 470…" are fine.
        if Self.numberPunctuation.contains(before), index > 0, PhoneNumber.decimalDigit(scalars[index - 1]) != nil {
            return false
        }
        if before == "_" { return false }
        return true
    }

    /// False when the digits run on into a unit ("800mg"), a percent, or another number.
    func isCleanEnd(_ end: Int) -> Bool {
        var index = end
        while index < scalars.count, scalars[index] == ")" { index += 1 }
        guard index < scalars.count else { return true }
        let after = scalars[index]
        if after.properties.isAlphabetic || PhoneNumber.decimalDigit(after) != nil { return false }
        if after == "%" || after.properties.generalCategory == .currencySymbol { return false }
        if Self.numberPunctuation.contains(after) || after == "-", index + 1 < scalars.count,
            PhoneNumber.decimalDigit(scalars[index + 1]) != nil
        {
            return false
        }
        return true
    }

    /// Marks that glue digits into another kind of number: "1,200", "12/25", "10:30", "3.14".
    static let numberPunctuation: Set<Unicode.Scalar> = [",", "/", ":", "."]
    /// What may stand between a number and its extension marker.
    static let beforeExtension: Set<Unicode.Scalar> = [" ", ",", ";", "-", "(", "\t"]
    /// Extension markers, longest first, as scalars.
    static let extensionMarkers: [[Unicode.Scalar]] = ["extension", "ext", "ex", "x", "#"].map {
        Array($0.unicodeScalars)
    }
    /// What may stand between an extension marker and its digits.
    static let afterExtensionMarker: Set<Unicode.Scalar> = [".", ":", " "]

    /// An extension right after the chain: `ext 12`, `ext. 12`, `extension 12`, `x12`, `#12`, with
    /// an optional comma before it. Returns its digits and where it ends.
    func extensionAfter(_ chain: Chain) -> (digits: String, end: Int)? {
        var index = chain.groups.last!.end
        var skipped = 0
        while index < lowercased.count, Self.beforeExtension.contains(lowercased[index]) {
            index += 1
            skipped += 1
            guard skipped <= 3 else { return nil }
        }
        guard
            let marker = Self.extensionMarkers.first(where: { marker in
                index + marker.count <= lowercased.count && lowercased[index..<index + marker.count].elementsEqual(marker)
            })
        else { return nil }
        index += marker.count
        while index < lowercased.count, Self.afterExtensionMarker.contains(lowercased[index]) { index += 1 }
        var digits = ""
        while index < scalars.count, let digit = PhoneNumber.decimalDigit(scalars[index]) {
            digits.unicodeScalars.append(Unicode.Scalar(UInt8(ascii: "0") + digit))
            index += 1
        }
        guard (1...PhoneNumber.maximumExtensionLength).contains(digits.count) else { return nil }
        if index < scalars.count, scalars[index].properties.isAlphabetic { return nil }
        if index < scalars.count, scalars[index] == ")" { index += 1 }
        return (digits, index)
    }
}
