import Foundation

/// Round 20 (QA22): messages whose safety reading turns on how they are said, not on a crisis word alone.
///
/// - A denial taken back after "but" ("i dont want to die but i kinda do"): the check-in, in every state.
/// - A yes soon after a "no" to the question about suicide ("wait actually yes i am"): the crisis reply.
/// - Someone else's suicidal words told beside a danger ("my son locked himself in his room and said he wants to
///   die"): the reply for a visitor worried about another person, never the script for hiding from an abuser.
/// - "do it again" beside a relapse told ("i relapsed last night and im scared ill do it again tonight"): relapse
///   support for tonight, then the question about suicide; not the suicide crisis reply.
/// - "im not going to do anything stupid" said with no safety question asked: heard kindly, with 988.
extension Conversation {
    /// The words that open a clause taking back what came before ("but", "though").
    private static let turnWords: Set<String> = ["but", "though", "tho", "although", "yet"]
    /// Negations that keep an "i do" at the end of a clause from taking a denial back ("but i dont").
    private static let negations: Set<String> = ["not", "dont", "don't", "never", "no", "doesnt"]

    /// A check-in finding for a denial of wanting to die taken back after "but" ("i dont want to die but i kinda do",
    /// "im not suicidal but sometimes i think about it"), or nil. The denial alone finds nothing; what follows "but"
    /// says the wish is there after all.
    func denialTakenBack(_ message: String) -> CrisisAssessment? {
        let words = TextNormalizer.words(message)
        guard words.count >= 4, words.count <= Self.longestTakenBack,
            words.contains(where: { Self.turnWords.contains($0) })
        else { return nil }
        for index in 1..<(words.count - 1) where Self.turnWords.contains(words[index]) {
            let after = Array(words[(index + 1)...])
            let endsInDo = ["do", "does"].contains(after.last ?? "") && !after.contains(where: Self.negations.contains)
            guard endsInDo || answers.contains(after.joined(separator: " "), .denialTakenBack) else { continue }
            let before = words[..<index].joined(separator: " ")
            guard assistant.safety.isDenial(before) else { continue }
            return CrisisAssessment(
                category: .suicide, level: .check, ruleID: SafetyRuleID(rawValue: "denial/taken_back"),
                note: "a denial taken back")
        }
        return nil
    }

    /// Messages longer than this (in words) are not read for a denial taken back: a story, not the one sentence.
    private static let longestTakenBack = 40

    /// The crisis reply for a yes soon after a "no" to the question about suicide ("wait actually yes i am", "yes
    /// actually maybe"): right after the "no", a bare yes (or maybe) is the answer changed; later, only with words of
    /// a change of mind ("actually", "i lied"). Never mid-form (a yes there answers the step), and never while
    /// another question waits for its answer.
    mutating func changedToYes(_ message: String, after declined: DeclinedCheckIn) -> Reply? {
        guard state == .open || state == .ended, pendingCheckIn == nil else { return nil }
        let heard = answers.checkInWords(message)
        let changed = answers.contains(message, .changedMind)
        let maybe = TextNormalizer.words(message).contains("maybe")
        guard heard.yes || (heard.unsure && (changed || maybe)), !heard.no, !heard.reassured else { return nil }
        guard changed || (declined.isNext && declined.bareYesCounts) else { return nil }
        declinedCheckIn = nil
        let finding = CrisisAssessment(
            category: declined.category, level: .crisis, ruleID: SafetyRuleID(rawValue: "check_in/changed_to_yes"))
        return crisisReply(finding)
    }

