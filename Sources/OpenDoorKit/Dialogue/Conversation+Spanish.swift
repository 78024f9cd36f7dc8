import Foundation

/// A visitor who writes in Spanish (QA28): only English is answered here, but a call can still be asked for.
///
/// "me pueden llamar", "quiero que me llamen", "llamenme porfa" ask for a call; they used to get only "Lo siento, solo
/// puedo responder en inglés…", and the form could not be reached. Now a short line in Spanish (and in English) says a
/// person from the center will call, that the assistant can't promise someone who speaks Spanish (it doesn't know),
/// and asks for the number; the steps after it read numbers, "sí" and "no", and times said in Spanish ("por la tarde").
/// The name is not asked (it is optional; the question would be in English).
extension Conversation {
    /// The reply to a request for a call written in Spanish; nil when the message asks no call in Spanish.
    mutating func spanishCallReply(_ text: String) -> Reply? {
        guard answers.contains(text, .spanishCallAsk), !answersEnglishPart(text) else { return nil }
        guard callbacksAvailable, offersCall else {
            // No call can be asked for now (or one was already sent): the center's number, in Spanish too.
            return Reply(text: dialogue[.englishOnly], intent: .callback, source: dialogue.heading, state: state)
        }
        nameGiven = true
        spokeSpanish = true
        spanishForm = true
        if let number = spokenOrTypedNumber(in: text) { phone = number }
        guard phone != nil else {
            state = .callbackPhone
            return Reply(text: dialogue[.spanishCall], intent: .callback, source: dialogue.heading, state: state)
        }
        // "llamenme al 706 555 0123": the number is kept, and the request goes on.
        var reply = advance(to: nextStep())
        reply.text = dialogue[.spanishCallNumberKept] + "\n\n" + reply.text
        return reply
    }

    /// The open reply to a message that asks in English and speaks of the language, in Spanish ("can i come back? mi
    /// ingles no es muy bueno") or in English ("puedo regresar al grupo? sorry my english"): the English part answered,
    /// without a bare "Yes." that would promise the center works in their language (it hasn't said so) and with the
    /// line that a person can tell them, then a line in Spanish that only English is read here, with the center's
    /// number; with nothing asked in English, that line alone (QA30 S2-16). Nil when no clause speaks of the language
    /// or is in Spanish, or when the message is one clause.
    mutating func englishPartReply(_ text: String) -> Reply? {
        // Split by bytes where the text allows it (`clauses(splitAt:)`): walking every message's characters to find its
        // marks was a hundredth of answering it.
        let clauses = text.clauses(splitAt: ".?!,;\n").map(String.init)
        guard clauses.count > 1 else { return nil }
        let weak = clauses.filter { answers.contains($0, .weakEnglish) }
        let spanish = clauses.filter {
            !weak.contains($0) && TextNormalizer.words($0).count >= 3 && answers.isMostly($0, .spanish)
        }
        // Only a sentence about the language ("mi ingles no es muy bueno", "sorry my english") gets the note; a story
        // told in Spanish before an English question is answered as before (QA24 S2-10).
        guard !weak.isEmpty || spanish.contains(where: { !Set(TextNormalizer.words($0)).isDisjoint(with: Self.languageWords) })
        else { return nil }
        let english = clauses.filter { clause in
            !spanish.contains(clause) && !weak.contains(clause) && TextNormalizer.words(clause).count >= 2
                && !answers.isMostly(clause, .spanish)
        }
        guard !english.isEmpty else {
            return Reply(text: dialogue[.englishOnly], intent: .fallback, source: dialogue.heading, state: state)
        }
        var asked = text
        for clause in spanish + weak { asked = asked.replacingOccurrences(of: clause, with: " ") }
        var reply = openReply(asked.trimmingCharacters(in: CharacterSet.whitespaces.union(.punctuationCharacters)))
        guard !reply.crisis, !reply.text.contains(dialogue[.englishOnlyNote]) else { return reply }
        if let honest = assistant.responder.withoutPromise(reply) { reply = honest }
        reply.text += "\n\n" + dialogue[.englishOnlyNote]
        return reply
    }

    /// Whether a message is in Spanish: mostly Spanish words; or a third of its words and three of them ("me da
    /// verguenza volver, me van a juzgar?", whose "me" and "a" are English words too); or, once the visitor has
    /// written Spanish here, a third and two (QA35 S2-1: later Spanish messages fell through to English replies).
    func writtenInSpanish(_ text: String) -> Bool {
        let (spanish, words) = answers.wordCount(of: .spanish, in: text)
        guard words > 0 else { return false }
        if spanish * 2 >= words { return true }
        return spanish * 3 >= words && spanish >= (spokeSpanish ? 2 : 3)
    }

    /// A reply of the form asked for in Spanish, with the step's Spanish line first: the number again, the time, the
    /// voicemail, the summary. A crisis reply, a reply out of the form, or one already in Spanish stays as it is.
    func inSpanishForm(_ reply: Reply) -> Reply {
        guard !reply.crisis, reply.intent == .callback else { return reply }
        let key: DialogueKey
        switch reply.state {
        case .callbackPhone: key = .spanishAskPhone
        case .callbackTime: key = .spanishAskTime
        case .callbackVoicemail: key = .spanishAskVoicemail
        case .callbackConfirm: key = .spanishSummary
        default: return reply
        }
        let spanish = assistant.knowledge.center.fill(dialogue[key])
        guard !reply.text.contains(spanish), !reply.text.contains(dialogue[.spanishCall]) else { return reply }
        var noted = reply
        noted.text = spanish + "\n\n" + reply.text
        return noted
    }

    /// Words of a Spanish sentence about the language itself.
    static let languageWords: Set<String> = [
        "ingles", "inglés", "español", "espanol", "idioma", "hablo", "entiendo", "traductor", "traducir",
    ]
}
