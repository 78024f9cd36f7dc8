import Foundation

/// A title in quotes followed by "by" and its maker ("i love \"suicidal\" by ynw melly", "my ringtone is 'kill myself' by
/// suicideboys") is a song, a film or a book, not the visitor's words: the crisis check reads the word "song" before it,
/// so that the media phrases of `history:` tell it as media (round 26, QA30). Only an addition: a crisis said beside the
/// title in its own words is read as ever, and a time, a person or a way after "by" ("\"end it\" by tonight", "by text",
/// "by the bridge") is never read as a maker.
enum QuotedTitles {
    /// `message` with "song" read before each quoted title followed by "by" and a maker, or nil when it has none.
    static func marked(_ message: String) -> String? {
        // Bytes first: " by" and a quote's byte (" or ', or the lead byte 0xE2 of “ ” ‘ ’) are in every message the
        // checks below let through, and in few others. `contains(" by ")` goes through Foundation, and cost 2.6% of
        // answering an ordinary question for the messages that have no " by " at all (round 27).
        guard Self.mayHaveTitle(message.utf8) else { return nil }
        guard message.contains(" by "), message.contains(where: { quotes.contains($0) }) else { return nil }
        let text = message as NSString
        var marked = ""
        var last = 0
        for match in pattern.matches(in: message, range: NSRange(location: 0, length: text.length)) {
            let title = text.substring(with: match.range(at: 2))
            let maker = text.substring(with: match.range(at: 3)).lowercased()
            // A number after "by" is a time or a count ("by 5pm", "by 2"), never read as a maker: safer to alarm on a
            // song by "21 savage" than to set aside "\"kill myself\" by 5pm".
            guard title.split(separator: " ").count <= maximumTitleWords, !notMakers.contains(maker),
                maker.first?.isNumber != true
            else { continue }
            let start = match.range(at: 1).location
            marked += text.substring(with: NSRange(location: last, length: start - last)) + " song "
            last = start
        }
        guard last > 0 else { return nil }
        return marked + text.substring(from: last)
    }

    /// Whether `bytes` hold " by" and a byte a quotation mark starts with (`"`, `'`, or 0xE2 for “ ” ‘ ’).
    private static func mayHaveTitle(_ bytes: String.UTF8View) -> Bool {
        var quote = false
        var by = false
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in bytes {
            if byte == 0x22 || byte == 0x27 || byte == 0xE2 { quote = true }
            if byte == 0x79 && previous == (0x20, 0x62) { by = true }  // " by"
            if quote && by { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    /// The quotation marks a title may be written between.
    private static let quotes: Set<Character> = ["\"", "“", "”", "‘", "’", "'"]

    /// A quote opened after a space or at the start, up to 60 characters of title, its closing quote, then "by" and a word.
    private static let pattern = try! NSRegularExpression(
        pattern: #"(?:^|(?<=\s))(["“‘'])([^"“”‘’'\n]{1,60}?)["”’']\s+by\s+([A-Za-z0-9]+)"#)

    /// Titles are short; a longer quote is what someone said.
    private static let maximumTitleWords = 6

    /// Words after "by" that tell a time, a person, a way or a place, not a maker.
    private static let notMakers: Set<String> = [
        "the", "a", "an", "my", "his", "her", "their", "our", "your", "him", "them", "me", "us", "myself", "himself",
        "herself", "themselves", "tonight", "tomorrow", "today", "tmrw", "morning", "noon", "midnight", "then", "now",
        "next", "this", "that", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "text",
        "texting", "phone", "email", "dm", "message", "mistake", "accident", "force", "hand", "itself", "end",
        "sunrise", "sunset", "week", "weekend", "christmas", "night", "dawn", "sundown", "dark", "lunch", "dinner",
        "bedtime", "tonite", "2nite", "tmr", "tomorow", "eod", "midnite",
    ]
}
