/// A best time as the visitor said it: the words to read back and keep ("after 5 on weekdays"), and the
/// ``BestTime`` it falls in, for sorting.
struct TimeAnswer: Hashable {
    /// The longest answer kept as said, in characters.
    static let maximumLength = 60

    /// The part of the day, for sorting and filtering.
    var time: BestTime
    /// What the visitor said, when it says more than the part of the day ("after 5 on weekdays", not
    /// "evening" or an option's number).
    var said: String?

    /// Reads an answer; nil when it names no time.
    ///
    /// A part of the day is read by ``BestTime/parse(_:)``; "not before noon" is read as "after noon". Failing
    /// that, hours ("between 2 and 4", "mon-fri 9-5") give the part of the day they fall in (any time when they
    /// span more than one), and days or "as soon as possible" (`dialogue.yaml`'s `days` and `soon`) give any
    /// time; either way the answer is kept as said.
    ///
    /// A clock time with no am or pm and nothing else to tell the half of the day ("8:30", "like 830") is no answer:
    /// ``unclearHalf(_:)`` says so, and the visitor is asked "in the morning or the evening?".
    init?(_ text: String, options: [String], words: StepAnswer? = nil) {
        self.init(text, reading: Reading(text), options: options, words: words)
    }

    /// ``init(_:options:words:)`` with `text` already read by ``Reading`` (the time step reads it once for this and
    /// for ``unclearHalf(_:)``).
    init?(_ text: String, reading: Reading, options: [String], words: StepAnswer? = nil) {
        // "3pm-5pm" is the afternoon, "9-5" two parts (QA22 W8): a span of hours is read before its ends alone.
        // The words are read for their shape only when they may hold a span (a digit) or nothing else reads them, and
        // only in an answer of a few sentences at most (a pasted page of digits is read no more than before).
        let shapely = text.utf8.count <= TimeShape.longestRead
        let shape = shapely && text.utf8.contains(where: { (0x30...0x39).contains($0) }) ? TimeShape(text) : nil
        // The text's own reading unless a negation was turned ("not before noon" is read as "after noon").
        let parsed: BestTime?
        if let span = shape?.hourSpan {
            parsed = span
        } else if let turned = Self.turningNegations(text) {
            parsed = BestTime.parse(turned)
        } else {
            parsed = reading.parsed
        }
        if parsed == nil, Self.unclearHalf(reading) { return nil }
        var found = parsed ?? words.flatMap({ Self.loosely(text, reading, $0) }) ?? Self.partRuledOut(text)
        if found == nil {
            // "any time but please not at night": no one part of the day left, but a time said all the same.
            if shapely, (shape ?? TimeShape(text)).rulesOut { found = .asSaid }
        }
        // "right now", "asap": not "any time", which staff could read as any day; kept as said (QA24 S3-8).
        if found == .any, let words, words.contains(text, .callNow), !words.contains(text, .days) { found = .asSaid }
        // "15:00", "after 1500 hrs": a 24-hour time nothing else reads, kept as said with its part of the day (QA24 S2-4).
        if found == nil, shapely, let part = Self.twentyFourHourPart(of: TextNormalizer.words(text)) {
            self = TimeAnswer(whole: text, time: part)
            return
        }
        guard let time = found else { return nil }
        defer { self.time = Self.checkedPart(time, said: said) }
        self.time = time
        let normalized = TextNormalizer.normalize(text)
        let plain = Set([time.displayName, time.rawValue] + options.map(TextNormalizer.normalize))
        if plain.contains(normalized) || Self.menuNumber(text) {
            said = nil
            return
        }
        // Only the time part is kept: "wait actually make it after 7pm" is "after 7pm", and "fuck off with the
        // questions. just call me whenever" is "whenever" (staff read what is kept).
        let part = Self.timePart(of: text, words: words)
        let tidy = part.map(TextNormalizer.normalize)
        if let part, let tidy, plain.contains(tidy) || Self.menuNumber(part) {
            said = nil
        } else {
            said = part.flatMap(CallbackDraft.normalizedName).map { String($0.prefix(Self.maximumLength)) }
        }
    }

