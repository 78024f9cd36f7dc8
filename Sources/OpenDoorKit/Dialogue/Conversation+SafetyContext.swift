/// Crisis words read in the light of what else the visitor said (QA21): a plan told after the question about suicide,
/// a wish to be with someone who died, a past attempt told with a question.
extension Conversation {
    /// The full crisis reply for a worrying message that would otherwise get the check-in question again: the
    /// question was asked earlier in this conversation and the message says yes to it, or tells a plan ("actually
    /// yeah ive been thinking about it. i have a plan"); or the message tells a plan with thoughts of suicide beside
    /// it ("everything is pointless. i have a plan"). Nil when the check-in is still the right reply.
    mutating func escalatedCheckIn(_ finding: CrisisAssessment, message: String, told: CrisisSituation?) -> Reply? {
        guard finding.level == .check, finding.category == .suicide else { return nil }
        let plan = answers.contains(message, .planTold)
        let context = checkInAsked || told != nil
        let heard = answers.checkInWords(message)
        let saysYes = heard.reading(worrying: .yes) == .worrying
        guard (context && (plan || saysYes)) || (plan && answers.contains(message, .ideation)) else { return nil }
        var crisis = finding
        crisis.level = .crisis
        return crisisReply(crisis)
    }

    /// A wish to be with someone who died ("i just want to be with my son again. he passed", "my son overdosed last
    /// month. i just want to be with him"): a word of sorrow and the question about suicide, with 988; never the
    /// answer for a visitor asking for someone else. Nil when no death is told, or the wish is about a visit.
    mutating func lossWishReply(_ message: String) -> Reply? {
        guard pendingCheckIn == nil, answers.contains(message, .joinLost), answers.contains(message, .lossSaid),
            !answers.contains(message, .joinNotLoss)
        else { return nil }
        let rule = SafetyRuleID(rawValue: "conversation/loss_wish")
        let assessment = CrisisAssessment(category: .suicide, level: .check, ruleID: rule, note: "a wish to join the dead")
        return suicideQuestion(dialogue[.lossCheckIn], rule: "loss_wish", message: message, finding: assessment)
    }

    /// The question about suicide asked in `text` (a lead fitted to what was told, then the question and 988) for
    /// the visitor's own `finding`: the answer is then read as one, and the situation kept.
    mutating func suicideQuestion(_ text: String, rule: String, message: String, finding: CrisisAssessment) -> Reply {
        logger.notice("crisis check-in", metadata: ["category": "suicide", "rule": "\(rule)"])
        checkInAsked = true
        pendingCheckIn = PendingCheckIn(category: .suicide, worrying: .yes, question: text)
        situation = CrisisSituation(category: .suicide, someoneElse: false, toldIn: message)
        return remember(
            Reply(
                text: text, intent: .crisisCheck, source: "Safety", options: [], state: state, crisis: true,
                safety: finding))
    }

    /// An answer to a message that tells of a past suicide attempt ("i tried to kill myself last year, thats why i
    /// went to iop. can i come back"), with one gentle 988 line after it; the answer as it is when it has 988 already
    /// or is a safety reply.
    func withPastAttemptNote(_ reply: Reply, message: String) -> Reply {
        guard !reply.crisis, reply.intent != .crisis, reply.intent != .crisisCheck, answers.contains(message, .pastAttempt),
            !reply.text.containsSymbols("988")
        else { return reply }
        var noted = reply
        noted.text += "\n\n" + dialogue[.pastAttemptNote]
        return noted
    }
}
