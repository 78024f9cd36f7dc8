/// Whether a message answers the step of the callback request it was typed at (QA23): a question is answered, never
/// kept ("what happens now" is no best time); a sentence is never a name ("its for my son actually"); handling it
/// alone or "text, dont call" answer no step, and whether a call is still wanted is asked; a name typed at "Shall we
/// do that?" is a yes with the name; a crisis said once a number was given sends the request, marked for staff.
extension Conversation {
    // MARK: - What of a message can answer a step

    /// `text` without its clauses that ask what, how or why ("what happens now", "how does this work") and without
    /// what it says of when the visitor is busy ("i work nights so like 2pm" is "like 2pm"): the rest is what can
    /// answer a step. `text` as it is when nothing was set aside; nil when nothing is left.
    func answerPart(of text: String) -> String? {
        var kept: [String] = []
        var setAside = false
        for clause in text.clauses(splitAt: ".,;!?\n") {
            let clause = String(clause)
            if asksWhatOrHow(clause) {
                setAside = true
                continue
            }
            for piece in Self.joinedPieces(of: clause) {
                if Self.toldBusy(piece) {
                    setAside = true
                } else {
                    kept.append(piece)
                }
            }
        }
        guard setAside else { return text }
        let rest = kept.joined(separator: ", ")
        return rest.contains(where: { $0.isLetter || $0.isNumber }) ? rest : nil
    }

    /// Whether a clause asks what, how or why ("what happens now", "ok how does this work"): a question, never a
    /// value for a step. "what about mornings" and "how about 5" offer one.
    func asksWhatOrHow(_ clause: String) -> Bool {
        let words = TextNormalizer.words(clause).map { Substring($0) }
        let lead = answers.leadingFillers(in: words)
        guard lead < words.count, Self.whatOrHowWords.contains(words[lead]) else { return false }
        return lead + 1 >= words.count || words[lead + 1] != "about"
    }

    private static let whatOrHowWords: Set<Substring> = ["what", "whats", "how", "why", "who", "where"]

    /// A clause cut where it joins two things said ("i work nights so like 2pm" is "i work nights", "like 2pm"), each
    /// as typed.
    static func joinedPieces(of clause: String) -> [String] {
        var pieces: [String] = []
        var current: [Substring] = []
        for word in clause.split(whereSeparator: \.isWhitespace) {
            if Self.joiners.contains(word.lowercased()), !current.isEmpty {
                pieces.append(current.joined(separator: " "))
                current = []
            } else {
                current.append(word)
            }
        }
        if !current.isEmpty { pieces.append(current.joined(separator: " ")) }
        return pieces
    }

    private static let joiners: Set<String> = ["so", "but", "because", "cause", "cuz", "coz", "since"]

    /// Whether a piece of an answer tells when the visitor is busy, in their own words ("i work nights", "i have class
    /// in the morning"): "evenings work?" offers a time, and "any time except when im at work" rules the busy time
    /// out: both answer.
    static func toldBusy(_ piece: String) -> Bool {
        let words = Set(TextNormalizer.words(piece))
        guard !words.isDisjoint(with: ["i", "im", "ive", "id", "my"]),
            words.isDisjoint(with: ["except", "unless", "not", "besides", "outside", "other"])
        else { return false }
        return busy(piece)
    }

    // MARK: - Messages that answer no step

    /// The reply to a message that answers no step of the request: "text, dont call" (only a call can be asked for:
    /// whether a call is still okay), or handling it alone ("its fine, ill sort it out myself tonight": whether the
    /// call is still wanted). What was typed before is kept for a yes; a no discards it. Nil for anything else.
    mutating func notAStepAnswer(_ text: String) -> Reply? {
        // After "would a call still be okay?", "just text" insists on a text: a no.
        let textInstead = textInsteadOfCall(text) || (textAsked && state == .callbackConsent && asksForText(text))
        guard textInstead || answers.contains(text, .onMyOwn) else { return nil }
        if textInstead {
            // Said again after "would a call still be okay?": a no, respected.
            if textAsked { return declineConsent() }
            // "my number is 470-555-0199 but text dont call": the number is kept for a yes.
            apply(details(in: text, plainNamesOnly: true))
            textAsked = true
        }
        state = .callbackConsent
        var reply = stepReply(.callbackConsent)
        reply.text = dialogue[textInstead ? .textNotCallAsk : .formOnMyOwn]
        return reply
    }

