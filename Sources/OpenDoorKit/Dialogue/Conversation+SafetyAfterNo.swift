import Foundation

/// Session 21 (QA23, s21-qa23safety): what a "no" to the question about suicide must not hide, and a crisis reply that
/// still answers the visitor.
///
/// - After a "no", a new worrying sign ("i already said bye to my kids just in case", "i just dont want to wake up
///   tomorrow") gets the full crisis reply with a word of what changed, never the same question word for word (W4).
/// - After the question was asked, an act that prepares for an ending ("but i did write a note last night", "gave my
///   things away") is the full crisis reply, even when the line alone reads as nothing (W3).
/// - Someone close survived an overdose a short while ago ("my son overdosed last week and hes home now, can he come
///   back"): care, 911 and naloxone if it happens again, 988 for families, the question answered, whether they are
///   safe now (W6).
/// - A crisis reply to a line that also asks a question ("ive been thinking about suicide but im not going to do
///   anything. i just want to know if i can come back to group"): the reply first, then the question answered; with
///   means or a plan told ("a rope in the garage"), the word that it will be answered when asked again (W22).
extension Conversation {
    /// The full crisis reply for a worrying sign about the visitor's own life told after they said no to the question
    /// about suicide in this conversation: the reply, then what changed, then the last line. A sign only the learned
    /// model reads, or told with words of everyday life ("said bye to my sponsor after group"), gets the question once
    /// more in other words instead, saying why. Nil before any "no", or for anything but the visitor's own suicide or
    /// self-harm.
    mutating func crisisAfterNo(_ finding: CrisisAssessment, message: String) -> Reply? {
        guard suicideQuestionDeclined, finding.level == .check,
            finding.category == .suicide || finding.category == .selfHarm
        else { return nil }
        if finding.ruleID == SafetyModel.ruleID || answers.contains(message, .preparationNot) {
            var check = finding
            check.note = "asked once more after a no"
            return suicideQuestion(dialogue[.checkInAfterNo], rule: "check_in_after_no", message: message, finding: check)
        }
        var crisis = finding
        crisis.level = .crisis
        crisis.note = "a worrying sign after a no"
        declinedCheckIn = nil
        return withWhatChanged(answeringQuestionToo(crisisReply(crisis), message: message))
    }

    /// The full crisis reply for an act that prepares for an ending ("i wrote a note last night") told once the
    /// question about suicide was asked in this conversation (or a suicide crisis is near): nil otherwise, for a note
    /// of everyday life ("a thank you note to my counselor"), or a line that denies it ("i never wrote a note").
    mutating func preparationAfterQuestion(_ message: String, told: CrisisSituation?) -> Reply? {
        let near = checkInAsked || suicideQuestionDeclined || told?.category == .suicide
            || pendingCheckIn?.category == .suicide
        guard near, pendingCheckIn?.person == nil, answers.contains(message, .preparationTold),
            !answers.contains(message, .preparationNot), !assistant.safety.isDenial(message),
            !Set(TextNormalizer.words(message)).contains("never")
        else { return nil }
        pendingCheckIn = nil
        let finding = CrisisAssessment(
            category: .suicide, level: .crisis, ruleID: SafetyRuleID(rawValue: "conversation/preparation_after_question"),
            note: "a preparation told after the question about suicide")
        let declined = suicideQuestionDeclined
        declinedCheckIn = nil
        let reply = crisisReply(finding)
        return declined ? withWhatChanged(reply) : reply
    }

    /// `reply` (a crisis reply for suicide) with the word that the visitor's earlier "no" was heard and what they
    /// just said still worries: after the numbers and the line of care, before the last line.
    private func withWhatChanged(_ reply: Reply) -> Reply {
        var noted = reply
        let full = assistant.knowledge.center.fill(assistant.safety.reply(for: reply.safety?.category ?? .suicide))
        let note = dialogue[.crisisAfterNo]
        if reply.text.hasPrefix(full) {
            let rest = reply.text.dropFirst(full.count).trimmingCharacters(in: .newlines)
            noted.text = full.trimmingCharacters(in: .newlines) + "\n" + note + "\n" + rest
        } else {
            noted.text = note + "\n\n" + reply.text
        }
        return noted
    }