    /// A time answer as said, with the half of the day the visitor gave when asked ("8:30", then "evening").
    init(said: String, time: BestTime) {
        self.time = time
        self.said = CallbackDraft.normalizedName(said).map { String($0.prefix(Self.maximumLength)) }
    }

    /// Whether `text` is only a number of one or two digits (a menu choice, "2", "#3"): nothing to keep as said.
    /// "8:30" and "830" are clock times, kept.
    private static func menuNumber(_ text: String) -> Bool {
        let digits = text.filter(\.isNumber)
        return digits.count <= 2 && !text.contains(":")
            && TextNormalizer.normalize(text).allSatisfy({ $0.isNumber || $0 == " " })
    }

    // MARK: - A clock time without its half of the day

    /// Whether `text` says a clock time that could be morning or evening and nothing else tells which: "8:30",
    /// "like 830", "around 9:15", with no am or pm, no part of the day ("8:30 tonight"), and no hour that tells it
    /// ("after 8:30" is the evening already, as "after 8" is). Whole hours keep their reading ("around 10" is the
    /// morning).
    static func unclearHalf(_ text: String) -> Bool {
        unclearHalf(Reading(text))
    }

    /// Whether `text` names a part of the day (``BestTime/parse(_:)``) or a clock time whose half is unclear
    /// (``unclearHalf(_:)``), read once.
    static func namesPartOrClock(_ text: String) -> Bool {
        let reading = Reading(text)
        return reading.parsed != nil || unclearHalf(reading)
    }

    /// ``unclearHalf(_:)`` of a text already read.
    static func unclearHalf(_ reading: Reading) -> Bool {
        guard reading.parsed == nil else { return false }
        let clocks = reading.clocks
        guard !clocks.isEmpty, clocks.allSatisfy({ (6...11).contains($0.hour) }) else { return false }
        // Hours said as a number of their own beside the clock time ("between 8:30 and 10") are left to the usual
        // reading.
        return !reading.tokens.contains { Int($0).map { (1...12).contains($0) } == true }
    }

    /// The words of an answer that say the clock time ``unclearHalf(_:)`` found, as typed ("like 8:30" is "8:30").
    static func clockPart(of text: String, reading: Reading? = nil) -> String {
        let clock = (reading ?? Reading(text)).clocks.map(\.word)
        return clock.isEmpty ? text : clock.joined(separator: " ")
    }

    /// The clock times of `text`, each the word as typed and its hour: "8:30" or "8.30" (a colon or dot between the
    /// hour and two digits), or three or four digits said as a time ("like 830", "around 1030"). A run of digits
    /// alone ("555", "0123") is no clock time: it may be part of a phone number.
    static func clockWords(in text: String) -> [(word: String, hour: Int)] {
        Reading(text).clocks
    }

    /// What the readings of a time answer share, read once: its words as typed (split at white space), each word's
    /// ``tokens(_:)``, the clock times among them (``clockWords(in:)``) and the text's ``BestTime/parse(_:)``. A
    /// phone number typed at the time step, 4,000 bytes of it, was split and tokenized five times.
    struct Reading {
        /// The words as typed.
        let words: [String]
        /// The tokens of every word, in order.
        let tokens: [String]
        /// The clock times among the words, each the word as typed and its hour.
        let clocks: [(word: String, hour: Int)]
        /// The part of the day the whole text names, if any.
        let parsed: BestTime?

