/// A best time kept whole when its short form would change what it means (QA24 S1-1).
///
/// ``TimeAnswer/timePart(of:words:)`` keeps the words that say when and leaves out the rest, which is right for
/// "wait actually make it after 7pm" but wrong for "mornings, my husband is home until 9" ("mornings, until 9"),
/// "any day but tuesday, im at my kids school til noon so after that" ("any day, tuesday"), or "not in the morning, i
/// work nights" (nothing at all). When a word left out could change when to call (a "but" or a "not", a "until" or an
/// "after", someone at home or at work, an hour, a day, a part of the day), the visitor's words are kept whole, as
/// typed, and the summary reads them back. The part of the day is kept only when the visitor named it and ruled
/// nothing out; otherwise it is "as said", and staff read the words.
extension TimeAnswer {
    /// The longest answer kept whole, in characters: room for a sentence and its reason.
    static let maximumWholeLength = CallbackDraft.maximumTimeSaidLength

    /// This answer, or `text` kept whole when leaving its other words out could change the answer's meaning: a word
    /// left out says when or who is where (``changesMeaning(_:)``), or the answer rules something out and words other
    /// than filler were left out ("any day except thursday, i have court in the mornings" is never "any day except
    /// thursday, mornings"). Why a call must be private ("my husband doesnt know") is the voicemail's business, not
    /// the time's: it is read past.
    func keptWhole(from text: String, words answers: StepAnswer) -> TimeAnswer {
        let all = TextNormalizer.words(text)
        guard !all.isEmpty else { return self }
        // "2": an option's number.
        if all.count == 1, all[0].count <= 2, all[0].allSatisfy(\.isNumber) { return self }
        // "as said" is never kept without its words.
        if time == .asSaid, said?.isEmpty ?? true { return Self(whole: text, time: .asSaid) }
        let basis = answers.removing(.phoneWatched, from: answers.removing(.discreetCall, from: text))
        // "evenings" is what "evening" says; filler says nothing.
        var left = Self.words(of: basis, leftOutOf: said ?? time.displayName).filter { word in
            BestTime.parse(word) != time && !Self.idle.contains(word) && !answers.contains(word, .filler)
        }
        // "no preference", "doesnt matter": any time, nothing ruled out.
        if said == nil, time == .any { left.removeAll(where: Self.indifference.contains) }
        let rulesOut = TextNormalizer.words(basis).contains(where: Self.rulingOut.contains)
        guard left.contains(where: Self.changesMeaning) || (rulesOut && !left.isEmpty) else { return self }
        return Self(whole: text, time: Self.namedPart(of: all, agreeingWith: time) ? time : .asSaid)
    }

    /// Words left out that change nothing ("call me", "is better").
    static let idle: Set<String> = [
        "my", "me", "call", "calls", "is", "are", "be", "would", "its", "it", "that", "thats", "better", "best", "good",
        "fine", "great", "works", "work", "for", "the", "a", "to", "you", "can", "could", "they", "someone",
    ]
    /// The words of "no preference", "doesnt matter", "dont care": any time, nothing ruled out.
    static let indifference: Set<String> = [
        "no", "preference", "doesnt", "does", "not", "matter", "dont", "care", "mind", "picky", "up", "whatever",
    ]

    /// The words of `text` that `kept` leaves out, each as often as it is left out.
    static func words(of text: String, leftOutOf kept: String) -> [String] {
        var counts: [String: Int] = [:]
        for word in TextNormalizer.words(kept) { counts[word, default: 0] += 1 }
        var dropped: [String] = []
        for word in TextNormalizer.words(text) {
            if let count = counts[word], count > 0 {
                counts[word] = count - 1
            } else {
                dropped.append(word)
            }
        }
        return dropped
    }

    /// Whether the clauses set aside from `text` to leave `kept` (when the visitor is busy: "i work nights") bound the
    /// time ("im at my kids school til noon"): then they are part of the answer, and the whole text is read.
    static func setAsideBounds(_ text: String, kept: String) -> Bool {
        words(of: text, leftOutOf: kept).contains { word in
            word.contains(where: \.isNumber) || limits.contains(word) || ["noon", "midnight"].contains(word)
        }
    }

    /// `text` as typed, tidied (control characters removed, spaces collapsed), cut to ``maximumWholeLength``.
    init(whole text: String, time: BestTime) {
        self.time = time
        let clean = CallbackReport.sanitize(text).trimmingCharacters(in: .whitespaces)
        self.said = clean.isEmpty ? nil : String(clean.prefix(Self.maximumWholeLength))
    }

    /// Whether a word left out of the short form could change when to call.
    static func changesMeaning(_ word: String) -> Bool {
        if word.contains(where: \.isNumber) { return true }
        return rulingOut.contains(word) || limits.contains(word) || presence.contains(word)
            || BestTime.parse(word).map { $0 != .any } == true || dayNames.contains(word)
    }