    /// Someone else's suicidal words told beside a danger found in the same message ("my son locked himself in his
    /// room and said he wants to die"): the suicide finding at the danger's level and the person, when no clause
    /// with the danger speaks of the visitor. Nil otherwise.
    func someoneElsesSuicideBesideDanger(
        _ message: String, finding: CrisisAssessment
    ) -> (CrisisAssessment, OtherPerson)? {
        guard finding.category == .danger else { return nil }
        let parts = Self.clauses(of: message).flatMap { Self.splitAtJoiners($0) }
        guard parts.count > 1, parts.count <= Self.mostPartsRead else { return nil }
        var suicidal: CrisisAssessment?
        for part in parts {
            guard let found = assistant.safety.assess(part) else { continue }
            if found.category == .danger {
                // "he locked me in the bathroom": the visitor's own danger.
                guard Set(TextNormalizer.words(part)).isDisjoint(with: Self.visitorWords) else { return nil }
            } else if found.category == .suicide || found.category == .selfHarm, suicidal == nil {
                // "he checks my phone and i just want to disappear": the visitor's own words, never someone else's
                // risk; and a clause only the learned model rates, with "me" in it, may be the visitor's too (lead's list
                // after QA36). A rule's finding with "me" as the one told ("texted me he wants to die") still counts.
                let partWords = Set(TextNormalizer.words(part))
                if !partWords.isDisjoint(with: Self.visitorSubjects) { continue }
                if found.ruleID == SafetyModel.ruleID, !partWords.isDisjoint(with: Self.visitorWords) { continue }
                suicidal = found
            }
        }
        guard var risk = suicidal else { return nil }
        if finding.level > risk.level { risk.level = finding.level }
        guard let person = personAtRisk(message, finding: risk) else { return nil }
        return (risk, person)
    }

    /// How the visitor speaks of themselves in a danger ("locked me in").
    private static let visitorWords: Set<String> = ["i", "me", "us", "we", "myself", "im"]
    /// How the visitor speaks of themselves as the one who feels or does something ("i just want to disappear").
    private static let visitorSubjects: Set<String> = ["i", "im", "myself", "ive", "id", "ill"]
    /// Clauses read at most, one by one, for someone else's crisis: beside a danger, or in a sentence told of them.
    static let mostPartsRead = 16

    /// A suicide finding only through "do it again" beside a relapse told ("i relapsed last night and im scared im
    /// going to do it again tonight"): relapse support for tonight, then the question about suicide. Nil when the
    /// line read with "use again" still finds something by a rule, holds an alarming word ("not wake up", "the
    /// pills"), or tells no relapse.
    mutating func relapseFearReply(_ finding: CrisisAssessment, message: String) -> Reply? {
        guard finding.category == .suicide, answers.contains(message, .relapseTold), !answers.contains(message, .alarm)
        else { return nil }
        let reread = message.replacingOccurrences(
            of: #"\b(do|doing|did)\s+(it|that)\s+again\b"#, with: "use again",
            options: [.regularExpression, .caseInsensitive])
        // Anything a rule still finds ("…and not wake up") keeps the crisis reply. The learned model alone rates any
        // "use again tonight" a risk, which the reply speaks to (911 if too much was taken).
        guard reread != message else { return nil }
        if let again = assistant.safety.assess(reread), again.ruleID != SafetyModel.ruleID { return nil }
        var check = finding
        check.level = .check
        check.note = "do it again: using, beside a relapse told"
        let text = assistant.knowledge.center.fill(dialogue[.relapseFearCheckIn])
        return suicideQuestion(text, rule: "relapse_fear", message: message, finding: check)
    }

    /// An urge to use right now ("talk me out of using right now", "im outside my dealers house rn", "im going to
    /// relapse tonight, help"): who answers now (988, SAMHSA), that a usual amount can be too much after time away,
    /// then the offer of a call (QA25 S1-4). No alarm and no question: the knowledge holds urges to be no crisis of
    /// their own (the crisis check runs first and still finds one told beside them). Nil for anything else: an urge
    /// told as past or asked about ("i had cravings last week, is that normal"), or a plain plan ("gonna use the app").
    mutating func useUrgeReply(_ message: String) -> Reply? {
        // "can i come back now? i dont want to relapse": a question, answered as usual; the plain words of an urge
        // ("outside my dealers") need no "now" and count beside a question too.
        let urge = answers.contains(message, .useUrge)
            || (answers.contains(message, .useSoon) && answers.contains(message, .urgeNow) && !looksLikeQuestion(message))
        guard urge, !answers.contains(message, .urgeNot) else { return nil }
        logger.notice("urge to use heard")
        var text = assistant.knowledge.center.fill(dialogue[.useUrge]).trimmingCharacters(in: .whitespacesAndNewlines)
        text += "\n" + crisisClose(for: .overdose)
        if state.isCollectingCallback { text += "\n\n" + dialogue[.crisisRequestKept] }
        let options = state.isCollectingCallback || !offersCall ? [] : (responder.handoffIntent.map { [$0.label] } ?? [])
        return remember(
            Reply(text: text, intent: .crisisCheck, source: "Safety", options: options, state: state, crisis: true))
    }