        init(_ text: String) {
            words = TimeAnswer.whitespaceWords(text)
            var tokens: [String] = []
            var clocks: [(word: String, hour: Int)] = []
            var previousLast: String?
            for word in words {
                let own = TimeAnswer.tokens(word)
                let joined = BestTimeParser.joiningClockTimes(word)
                let marked = joined != word
                let saidAsTime = previousLast.map(TimeAnswer.approximately.contains) == true
                if marked || saidAsTime,
                    let hour = (joined == word ? own : TimeAnswer.tokens(joined)).lazy.compactMap(BestTimeParser.clockHour)
                        .first
                {
                    clocks.append((word, hour))
                }
                tokens += own
                previousLast = own.last
            }
            self.tokens = tokens
            self.clocks = clocks
            parsed = BestTime.parse(text)
        }
    }

    /// `text` split at white space, empty pieces left out: `text.split(whereSeparator: \.isWhitespace)`, read by
    /// bytes when the text is ASCII (each byte a character, and "\r\n" separates as its two bytes do).
    static func whitespaceWords(_ text: String) -> [String] {
        var text = text
        let ascii = text.withUTF8 { bytes -> [String]? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var words: [String] = []
            var start = -1
            for (i, byte) in bytes.enumerated() {
                // Character.isWhitespace on ASCII: tab, line feed, vertical tab, form feed, carriage return, space.
                if byte == 0x20 || (0x09...0x0D).contains(byte) {
                    if start >= 0 {
                        words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
                    }
                    start = -1
                } else if start < 0 {
                    start = i
                }
            }
            if start >= 0 { words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self)) }
            return words
        }
        return ascii ?? text.split(whereSeparator: \.isWhitespace).map(String.init)
    }

    // MARK: - The time part of an answer

    /// The words of `text` that say when, as typed: clauses without a time are left out ("wait", "sorry, im
    /// driving"), and so are the words before and after the time in the clauses kept ("make it", "are better",
    /// "instead"), but not the words that shape it ("after", "before", "between", "only", "not"). Nil when no word
    /// says a time on its own ("i dont care", "whatever"): the part of the day says it all.
    static func timePart(of text: String, words: StepAnswer?) -> String? {
        var plain = text
        for (dotted, bare) in [("a.m.", "am"), ("p.m.", "pm"), ("A.M.", "AM"), ("P.M.", "PM")] {
            plain = plain.replacingOccurrences(of: dotted, with: bare)
        }
        // "9.15am" is one time, not two clauses: "9:15am".
        plain = BestTimeParser.joiningClockTimes(plain, colons: true)
        var pieces: [String] = []
        for clause in plain.clauses(splitAt: ".,;!?\n") {
            let raw = clause.split(whereSeparator: \.isWhitespace).map(String.init)
            if let span = timeSpan(in: raw, words: words) {
                pieces.append(raw[span].joined(separator: " "))
            }
        }
        return pieces.isEmpty ? nil : pieces.joined(separator: ", ")
    }

    /// The range of `raw` (a clause's words as typed) from the first word that says a time, with the words that
    /// shape it before, to the last, with "only" or "ish" after.
    private static func timeSpan(in raw: [String], words: StepAnswer?) -> ClosedRange<Int>? {
        let tokens = raw.map(Self.tokens)
        // Flat tokens with the raw word each came from, for the phrases of days and "as soon as possible".
        var flat: [Substring] = []
        var owner: [Int] = []
        for (index, list) in tokens.enumerated() {
            for token in list {
                flat.append(Substring(token))
                owner.append(index)
            }
        }
        var core = Set<Int>()
        for (index, list) in tokens.enumerated() where list.contains(where: isCore) {
            // "after 3 months clean": a number of months, weeks or days is no hour.
            if list.count == 1, Int(list[0]) != nil, index + 1 < tokens.count,
                let unit = tokens[index + 1].first, durations.contains(unit)
            {
                continue
            }
            core.insert(index)
        }
        // "after work", "before school": the word after counts with it.
        for (index, list) in tokens.enumerated() where index > 0 {
            if let first = list.first, ["work", "school", "dark", "class", "shift"].contains(first),
                let before = tokens[index - 1].last, ["after", "before", "past", "until", "till", "til", "by"].contains(before)
                    || misspelledShapers[before] != nil
            {
                core.insert(index)
            }
        }
        if let words {
            var i = 0
            while i < flat.count {
                let length = [AnswerWord.days, .soon].compactMap { words.phraseLength(of: $0, at: i, in: flat) }.max()
                if let length {
                    for j in i..<(i + length) { core.insert(owner[j]) }
                    i += length
                } else {
                    i += 1
                }
            }
        }
        // "after my kids go to bed": said by what happens then, from the word that starts it.
        var eventStart: Int?
        for (index, list) in tokens.enumerated() where list == ["bed"] {
            if let shaper = (max(0, index - 6)..<index).first(where: { tokens[$0].count == 1
                && BestTimeParser.eventShapers.contains(tokens[$0][0]) })
            {
                core.insert(index)
                eventStart = min(eventStart ?? shaper, shaper)
            }
        }
        guard var start = core.min(), var end = core.max() else { return nil }
        if let eventStart { start = min(start, eventStart) }
        while start > 0, !tokens[start - 1].isEmpty,
            tokens[start - 1].allSatisfy({ shapers.contains($0) || misspelledShapers[$0] != nil })
        {
            start -= 1
        }
        // "dont call before noon", "cant do mornings": a negation just before is kept with what it turns around.
        for back in [1, 2] where start - back >= 0 {
            if tokens[start - back].contains(where: negations.contains) {
                start -= back
                break
            }
        }
        // "anything but mornings": the words that rule the time out are kept with it, never "mornings" alone (QA22 W8).
        if start >= 2, tokens[start - 1] == ["but"], let any = tokens[start - 2].last, ["anything", "all", "whatever"].contains(any) {
            start -= 2
        }
        while end + 1 < raw.count, !tokens[end + 1].isEmpty, tokens[end + 1].allSatisfy(trailers.contains) { end += 1 }
        end = sayingWhen(after: end, in: tokens)
        // "after 5 on weekdays": the days after the time are part of it, whether or not the knowledge lists them.
        var next = end + 1
        if next < raw.count, tokens[next] == ["on"] { next += 1 }
        while next < raw.count, let token = tokens[next].first, tokens[next].count == 1, dayWords.contains(token) {
            end = next
            next += 1
            if next < raw.count, ["and", "or"].contains(tokens[next]) { next += 1 }
        }
        return start...end
    }

    /// Runs of letters and runs of digits, lowercase, without apostrophes: "7pm" is "7", "pm"; a clock time is one
    /// run ("8:30" is "830").
    private static func tokens(_ word: String) -> [String] {
        let word = BestTimeParser.joiningClockTimes(word)
        if word.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII: the same runs read by bytes, apostrophes dropped.
            var bytes = Array(word.utf8)
            bytes.removeAll { $0 == UInt8(ascii: "'") }
            for i in bytes.indices where (0x41...0x5A).contains(bytes[i]) { bytes[i] += 0x20 }
            return BestTimeParser.asciiTokens(of: String(decoding: bytes, as: UTF8.self)) ?? []
        }
        return characterTokens(word)
    }

    /// ``tokens(_:)`` of a word whose clock times are joined, read character by character (any text; ``tokens(_:)``
    /// reads ASCII by bytes).
    static func characterTokens(_ word: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var digits = false
        for character in word.lowercased() where character != "'" && character != "\u{2019}" {
            let isDigit = character.isASCII && character.isNumber
            if (isDigit || character.isLetter), !current.isEmpty, isDigit == digits {
                current.append(character)
                continue
            }
            if !current.isEmpty { tokens.append(current) }
            current = isDigit || character.isLetter ? String(character) : ""
            digits = isDigit
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// Whether a token says a time on its own: a part of the day ("mornings", "nite", "lunch"), "anytime" or
    /// "whenever", an hour ("7", "730"), am or pm.
    private static func isCore(_ token: String) -> Bool {
        if let value = Int(token) { return (1...12).contains(value) || (100...1259).contains(value) }
        if ["am", "pm", "oclock", "noon", "midnight"].contains(token) { return true }
        guard !vague.contains(token) else { return false }
        return BestTime.parse(token) != nil
    }

    /// Words read as "any time" that say no time when kept alone ("whatever", "all").
    private static let vague: Set<String> = ["whatever", "all", "anything", "either", "always", "flexible"]
    /// Words that shape the time right after them.
    private static let shapers: Set<String> = [
        "after", "before", "between", "around", "from", "until", "till", "til", "by", "past", "at", "about", "early",
        "late", "not", "only", "except", "every", "weekday", "weekdays", "any", "anytime", "this", "next", "mid",
        "earlier", "later", "than",
    ]
    /// The words that shape a time as they are often mistyped ("aftr 5", "befor noon"): kept with it, as typed.
    static let misspelledShapers: [String: String] = [
        "aftr": "after", "afer": "after", "atfer": "after", "afta": "after", "aftet": "after", "affter": "after",
        "befor": "before", "bfore": "before", "b4": "before", "beofre": "before", "untill": "until", "untl": "until",
        "arround": "around", "aroud": "around", "arond": "around",
    ]
    /// The end of a time said as "whenever" and what it waits for ("whenever ur open", "whenever you can, thanks"
    /// keeps "whenever ur open", "whenever you can"): the words of the clause after it, up to a courtesy word
    /// (QA22 W24). `end` as it is when no subject follows the "whenever".
    private static func sayingWhen(after end: Int, in tokens: [[String]]) -> Int {
        guard tokens[end].last == "whenever", end + 1 < tokens.count, let next = tokens[end + 1].first,
            whenSubjects.contains(next)
        else { return end }
        var last = end + 1
        while last + 1 < tokens.count, let word = tokens[last + 1].first, !courtesies.contains(word) { last += 1 }
        return last
    }

    /// Words that start what a "whenever" waits for.
    private static let whenSubjects: Set<String> = [
        "ur", "you", "youre", "u", "ya", "yall", "they", "theyre", "someone", "somebody", "anyone", "the", "its", "i",
        "im", "we", "open", "free", "available",
    ]
    /// Words that end the time said ("whenever you can thanks").
    private static let courtesies: Set<String> = ["thanks", "thank", "thx", "ty", "please", "pls", "plz", "lol", "ok", "okay"]

    /// Units after a number that make it a length of time, not an hour ("3 months clean").
    static let durations: Set<String> = [
        "month", "months", "mo", "mos", "week", "weeks", "wk", "wks", "day", "days", "year", "years", "yr", "yrs",
        "hour", "hours", "hr", "hrs", "minute", "minutes", "min", "mins", "times", "x",
    ]
    /// Days said after a time ("on weekdays", "mondays and fridays").
    private static let dayWords: Set<String> = {
        let days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekday", "weekend"]
        return Set(days + days.map { $0 + "s" } + ["mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"])
    }()
    /// Words that turn a time around, kept when just before it ("dont call before noon").
    private static let negations: Set<String> = ["dont", "not", "never", "cant", "cannot", "no", "except"]
    /// Words that end a time ("evenings only", "5ish", "any time").
    private static let trailers: Set<String> = ["only", "ish", "time", "times", "am", "pm", "oclock"]

    /// "not before noon" as "after noon", "not after 6" as "before 6", "dont call before noon" as "after noon".
    /// Nil when there is nothing to turn (no "before" or "after"): the text is read as it is.
    private static func turningNegations(_ text: String) -> String? {
        let words = TextNormalizer.words(text)
        guard words.contains("before") || words.contains("after") else { return nil }
        var turned: [String] = []
        for word in words {
            if word == "before" || word == "after",
                let negation = turned.indices.suffix(2).last(where: { Self.turning.contains(turned[$0]) }),
                turned[(negation + 1)...].allSatisfy({ ["call", "ring", "phone", "text", "me", "calls"].contains($0) })
            {
                turned.removeSubrange(negation...)
                turned.append(word == "before" ? "after" : "before")
            } else {
                turned.append(word)
            }
        }
        return turned.joined(separator: " ")
    }

    /// Words that turn "before" into "after" (and the other way) right before it, or with "call" between.
    private static let turning: Set<String> = ["not", "no", "never", "dont", "cant", "please dont"]

    /// "not mornings", "no evenings": a part of the day ruled out, and none named: any other time, kept as said.
    private static func partRuledOut(_ text: String) -> BestTime? {
        let words = TextNormalizer.words(text)
        guard words.count <= 6 else { return nil }
        for (index, word) in words.enumerated().dropFirst() where ["not", "no", "never", "except"].contains(words[index - 1]) {
            if let part = BestTime.parse(word), part != .any { return .any }
        }
        return nil
    }

    /// Hours, days or "as soon as possible" when no part of the day is named.
    private static func loosely(_ text: String, _ reading: Reading, _ words: StepAnswer) -> BestTime? {
        // "4ish", "4-ish": the hour is its digits.
        let tokens = reading.tokens
        let hours = tokens.indices.filter { index in
            index + 1 >= tokens.count || !durations.contains(tokens[index + 1])
        }.compactMap { Int(tokens[$0]) }.filter { (1...12).contains($0) } + reading.clocks.map(\.hour)
        if !hours.isEmpty {
            let parts = Set(hours.compactMap { hour -> BestTime? in
                switch hour {
                case 7...11: .morning
                case 12, 1...4: .afternoon
                case 5...9: .evening
                default: nil
                }
            })
            // One hour alone could be a menu number; hours with days, or two of them, or one said as a time ("around
            // 4", "4ish", "at 4"), are times.
            let saidAsTime = !reading.clocks.isEmpty || tokens.enumerated().contains { index, token in
                Int(token) != nil
                    && ((index > 0 && Self.approximately.contains(tokens[index - 1]))
                        || (index + 1 < tokens.count && tokens[index + 1] == "ish"))
            }
            if hours.count >= 2 || saidAsTime || words.contains(text, .days) {
                return parts.count == 1 ? parts.first : .any
            }
        }
        if words.contains(text, .days) || words.contains(text, .soon) { return .any }
        return nil
    }

    /// Words that make the number after them an hour ("around 4", "at 4").
    static let approximately: Set<String> = ["around", "about", "at", "after", "past", "by", "like", "roughly"]

    // MARK: - A time told in a story

    /// Whether a clause tells of a time gone by ("my buddy odd last weekend", "i used again last night after 3
    /// months", "i got into a fight with my wife this morning"): its time is the story's, never a time to call.
    ///
    /// A phrase of `dialogue.yaml`'s `story_past` ("last night", "yesterday", "ago") says so anywhere; "this
    /// morning", "today" or "tonight" say so beside a verb in the past (`past_verb`), unless the clause asks for the
    /// call ("can you call me this afternoon") or says a wish ("i was hoping for this evening").
    static func toldAsPast(_ clause: String, words: StepAnswer) -> Bool {
        if words.contains(clause, .storyPast) { return true }
        guard words.contains(clause, .pastVerb), !words.contains(clause, .callAsk), !words.contains(clause, .timeWish)
        else { return false }
        let said = TextNormalizer.words(clause)
        if said.contains(where: { $0 == "today" || $0 == "tonight" }) { return true }
        return zip(said, said.dropFirst()).contains { $0 == "this" && BestTime.parse($1) != nil }
    }

    /// How the request reads it back: the visitor's words with the part of the day, or the part alone (the words
    /// alone when they say what no one part of the day does).
    var display: String {
        guard let said else { return time.displayName }
        if time == .asSaid { return said }
        return TextNormalizer.normalize(said) == time.displayName ? said : "\(said) (\(time.displayName))"
    }
}