    /// Whether a message asks for a text instead of a call ("text dont call", "dont call at all actually just text
    /// me", "can i text someone instead of calling").
    func textInsteadOfCall(_ text: String) -> Bool {
        asksForText(text) && answers.contains(text, .noCall)
    }

    /// Whether a message asks for a text in any words ("just text", "txt me"), not of 988's text line.
    func asksForText(_ text: String) -> Bool {
        let words = Set(TextNormalizer.words(text))
        return (answers.contains(text, .textRequest) || !words.isDisjoint(with: ["text", "txt", "texting", "sms"]))
            && !words.contains("988")
    }

    /// Whether a message at the summary says to send it in a clause that asks nothing: "send it" is, "what happens
    /// if i send it?" asks (QA23 W1).
    func saysSend(_ text: String) -> Bool {
        guard answers.contains(text, .send) else { return false }
        return text.clauses(splitAt: ".,;!?\n").contains {
            answers.contains(String($0), .send) && !asksWhatOrHow(String($0))
        }
    }

    // MARK: - Names

    /// A name typed instead of a yes to "Shall we do that?" ("sam", "its jess", "Mike"): three words at most, no
    /// question, no time, nothing hostile; said bare, none of its words an everyday English word ("probably", "lemme
    /// think" are no names; `common-words.txt`). Nil for anything else.
    func nameInsteadOfYes(_ text: String) -> String? {
        guard let given = answers.nameAnswer(in: text) else { return nil }
        let common = assistant.knowledge.commonWords
        if given.introduced == .bare,
            TextNormalizer.words(given.name).contains(where: { common.contains($0) })
        {
            return nil
        }
        let words = TextNormalizer.words(text)
        // "hmmm", "sooo": a sound drawn out is no name.
        guard words.count <= 3, !words.contains(where: Self.drawnOut), !answers.consists(text, of: [.filler]),
            !looksLikeQuestion(text), !answers.contains(text, .hostile),
            !answers.cancels(text), readTime(text) == nil, answers.read(text, among: [.yes, .no]) == nil,
            !answers.contains(text, .thanks), !answers.contains(text, .anonymous),
            // "en la tarde" is a time said in Spanish, never the name "en la tarde" (QA25 S2-8).
            !answers.isMostly(text, .spanish)
        else { return nil }
        return given.name
    }

    /// Whether a word holds one letter three times in a row ("hmmm", "okkk").
    private static func drawnOut(_ word: String) -> Bool {
        var last: Character?
        var run = 0
        for character in word {
            run = character == last ? run + 1 : 1
            last = character
            if run >= 3 { return true }
        }
        return false
    }

    /// Whether an answer to the name question says the call is about someone else ("its for my son actually", "its
    /// for a friend"): never a name.
    func asksForSomeoneElse(atNameStep text: String) -> Bool {
        guard answers.contains(text, .forSomeone) else { return false }
        let words = Set(TextNormalizer.words(text))
        return answers.contains(text, .someoneElse) || answers.contains(text, .relation)
            || !words.isDisjoint(with: ["someone", "somebody", "friend", "else"])
    }

    /// Whether a message gives someone else's name ("his name is Tony", "my brothers name is Tony", "she goes by
    /// Dee"): at the consent question, never the visitor's name nor a yes (QA33 S2-22).
    func namesSomeoneElse(_ text: String) -> Bool {
        let words = TextNormalizer.words(text)
        for (index, word) in words.enumerated() {
            let before = index > 0 ? words[index - 1] : ""
            let next = index + 1 < words.count ? words[index + 1] : ""
            if word == "name" || word == "names",
                ["his", "her", "their"].contains(before)
                    || (index > 1 && words[index - 2] == "my" && before.hasSuffix("s") && before.count > 3)
            {
                return true
            }
            // "he goes by T", "shes called Dee".
            let after = index + 2 < words.count ? words[index + 2] : ""
            if ["he", "she", "hes", "shes"].contains(word),
                (next == "goes" && after == "by") || next == "called" || (next == "is" && after == "called")
            {
                return true
            }
        }
        return false
    }

