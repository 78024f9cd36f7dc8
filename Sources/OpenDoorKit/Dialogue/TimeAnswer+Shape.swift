/// The shape of a best time beyond its part of the day (QA22 W8): a span of hours ("3pm-5pm", "8 to 4"), and whether
/// the words rule times or days out ("not mornings", "any day but friday", "weekends only"). These decide the part of
/// the day kept for sorting: the right one, or ``BestTime/asSaid`` — never "any time" for words that say otherwise.
///
/// Read in one pass over the answer's words, apart from ``BestTime/parse(_:)`` (which they correct, never change).
struct TimeShape {
    /// The longest answer read for its shape, in bytes: a time is said in a sentence or two.
    static let longestRead = 300

    /// Lowercase runs of letters and of digits, apostrophes dropped, with a dash ("-", "–") as a token of its own.
    let tokens: [Substring]

    init(_ text: String) {
        var tokens: [Substring] = []
        let lowered = text.lowercased()
        var start: String.Index?
        var digits = false
        var index = lowered.startIndex
        func close(at end: String.Index) {
            if let from = start { tokens.append(lowered[from..<end]) }
            start = nil
        }
        while index < lowered.endIndex {
            let character = lowered[index]
            let isDigit = character.isASCII && character.isNumber
            if character == "'" || character == "\u{2019}" {
                close(at: index)
            } else if isDigit || character.isLetter {
                if start == nil || isDigit != digits {
                    close(at: index)
                    start = index
                    digits = isDigit
                }
            } else {
                close(at: index)
                if character == "-" || character == "\u{2013}" { tokens.append(lowered[index...index]) }
            }
            index = lowered.index(after: index)
        }
        close(at: lowered.endIndex)
        // "don't" is one word: the apostrophe closed "don"; join it back with its "t".
        var joined: [Substring] = []
        for token in tokens {
            if token == "t", let last = joined.last, ["don", "can", "won", "isn", "doesn", "didn"].contains(last) {
                joined[joined.count - 1] = Substring(String(last) + "t")
            } else {
                joined.append(token)
            }
        }
        self.tokens = joined
    }

    // MARK: - A span of hours

    /// The part of the day a span of hours falls in ("3pm-5pm", "3-5pm", "between 2 and 4", "8 to 4"): the end is
    /// when calls stop, so "3-5pm" is the afternoon; a span over two parts ("9-5") is ``BestTime/asSaid``. Nil when
    /// the answer holds no span of hours.
    var hourSpan: BestTime? {
        var i = 0
        while i < tokens.count {
            defer { i += 1 }
            guard let start = Self.hour(tokens[i]), i == 0 || !Self.isDigits(tokens[i - 1]) else { continue }
            var j = i + 1
            let startHalf = j < tokens.count ? Self.half(tokens[j]) : nil
            if startHalf != nil { j += 1 }
            guard j + 1 < tokens.count,
                Self.connectors.contains(tokens[j]) || (tokens[j] == "and" && i > 0 && tokens[i - 1] == "between"),
                let end = Self.hour(tokens[j + 1])
            else { continue }
            var after = j + 2
            let endHalf = after < tokens.count ? Self.half(tokens[after]) : nil
            if endHalf != nil { after += 1 }
            // "2-3 weeks", "555-0199": a length of time, or part of a number.
            if after < tokens.count, TimeAnswer.durations.contains(String(tokens[after])) || Self.isDigits(tokens[after]) {
                continue
            }
            return Self.part(from: start, startHalf, to: end, endHalf)
        }
        return nil
    }

    /// The part of the day of the hours from `start` up to `end`, on a 24-hour clock read from am and pm where said,
    /// and otherwise as people say office hours (7 to 11 in the morning, 12 to 6 after noon).
    static func part(from start: Int, _ startHalf: Bool?, to end: Int, _ endHalf: Bool?) -> BestTime? {
        func clock(_ hour: Int, pm: Bool) -> Int { hour == 12 ? (pm ? 12 : 0) : hour + (pm ? 12 : 0) }
        let startPM = startHalf ?? (endHalf.map { $0 && (start < end || start == 12) } ?? !(7...11).contains(start))
        let from = clock(start, pm: startPM)
        var to = clock(end, pm: endHalf ?? (end == 12 || end <= 6))
        if to <= from, to < 12 { to += 12 }
        guard to > from else { return nil }
        let parts = Set((from..<to).map { hour -> BestTime in
            switch hour {
            case 5..<12: .morning
            case 12..<17: .afternoon
            default: .evening
            }
        })
        return parts.count == 1 ? parts.first : .asSaid
    }