    /// The reply for someone close who survived an overdose a short while ago ("my son overdosed last week and hes
    /// home now"): care, 911 and naloxone if it happens again, 988 for families; a question asked on the line
    /// answered; then whether the person is safe right now. Nil for the visitor's own overdose, a death told, signs
    /// of now (the crisis check's), or no time gone by.
    /// With `finding` (the crisis check's reading of the line, when it has one), only an overdose the line says was
    /// survived ("shes out of the hospital now") gets this reply instead of the overdose reply.
    mutating func overdoseSurvivedReply(_ message: String, finding: CrisisAssessment? = nil) -> Reply? {
        if let finding {
            // The learned model's category head may name another category for a line that tells an overdose in words
            // ("my son overdosed last week…"): its check-in on such a line is this reply too.
            let overdoseFinding = finding.category == .overdose
                || (finding.ruleID == SafetyModel.ruleID && finding.level == .check
                    && answers.contains(message, .overdoseTold))
            guard overdoseFinding, answers.contains(message, .overdoseSince) else { return nil }
        }
        // Someone else and a time gone by first: most messages name neither, and the overdose words (a pattern, for
        // "od'd") are read only then.
        guard state == .open || state == .ended, pendingCheckIn == nil, answers.contains(message, .otherPerson),
            answers.contains(message, .lossPast) || answers.contains(message, .overdoseSince),
            answers.contains(message, .overdoseTold) || Self.saysODd(message),
            !answers.contains(message, .ownOverdose),
            // "my cousin od'd last weekend… it scared me into wanting to come back. can someone call me": the visitor's
            // own return and call, not a question about the one who overdosed.
            !answers.contains(message, .ownLeaving), !answers.contains(message, .callAsk),
            !answers.contains(message, .lossTold), !answers.contains(message, .overdoseNow)
        else { return nil }
        let she = answers.contains(message, .sheWords)
        let he = answers.contains(message, .heWords)
        let person: OtherPerson = she == he ? .they : (she ? .she : .he)
        let finding = CrisisAssessment(
            category: .overdose, level: .check, ruleID: SafetyRuleID(rawValue: "conversation/overdose_survived_other"),
            note: "someone close survived an overdose")
        logger.notice("crisis check-in", metadata: ["category": "overdose", "rule": "overdose_survived_other"])
        var text = assistant.knowledge.center.fill(dialogue[.overdoseSurvivedOther])
        if let answer = answerOnTheLine(message) {
            text += "\n\n" + dialogue[.answerToQuestion] + " " + answer.text
        }
        let question = dialogue[person.question]
        text += "\n\n" + question
        pendingCheckIn = PendingCheckIn(category: .overdose, worrying: .no, question: question, person: person)
        situation = CrisisSituation(category: .overdose, someoneElse: true)
        return remember(
            Reply(
                text: text, intent: .crisisCheck, source: "Safety", options: [], state: state, crisis: true,
                safety: finding))
    }

    /// Whether the message says "od'd" (or "o.d.'d", "OD’ed"), which reads as the word "odd": said with its apostrophe,
    /// it is an overdose. The pattern is compiled only for a message with an apostrophe (every match has one): compiled
    /// for every message, it was a twentieth of answering one.
    static func saysODd(_ message: String) -> Bool {
        guard message.utf8.contains(UInt8(ascii: "'")) || message.holdsBytes(of: Self.rightQuote) else { return false }
        return message.range(of: #"\bo\.?d\.?['’]e?d\b"#, options: [.regularExpression, .caseInsensitive]) != nil
    }

    /// The UTF-8 bytes of ’ (U+2019).
    private static let rightQuote = Array("’".utf8)

    /// A crisis reply about the visitor's own suicide or self-harm with the question asked on the same line answered
    /// after it ("…but im not going to do anything. can i come back to group"); the reply as it is mid-form, for other
    /// crises (their own follow-ups answer them), or when the line asks nothing the knowledge answers.
    func answeringQuestionToo(_ reply: Reply, message: String) -> Reply {
        guard state == .open || state == .ended, reply.crisis,
            let category = reply.safety?.category, category == .suicide || category == .selfHarm,
            let answer = answerOnTheLine(message)
        else { return reply }
        var answered = reply
        // "i have a rope in the garage. anyway can i still come back": the numbers alone now; the question later.
        let urgent = answers.contains(message, .crisisMeans) || answers.contains(message, .planTold)
            || answers.contains(message, .weapon)
        answered.text +=
            "\n\n" + (urgent ? dialogue[.crisisQuestionLater] : dialogue[.answerToQuestion] + " " + answer.text)
        return answered
    }

    /// The knowledge's answer to a question asked in a clause of `message` that is not itself worrying ("can he come
    /// back", "i just want to know if i can come back to group"), when it has one; nil otherwise.
    private func answerOnTheLine(_ message: String) -> Reply? {
        let clauses = Self.clauses(of: message)
        guard clauses.count <= Self.mostClausesAnswered else { return nil }
        let calm = clauses.filter { assistant.safety.assess($0) == nil }
        // A question asked first ("can he come back"); then a wish said plainly ("i just want to know if i can come
        // back"), never a clause of the story the matcher happens to place ("he left your iop in august").
        for clause in calm where looksLikeQuestion(clause) {
            if let answer = questionAnswer(clause), answer.topic == nil, !answer.crisis { return answer }
        }
        for clause in calm where !looksLikeQuestion(clause) && answers.contains(clause, .wantToKnow) {
            if let answer = clearAnswer(to: clause), answer.topic == nil, !answer.crisis { return answer }
        }
        return nil
    }

    /// The most clauses read for a question beside a crisis.
    private static let mostClausesAnswered = 12
}