    /// Whether the visitor named the part of the day `time` is ("weekday mornings only, he leaves at 8") and ruled
    /// nothing out (no "not", "but", "except"): then the part of the day is theirs, not a guess from an hour.
    static func namedPart(of words: [String], agreeingWith time: BestTime) -> Bool {
        guard time != .any, time != .asSaid, !words.contains(where: rulingOut.contains) else { return false }
        // "like 2pm": an hour with its am or pm names its part as plainly as "afternoon" does.
        let marked = zip([""] + words, words).compactMap { previous, word -> String? in
            let halfOfDay = word.hasSuffix("am") || word.hasSuffix("pm")
            if halfOfDay, word.first?.isNumber == true { return word }
            return halfOfDay && word.count == 2 && previous.first?.isNumber == true ? previous + word : nil
        }
        if !marked.isEmpty, marked.allSatisfy({ BestTime.parse($0) == time }) { return true }
        return words.contains { word in word.allSatisfy(\.isLetter) && BestTime.parse(word) == time }
    }

    /// Words that rule a time out.
    static let rulingOut: Set<String> = [
        "not", "no", "dont", "cant", "never", "but", "except", "besides", "unless", "bad", "busy", "avoid", "other",
        "wont", "isnt", "doesnt", "nope", "without",
    ]
    /// Words that bound a time.
    static let limits: Set<String> = [
        "until", "untill", "til", "till", "before", "after", "when", "while", "once", "then", "since", "between",
        "only", "from", "by", "past", "around", "later", "earlier",
    ]
    /// Words that tell who is where, which is often why a time is asked for.
    static let presence: Set<String> = [
        "home", "leave", "leaves", "leaving", "asleep", "sleep", "sleeping", "awake", "wake", "shift", "school",
        "class", "court", "kids", "husband", "wife", "boyfriend", "girlfriend", "partner",
        "he", "she", "hes", "shes", "mom", "dad", "parents", "roommate",
    ]
    /// Days of the week and relative days.
    static let dayNames: Set<String> = [
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mondays", "tuesdays",
        "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "mon", "tue", "tues", "wed", "thu", "thur",
        "thurs", "fri", "sat", "sun", "weekday", "weekdays", "weekend", "weekends", "today", "tonight", "tomorrow",
    ]
}

extension TimeAnswer {
    /// A time answer no rule reads, kept whole as said: one that speaks of a time ("15:00", "after my shift ends
    /// around 4:30", "en la tarde despues de las 3") with a few sentences at most. Its part of the day is a 24-hour
    /// time's ("after 1500 hrs" is the afternoon) or one the visitor named and ruled nothing out; otherwise "as said".
    /// Nil when nothing in it speaks of a time.
    init?(unread text: String) {
        let words = TextNormalizer.words(text)
        guard !words.isEmpty, words.count <= 40,
            words.contains(where: { word in
                word.contains(where: \.isNumber) || Self.limits.contains(word) || Self.dayNames.contains(word)
                    || BestTime.parse(word) != nil
            })
        else { return nil }
        let named = [BestTime.morning, .afternoon, .evening].first { Self.namedPart(of: words, agreeingWith: $0) }
        self.init(whole: text, time: Self.twentyFourHourPart(of: words) ?? named ?? .asSaid)
    }

    /// The part of the day a 24-hour time says ("15:00", "1500 hrs", "0800"): an hour of two digits and two more for
    /// the minutes, the hour past 12, or written with its leading zero, or followed by "hrs" or "hours". Nil when there
    /// is none, or they fall in different parts.
    static func twentyFourHourPart(of words: [String]) -> BestTime? {
        var parts = Set<BestTime>()
        for (index, word) in words.enumerated() {
            // "15:00" read as "15" and "00".
            if let hour = Int(word), (13...23).contains(hour), index + 1 < words.count, words[index + 1].count == 2,
                Int(words[index + 1]) != nil
            {
                parts.insert(hour <= 16 ? .afternoon : hour <= 21 ? .evening : .asSaid)
                continue
            }
            let digits = word.prefix { $0.isASCII && $0.isNumber }
            guard digits.count == 4, let hour = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), minutes < 60,
                hour < 24
            else { continue }
            let unit = word.dropFirst(4)
            let marked = ["hrs", "hours", "h", "hr"].contains(unit)
                || (index + 1 < words.count && ["hrs", "hours", "hr", "h"].contains(words[index + 1]))
            guard hour > 12 || digits.hasPrefix("0") || marked else { continue }
            switch hour {
            case 5...11: parts.insert(.morning)
            case 12...16: parts.insert(.afternoon)
            case 17...21: parts.insert(.evening)
            default: return nil
            }
        }
        parts.remove(.asSaid)
        return parts.count == 1 ? parts.first : nil
    }
}