    /// "no not like that, just tired of everything" to the question about suicide: a no said with the weariness the
    /// question was asked about, no stronger sign, heard as the no it is, as "no not really, just tired" is (QA25
    /// S3-6); 988 stays in view. Nil when the no is taken back ("no but…"), the line holds anything stronger than
    /// weariness (a crisis-level finding, a wish to be gone), or the question was not about the visitor's own life.
    mutating func wearyNo(_ finding: CrisisAssessment, message: String, to pending: PendingCheckIn) -> Reply? {
        guard pending.worrying == .yes, pending.person == nil, finding.level == .check,
            answers.contains(message, .wearyNo), !answers.contains(message, .alarm),
            let opening = Self.clauses(of: message).first,
            answers.checkIn(opening, worrying: pending.worrying) == .reassuring,
            !TextNormalizer.words(message).contains("but")
        else { return nil }
        logger.notice("check-in answered no, weary")
        keepFormAnswers(in: message)
        let reply = backFromCheckIn(message, lead: dialogue[.checkInAnswered], deferred: pending.deferred)
        declinedCheckIn = DeclinedCheckIn(category: pending.category, bareYesCounts: !reply.text.contains("?"))
        suicideQuestionDeclined = suicideQuestionDeclined || pending.category == .suicide
        return reply
    }

    /// "im not going to do anything stupid" with no safety question asked (after "i cant stop crying"): thanks, and
    /// 988 if things get heavier; never read as annoyance. Only a denial of harm that is also a plain no-intent.
    /// A question asked beside it ("im not going to hurt myself, i just want to know if i can come back") is answered,
    /// with the thanks after the answer (QA25 S2-5).
    mutating func unpromptedNoIntent(_ message: String) -> Reply? {
        guard state == .open || state == .ended, answers.contains(message, .noIntent), !looksLikeQuestion(message),
            assistant.safety.isDenial(message)
        else { return nil }
        let result = responder.matcher.match(message)
        if case .answer(let id) = result.decision, assistant.responder.action(of: id) == .answer {
            logger.notice("no intent heard, unprompted, with a question")
            var reply = responder.reply(for: result)
            reply.text += "\n\n" + dialogue[.noIntentUnprompted]
            return remember(reply)
        }
        if case .fallback = result.decision, answers.contains(message, .wantToKnow) {
            // "dont worry im not gonna do anything stupid, just wondering if the group still meets": a question the
            // knowledge can't answer is still a question: the honest "I don't know" and a way to a person, then the
            // thanks (QA26), never the thanks alone.
            logger.notice("no intent heard, unprompted, with a question not answered")
            var reply = responder.reply(for: result)
            reply.text += "\n\n" + dialogue[.noIntentUnprompted]
            return remember(reply)
        }
        logger.notice("no intent heard, unprompted")
        return remember(
            Reply(
                text: dialogue[.noIntentUnprompted], intent: .crisisCheck, source: "Safety", options: [], state: state,
                crisis: false))
    }
}

/// A "no" to the question about suicide, kept for a few messages (``Conversation/changedToYes(_:after:)``).
struct DeclinedCheckIn: Sendable, Hashable {
    var category: CrisisCategory
    /// Whether a bare "yes" right after counts: the reply to the "no" asked no other question.
    var bareYesCounts: Bool
    var messagesLeft = DeclinedCheckIn.messagesKept

    /// How many messages a "no" is kept for.
    static let messagesKept = 3

    /// Whether this is the message right after the "no".
    var isNext: Bool { messagesLeft == Self.messagesKept }

    /// The same one message later; nil once no longer kept.
    var older: DeclinedCheckIn? {
        guard messagesLeft > 1 else { return nil }
        var next = self
        next.messagesLeft -= 1
        return next
    }
}
