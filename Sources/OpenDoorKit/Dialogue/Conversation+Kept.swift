/// What the visitor is told was kept or changed, in their own words ("Got it: tomorrow."); a change asked for after
/// the request was sent; a "no" that refuses someone else's call and asks for one's own.
extension Conversation {
    // MARK: - Saying what was kept

    /// "Got it: tomorrow." for a time typed before its step (with the name typed in the same line, "Got it: tomorrow,
    /// and the name Jo."); "Got it, I’ve kept your name." for a name alone; the voicemail choice's own line for a
    /// voicemail choice alone. Nil when nothing was kept.
    func keptNote(time: TimeAnswer?, name: String? = nil, voicemail: VoicemailPreference? = nil) -> String? {
        if let time {
            return filled(name == nil ? .detailKept : .detailKeptWithName, time: time, name: name)
        }
        if name != nil { return dialogue[.nameKept] }
        if let voicemail { return dialogue[Self.keptKey(voicemail)] }
        return nil
    }

    /// The details of the request as they stand, to say back what a line kept.
    struct KeptFields: Equatable {
        var name: String?
        var phone: PhoneNumber?
        var bestTime: TimeAnswer?
        var voicemail: VoicemailPreference?
    }

    var keptFields: KeptFields { KeptFields(name: name, phone: phone, bestTime: bestTime, voicemail: voicemail) }

    /// What was kept since `before`, said back ("Got it: evening.", "Got it: no voicemail."); nil when nothing new was.
    func keptSaid(since before: KeptFields) -> String? {
        var notes: [String] = []
        if let name, name != before.name { notes.append(dialogue[.nameKept]) }
        if let phone, phone != before.phone { notes.append(filled(.numberKept, phone: phone)) }
        if let bestTime, bestTime != before.bestTime { notes.append(filled(.detailKept, time: bestTime)) }
        if let voicemail, voicemail != before.voicemail {
            notes.append(dialogue[Self.keptKey(voicemail)])
        }
        return notes.isEmpty ? nil : notes.joined(separator: " ")
    }

    /// "Are you safe right now?" once more after a form answer given instead, with what was kept said first.
    var safeAskAgainText: String {
        (lastKept.map { $0 + " " } ?? "") + dialogue[.safeAskAgain]
    }

    /// The message for `key` with the request's fields it names filled in: `{request.time}` as the visitor said it
    /// (or the part of the day), `{request.name}`, `{request.phone}`, `{request.reference}`.
    func filled(
        _ key: DialogueKey, time: TimeAnswer? = nil, name: String? = nil, phone: PhoneNumber? = nil,
        reference: String? = nil
    ) -> String {
        var text = dialogue[key]
        if let time { text = text.replacingOccurrences(of: "{request.time}", with: time.said ?? time.time.displayName) }
        if let name { text = text.replacingOccurrences(of: "{request.name}", with: name) }
        if let phone { text = text.replacingOccurrences(of: "{request.phone}", with: phone.display) }
        if let reference { text = text.replacingOccurrences(of: "{request.reference}", with: reference) }
        return text
    }

    /// Whether a clause that reads as a time says how the visitor is, not when to call: "im safe now", "ok theyre here
    /// now", "its bad right now" (a "now" in a statement that doesn't speak of a call). "call me now", "asap" and
    /// "right now" alone are times.
    func saysNoTimeToCall(_ clause: String) -> Bool {
        if answers.contains(clause, .reassure) { return true }
        let words = TextNormalizer.words(clause)
        guard words.count > 3, answers.contains(clause, .soon), !answers.contains(clause, .callAsk),
            Set(words).isDisjoint(with: ["call", "calls", "ring", "phone", "reach", "contact", "asap"]),
            let part = TimeAnswer.timePart(of: clause, words: answers)
        else { return false }
        return answers.consists(part, of: [.soon])
    }

    // MARK: - After the request was sent

    /// After a request was sent, a change asked for ("can you change it to evening", "actually mornings are better",
    /// "wrong number"): it can't be changed from here; how to change it, with the reference and, for a time, the time
    /// said. Nil for anything else (a question about evening groups, a new request).
    func sentChangeReply(_ text: String) -> Reply? {
        guard let reference = sentRequest, !looksLikeQuestionAboutProgram(text) else { return nil }
        let words = Set(TextNormalizer.words(text))
        let change = answers.contains(text, .change)
        guard change || !words.isDisjoint(with: Self.preferenceWords) || isOnlyTime(text) else { return nil }
        if TimeAnswer.timePart(of: text, words: answers) != nil, let time = readTime(text) {
            return Reply(
                text: filled(.sentChangeTime, time: time, reference: reference), intent: .callback,
                source: dialogue.heading, state: state)
        }
        let aboutRequest =
            answers.contains(text, .phoneField) || answers.contains(text, .nameField)
            || answers.contains(text, .timeField) || answers.contains(text, .voicemailField)
            || (words.count <= 6 && !words.isDisjoint(with: ["it", "request", "callback", "call"]))
        guard change, aboutRequest else { return nil }
        return Reply(
            text: filled(.sentChange, reference: reference), intent: .callback, source: dialogue.heading, state: state)
    }

    /// Whether a message is a time and nothing else ("evenings", "tomorrow morning"), not a greeting ("morning"): after
    /// a request was sent, a new time.
    private func isOnlyTime(_ text: String) -> Bool {
        guard text.contains(where: \.isLetter), !answers.isOnly(text, .hello), let time = readTime(text) else { return false }
        let whole = TextNormalizer.normalize(text)
        return time.said.map(TextNormalizer.normalize) == whole || whole == time.time.displayName
            || whole == time.time.rawValue
    }

    /// Words that say a different time suits better, beside `dialogue.yaml`'s `change` ("actually mornings are
    /// better", "id rather have evening").
    private static let preferenceWords: Set<String> = ["actually", "better", "rather", "prefer", "instead", "earlier", "later"]

    /// Whether a message asks about the program ("are there evening groups"), not about the call.
    private func looksLikeQuestionAboutProgram(_ text: String) -> Bool {
        answers.contains(text, .programWords)
    }

    // MARK: - A no to someone else's call, a yes to one's own

    /// Whether an answer to the consent question starts with a no and goes on to ask for the call for the visitor
    /// ("no call me instead, im her dad", "nah just me then"): the no refused someone else's call. "no dont call me"
    /// and "no, not now, maybe later" stay a no.
    func asksOwnCallAfterNo(_ text: String) -> Bool {
        let words = TextNormalizer.words(text).map { Substring($0) }
        let lead = answers.leadingFillers(in: words)
        guard lead < words.count, let no = answers.phraseLength(of: .no, at: lead, in: words), lead + no < words.count
        else { return false }
        let rest = words[(lead + no)...].joined(separator: " ")
        return answers.contains(rest, .ownCall) && answers.read(rest, among: [.no, .yes]) != .no
    }
}