    // MARK: - A crisis said once a number was given

    /// The offer to send the request now, made after a crisis reply mid-form once a number was given (QA23 W16).
    struct SendOffer: Sendable {
        /// The crisis the offer followed: after an overdose or a withdrawal emergency, 911 comes first.
        var category: CrisisCategory
        /// The messages left in which "send it" still sends.
        var turns = 3
        /// Whether the next message is the very next one: only then is a bare "yes" a send.
        var fresh = true
        /// The offer one message on; nil once its messages are over.
        var older: SendOffer? { turns > 1 ? SendOffer(category: category, turns: turns - 1, fresh: false) : nil }
    }

    /// `reply`, the safety reply to `message`, with the offer to send the request now in place of the word that it is
    /// kept, when it is a crisis reply mid-form and a number was given (QA23 W16): the crisis reply stays first and
    /// whole, and nothing is sent until the visitor says so. As it is when the danger is from someone near the visitor
    /// (a call could be heard) or the line said not to call or to cancel.
    mutating func withSendOffer(_ reply: Reply, message: String) -> Reply {
        let kept = "\n\n" + dialogue[.crisisRequestKept]
        guard reply.intent == .crisis, reply.text.hasSuffix(kept), state.isCollectingCallback, phone != nil,
            callbacksAvailable, !callbackSent, let category = reply.safety?.category, category != .danger,
            !answers.cancels(message), !answers.contains(message, .callOff)
        else { return reply }
        var offered = reply
        offered.text.removeLast(kept.count)
        let emergency = category == .overdose || category == .withdrawal
        offered.text += "\n\n" + dialogue[emergency ? .crisisSendOfferEmergency : .crisisSendOffer]
        sendOffer = SendOffer(category: category)
        return offered
    }

    /// The request to send when `message` takes the offer: "send it", "yes send it", or a bare "yes" as the very next
    /// message, with nothing worrying in it (a crisis with "send it" is the crisis reply first). Nil otherwise.
    mutating func offeredDraft(_ offer: SendOffer, message: String) -> CallbackDraft? {
        // "ok" alone is heard, not a yes to sending.
        let yes = offer.fresh && answers.consists(message, of: [.yes, .filler]) && !answers.consists(message, of: [.filler])
        let send = saysSend(message) && !answers.contains(message, .callOff) && !answers.contains(message, .wait)
        guard yes || send, assistant.safety.assess(message) == nil else { return nil }
        return offeredDraft()
    }

    /// The offered request as it is sent: the steps not answered yet take the form's usual default for the time
    /// ("any time") and the safest voicemail choice (none), and it is marked for staff. Nil when it can't be sent.
    mutating func offeredDraft() -> CallbackDraft? {
        guard state.isCollectingCallback, phone != nil, callbacksAvailable, !callbackSent else { return nil }
        if bestTime == nil { bestTime = readTime("any time") }
        if voicemail == nil { voicemail = .noVoicemail }
        crisisReplied = true
        sendOffer = nil
        return draft
    }

    // MARK: - "no i mean …" after a check-in

    /// What the visitor meant, said after a no to a check-in ("no i mean the program, the schedule is killing me" is
    /// "the program, the schedule is killing me"): the words after "i mean" near the start. Nil when there are none,
    /// or they are worrying themselves.
    func meantQuestion(_ message: String) -> String? {
        let words = TextNormalizer.words(message).map { Substring($0) }
        for start in words.indices.prefix(4) {
            guard let length = answers.phraseLength(of: .meant, at: start, in: words) else { continue }
            let rest = words[(start + length)...]
            guard rest.count >= 2 else { return nil }
            let question = rest.joined(separator: " ")
            return assistant.safety.assess(question) == nil ? question : nil
        }
        return nil
    }
}
