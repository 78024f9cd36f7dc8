/// Whether an answer at the time step means a time at all (QA28 S1).
///
/// The readers of a time are generous on purpose: "now" is "as soon as possible", a lone "6" may be an hour, "when" or
/// "then" may bound one. In a short answer that is right ("now", "6ish", "then is fine"); in a sentence it is not:
/// "had 6 shots and im heading out in my car now" holds a number and a "now", and was kept as the best time and sent
/// to staff. A sentence means a time only when something in it says one plainly: a part of the day ("mornings",
/// "lunch break", "por la tarde"), a day, a clock time or an hour said as one ("after 5", "2pm", "around 4"), a time
/// said by what happens then ("after work", "once the kids are asleep"), or a way of saying any time will do
/// ("whenever", "doesnt matter", "no preference").
extension TimeAnswer {
    /// At most this many words, an answer keeps the generous reading ("now", "6 works", "then is fine").
    static let shortAnswerWords = 4

    /// Whether `text` says a time plainly enough to keep it as the best time (see the extension's summary).
    static func meansTime(_ text: String, words answers: StepAnswer) -> Bool {
        let tokens = BestTimeParser(text).tokens
        guard tokens.count > shortAnswerWords else { return true }
        let plain = TextNormalizer.words(text)
        if !Reading(text).clocks.isEmpty || twentyFourHourPart(of: plain) != nil { return true }
        if plain.contains(where: { (dayNames.contains($0) || tomorrowSpellings.contains($0)) && $0 != "today" }) {
            return true
        }
        for (index, token) in tokens.enumerated() {
            if BestTimeParser.timeWords.contains(token) || plainlyAnyTime.contains(token) || spanishParts.contains(token) {
                return true
            }
            let previous = index > 0 ? tokens[index - 1] : nil
            let next = index + 1 < tokens.count ? tokens[index + 1] : nil
            // "2pm", "9 am": an hour with its half of the day.
            if token == "am" || token == "pm", let previous, Int(previous) != nil { return true }
            // "after 5", "around 4", "5ish", "a las 3": an hour said as one.
            // "had like 6 shots", "after 3 beers": a count of something is no hour.
            if isHour(token), !durations.contains(next ?? ""), !countedThings.contains(next ?? ""),
                (previous.map { hourShapers.contains($0) || misspelledShapers[$0] != nil } == true)
                    || ["ish", "oclock", "am", "pm"].contains(next ?? "")
            {
                return true
            }
            // "call me now", "now is good", "now works": now offered as the time, never "im heading out now".
            if token == "now", answers.contains(text, .callAsk) || nowOffered.contains(next ?? "") { return true }
            // "after work", "once the kids are asleep", "when hes at work", "before he gets home".
            if eventStarts.contains(token),
                tokens[(index + 1)..<min(tokens.count, index + 5)].contains(where: eventWords.contains)
            {
                return true
            }
        }
        // "no preference", "doesnt matter", "any time", "up to you".
        return anyTimePhrases.contains { phrase in
            tokens.indices.contains { start in
                start + phrase.count <= tokens.count && tokens[start..<(start + phrase.count)].elementsEqual(phrase)
            }
        }
    }

    /// Whether a token is an hour, as a number or a word ("5", "530", "five").
    private static func isHour(_ token: String) -> Bool {
        if let value = Int(token) { return (1...12).contains(value) || BestTimeParser.clockHour(token) != nil }
        return BestTimeParser.hourWords[token] != nil
    }

    /// Words that make the hour after them a time ("after 5", "a las 3", "despues de las 4").
    private static let hourShapers: Set<String> = approximately.union([
        "before", "until", "till", "til", "from", "between", "than", "las",
    ])
    /// Words that say any time will do, whatever stands around them.
    private static let plainlyAnyTime: Set<String> = [
        "anytime", "whenever", "whenevs", "anywhen", "asap", "flexible", "cualquier", "cuando",
    ]
    /// Whether `text` says any time in words that name it ("whenever", "any time is fine", "anytime"), not only
    /// that it doesn't matter ("doesnt matter, ill be dead by then" names no time: QA21).
    static func saysAnyTime(_ text: String) -> Bool {
        let tokens = BestTimeParser(text).tokens
        if tokens.contains(where: { ["anytime", "whenever", "whenevs", "anywhen"].contains($0) }) { return true }
        return zip(tokens, tokens.dropFirst()).contains { $0 == "any" && ["time", "hour", "day", "times"].contains($1) }
    }

    /// "tomorrow" as typed on a phone ("can someone call me tmrw").
    private static let tomorrowSpellings: Set<String> = [
        "tmrw", "tmr", "tmw", "tmrow", "tomorow", "tommorow", "tommorrow", "2moro", "2morrow", "2mrw",
    ]
    /// Parts of the day in Spanish ("por la tarde", "en la noche", "en la mañana").
    static let spanishParts: Set<String> = ["tarde", "tardes", "noche", "noches", "madrugada", "mediodia", "mediodía"]
    /// Phrases that say any time will do ("no preference", "doesnt matter").
    private static let anyTimePhrases: [[String]] = [
        ["no", "preference"], ["doesnt", "matter"], ["does", "not", "matter"], ["dont", "matter"], ["no", "matter"],
        ["any", "time"], ["any", "hour"], ["right", "away"], ["all", "day"], ["as", "soon", "as"], ["up", "to", "you"],
        ["not", "picky"], ["whatever", "works"], ["whatever", "time"], ["whichever", "time"], ["any", "day"],
        ["la", "manana"], ["la", "mañana"], ["no", "importa"],
    ]
    /// Things counted, never hours ("6 shots", "3 beers").
    private static let countedThings: Set<String> = [
        "shot", "shots", "beer", "beers", "drink", "drinks", "pill", "pills", "bar", "bars", "line", "lines", "hit",
        "hits", "gram", "grams", "g", "mg", "glass", "glasses", "bottle", "bottles", "cans", "people", "miles", "kids",
        "more", "of",
    ]
    /// Words after "now" that offer it as the time ("now is good", "now works").
    private static let nowOffered: Set<String> = ["is", "works", "would", "good", "fine", "ok", "okay", "please", "pls"]
    /// Words that start a time said by what happens then.
    private static let eventStarts: Set<String> = ["after", "before", "once", "when", "until", "till", "til", "by", "while"]
    /// What happens then ("after work", "once the kids are asleep").
    private static let eventWords: Set<String> = [
        "work", "school", "class", "classes", "shift", "bed", "dinner", "lunch", "breakfast", "kids", "home", "asleep",
        "sleeping", "leaves", "gone", "church", "practice", "meeting", "meetings", "appointment", "pickup", "dropoff",
        "daycare", "job", "gym", "done", "off", "break",
    ]
}