    private static let connectors: Set<Substring> = ["-", "\u{2013}", "to", "til", "till", "until", "thru", "through"]

    /// An hour of one or two digits, 1 to 12.
    private static func hour(_ token: Substring) -> Int? {
        guard token.count <= 2, let value = Int(token), (1...12).contains(value) else { return nil }
        return value
    }

    /// True for pm, false for am, nil for any other word.
    private static func half(_ token: Substring) -> Bool? {
        token == "pm" ? true : token == "am" ? false : nil
    }

    private static func isDigits(_ token: Substring) -> Bool {
        token.first.map { $0.isASCII && $0.isNumber } == true
    }

    // MARK: - Times or days ruled out

    /// Whether the words rule a time or day out ("not mornings", "any day but friday", "except when im at work"), or
    /// name days that are not one plain day ("weekends only", "mondays", "tuesday or thursday"): "any time" would say
    /// otherwise. "no preference", "dont care" and "doesnt matter" rule nothing out.
    var restricts: Bool {
        var singleDays = 0
        for (index, token) in tokens.enumerated() {
            if Self.multipleDays.contains(token) { return true }
            if Self.singleDays.contains(token) { singleDays += 1 }
            if Self.excepting.contains(token), !partOfNoPreference(index) {
                // "anytime but …", "any day but …"; a "but" elsewhere ("ok but make it whenever") rules nothing out.
                if token != "but" { return true }
                if tokens[..<index].contains(where: { ["any", "anytime", "anything", "all", "whenever"].contains($0) }) {
                    return true
                }
            }
        }
        return singleDays > 1
    }

    /// Whether the words rule a part of the day or a day out at all: "except" and the like before anything, a
    /// negation or "but" right before a time or day word ("not at night", "any time but please not mornings"). "any
    /// time but please not at night" says when, even though no one part of the day is left; "no i work nights" is no
    /// time to call.
    var rulesOut: Bool {
        for (index, token) in tokens.enumerated() where Self.excepting.contains(token) && !partOfNoPreference(index) {
            if Self.strongExcepting.contains(token), index + 1 < tokens.count { return true }
            for next in tokens[(index + 1)...].prefix(4) {
                if Self.timeOrDay(next) { return true }
                if !Self.between.contains(next) { break }
            }
        }
        return false
    }

    /// Words that rule out whatever follows them.
    private static let strongExcepting: Set<Substring> = ["except", "unless", "besides", "excluding"]
    /// Words that may stand between a negation and the time it rules out ("not at night", "dont call me mornings").
    private static let between: Set<Substring> = [
        "at", "on", "in", "the", "a", "before", "after", "during", "between", "please", "pls", "call", "me", "calls",
        "calling", "ring", "any", "late", "early", "too", "not", "do", "work",
    ]

    /// Whether the token at `index` belongs to a phrase that says any time is fine ("no preference", "dont care").
    private func partOfNoPreference(_ index: Int) -> Bool {
        BestTimeParser.anyPhrases.contains { phrase in
            phrase.indices.contains { offset in
                let from = index - offset
                guard from >= 0, from + phrase.count <= tokens.count, phrase[offset] == tokens[index] else { return false }
                return tokens[from..<(from + phrase.count)].elementsEqual(phrase) { $0 == $1 }
            }
        }
    }

    private static func timeOrDay(_ token: Substring) -> Bool {
        let word = String(token)
        return BestTimeParser.timeWords.contains(word) || singleDays.contains(token) || multipleDays.contains(token)
            || hour(token) != nil || ["am", "pm"].contains(word)
    }

    /// Words that rule out what follows.
    private static let excepting: Set<Substring> = [
        "not", "no", "never", "dont", "cant", "cannot", "wont", "except", "but", "avoid", "unless", "besides", "excluding",
    ]
    /// One day said plainly (staff see the date beside it).
    private static let singleDays: Set<Substring> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "tues", "wed", "thu",
        "thur", "thurs", "fri", "sat", "sun", "today", "tonight", "tomorrow", "tmrw", "tmr", "tmw",
    ]
    /// Days that recur or span more than one.
    private static let multipleDays: Set<Substring> = [
        "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "weekend", "weekends",
        "weekday", "weekdays", "workdays", "week", "days",
    ]
}

extension TimeAnswer {
    /// The part of the day kept for `found`, read from the answer's words: "any time" only when nothing is ruled out
    /// and no days are named but one (otherwise ``BestTime/asSaid``); the others as they are.
    static func checkedPart(_ found: BestTime, said: String?) -> BestTime {
        guard found == .any, let said, said.utf8.count <= TimeShape.longestRead else { return found }
        return TimeShape(said).restricts ? .asSaid : .any
    }
}
