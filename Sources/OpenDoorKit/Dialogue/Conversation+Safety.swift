/// The conversation around a crisis: the crisis reply and the check-in, and the messages after them, read in
/// their light as a crisis-line counsellor would.
///
/// - A follow-up that makes things worse ("too late, already took them", "its fine, the note is written") gets the
///   crisis reply again (the overdose reply, 911 first, when something was already taken), never an article.
/// - A walk-back ("nah not like that", "no") is met with "are you safe right now?"; what else its line held is kept
///   (a form answer at once, a question answered once the visitor says they are safe).
/// - A form answer typed on a line that brings a crisis reply or a check-in is kept ("its Sam. i dont want to be
///   here anymore" keeps Sam), and the form resumes at the next unanswered step.
/// - "dont call anyone" or "no dont call me" then, in the middle of a callback request (or on a line that brings a
///   crisis reply there), drops the request: never saved, never sent, and the visitor is told so; the rest of the
///   line is read as usual (a plan is still a crisis, a "no" still gets "are you safe right now?").
/// - Someone else's suicidal words ("my daughter texted me she wants to die") get the reply for a visitor worried
///   about another person, and the question is asked about them.
extension Conversation {
    /// The reply to a message in the light of safety: the crisis reply or the check-in for a worrying message,
    /// or the reading of a message right after one. Nil when the message goes on as usual.
    ///
    /// `message` is the folded text every other check reads; `typed` is the line as it arrived. The crisis check reads
    /// `typed`, since folding drops what only the typed text still shows: a right-to-left override that makes
    /// "eid ot tnaw i" show as "i want to die" (QA25 O S1-1: the check read the folded text, controls gone, and
    /// never saw the order on screen).
    mutating func safetyFirst(_ message: String, typed: String) -> Reply? {
        // "i dont want to die but i kinda do": a denial taken back is the check-in (Conversation+SafetyTurns).
        // "911" alone at the phone step is a number tried (Conversation+EmergencyNumber), answered by the step.
        var finding = isEmergencyNumberAtPhoneStep(message) ? nil : assistant.safety.assess(typed) ?? denialTakenBack(message)
        if finding?.ruleID.isExclusionCheckIn == true, pendingCheckIn != nil || afterCrisis != nil {
            // "no, my ex just keeps telling me to kys" in answer to a safety question: someone else's words are no
            // sign of the visitor's own; the answer is read as one (round 28).
            finding = nil
        }
        let dropped = dropsRequest(message, worrying: finding != nil)
        let told = situation
        situation = told?.older
        let declined = declinedCheckIn
        declinedCheckIn = declined?.older
        if finding == nil, !dropped, let declined, let reply = changedToYes(message, after: declined) {
            // "wait actually yes i am" soon after a "no" to the question about suicide: the yes it now is.
            return reply
        }
        if finding == nil, !dropped, pendingCheckIn?.person == nil, told != nil || pendingCheckIn != nil,
            let reply = misreadReply(message)
        {
            // "you misread that, im on the bridge crew": before any follow-up its words might pick ("the bridge").
            return reply
        }
        if !dropped, let reply = itsMeReply(message, told: told, finding: finding) { return reply }
        if let told, let reply = followUpReply(message, in: told, finding: finding) {
            return droppedNote(reply, dropped: dropped)
        }
        if let finding, finding.level != .crisis, told != nil || pendingCheckIn != nil || afterCrisis != nil,
            answers.contains(message, .reachedHelp), let reply = answerHeard(message, told: told)
        {
            // "ok i called 911" after a crisis reply: heard, even when "911" alone reads as a call for help.
            return droppedNote(reply, dropped: dropped)
        }
        if let finding {
            if !dropped, let reply = callAfterDanger(message, finding: finding, told: told) { return reply }
            return droppedNote(
                inSpanishToo(worryingReply(finding, message: message, told: told), message: message), dropped: dropped)
        }
        guard !message.isEmpty else { return nil }
        // QA23 W3, W6: a preparation told after the question about suicide; an overdose survived by someone close
        // (Conversation+SafetyAfterNo).
        if let reply = preparationAfterQuestion(message, told: told) { return droppedNote(reply, dropped: dropped) }
        if told == nil, afterCrisis == nil, !dropped, let reply = overdoseSurvivedReply(message) { return reply }
        // QA21: "i just want to be with my son again. he passed" (Conversation+SafetyContext).
        if let reply = lossWishReply(message) { return droppedNote(reply, dropped: dropped) }
        // QA25 S1-4: "talk me out of using right now": who answers now, before anything else (Conversation+SafetyTurns).
        if told == nil, pendingCheckIn == nil, afterCrisis == nil, !dropped, let reply = useUrgeReply(message) { return reply }
        if told == nil, pendingCheckIn == nil, afterCrisis == nil, !dropped, let reply = unpromptedNoIntent(message) {
            // QA22: "im not going to do anything stupid" with no question asked: heard kindly (Conversation+SafetyTurns).
            return reply
        }
        // Once the request is dropped, "dont call anyone" has been heard: the rest of the line is read.
        let heard = dropped ? answers.removing(.callOff, from: message) : message
        if told != nil || pendingCheckIn != nil || afterCrisis != nil, let reply = answerHeard(heard, told: told) {
            return droppedNote(reply, dropped: dropped)
        }
        if told != nil || pendingCheckIn != nil, state == .open || state == .ended, !dropped,
            let discreet = discreetCallReply(heard, explained: discreetExplained)
        {
            // "can you not call me at home" after a danger reply: how a call can stay safe, after the word that a call
            // isn't right away and 911 is. The safety question is not asked again on top.
            let category = told?.category ?? pendingCheckIn?.category
            pendingCheckIn = nil
            afterCrisis = nil
            var reply = discreet
            reply.text = dialogue[category == .danger ? .dangerCallNote : .crisisCallNotImmediate] + "\n\n" + reply.text
            return remember(reply)
        }
        if told != nil, pendingCheckIn == nil, let reply = callAfterCrisis(heard, category: told?.category) {
            afterCrisis = nil
            return reply
        }
        if let pending = pendingCheckIn {
            afterCrisis = nil
            // An answer to a check-in is read as one: yes, no, or asked again; never a form answer. Only a
            // question the knowledge clearly answers moves on ("what if i relapsed").
            if let reply = checkInAnswer(heard, to: pending) { return droppedNote(reply, dropped: dropped) }
        }
        if let context = afterCrisis {
            afterCrisis = nil
            if let reply = afterCrisisReply(heard, context: context) { return droppedNote(reply, dropped: dropped) }
        }
        // Nothing else on the line: the request is dropped, and the question about safety asked.
        return dropped ? droppedNote(checkIn(lead: .afterCrisisUnsure), dropped: true) : nil
    }

    /// Whether `message` says not to call ("dont call anyone", "no dont call me") in the middle of a callback
    /// request, right after a crisis reply or a check-in or on a line that brings one (`worrying`): then the request
    /// is dropped at once, and true returned.
    private mutating func dropsRequest(_ message: String, worrying: Bool) -> Bool {
        // "cancel it", "actually please cancel that request, he might be home" while a safety question waits: a cancel
        // as the form hears one is not wanting the call either (QA35 S2-3); "dont cancel it" is none.
        // A cancel on the line that brings the safety reply is held instead (`cancelHeld`).
        let waiting = pendingCheckIn != nil || afterCrisis != nil
        guard state.isCollectingCallback, worrying || waiting,
            answers.contains(message, .callOff)
                || (waiting && answers.cancels(message) && !answers.contains(message, .undo)
                    && !Set(TextNormalizer.words(message)).isDisjoint(with: Self.cancelWords)
                    && !answers.contains(message, .anonymous) && !cancelGivesDetail(message))
        else { return false }
        discardDraft()
        state = .open
        callRefused = true
        logger.info("callback request dropped after a safety reply")
        return true
    }

    /// The words by which a cancel said while a safety question waits is about the request ("cancel it"), never the
    /// question ("never mind, im fine", "stop asking me that").
    private static let cancelWords: Set<String> = ["cancel", "cancelled", "canceled", "cancell", "cancle", "cancelar"]

    /// `reply` with the word that the request was dropped, when it was: after the reply, never as its first words
    /// (the numbers and the question come first). No offer of a call either way.
    private mutating func droppedNote(_ reply: Reply, dropped: Bool) -> Reply {
        guard dropped else { return reply }
        var noted = reply
        let note = dialogue[.callDropped]
        noted.text = reply.text + "\n\n" + note
        noted.options.removeAll { $0 == responder.handoffIntent?.label }
        return remember(noted)
    }

    /// An answer to a crisis reply or a safety question that settles it, heard once and never asked for again: the
    /// visitor reached help ("ok i called 988, im safe now", "i texted the lifeline"), said they won't act on the
    /// thoughts ("im not gonna do anything i just feel that way"), or asked to go back to the callback request while
    /// a safety question waits ("can we finish the callback"). Then back to where the visitor was, the form included,
    /// with what else the line held kept. Nil for anything else, or anything worrying in the same line.
    private mutating func answerHeard(_ message: String, told: CrisisSituation?) -> Reply? {
        let heard = answers.checkInWords(message)
        guard !heard.alarm, !heard.unsure, let category = pendingCheckIn?.category ?? afterCrisis?.category ?? told?.category
        else { return nil }
        let reached = answers.contains(message, .reachedHelp)
        // "yes, but im not going to do anything" to "are you having thoughts…?" is a yes: the crisis reply.
        let thoughtsAnswered = pendingCheckIn?.worrying == .yes && heard.yes
        // "no i dont have a plan, just tired" to the question about suicide is a no, read as one.
        let plainNo = pendingCheckIn.map { answers.checkIn(message, worrying: $0.worrying) == .reassuring } ?? false
        let noIntent = !reached && !thoughtsAnswered && !plainNo && (category == .suicide || category == .selfHarm)
            && answers.contains(message, .noIntent)
        let resume = !reached && !noIntent && pendingCheckIn != nil && pendingCheckIn?.person == nil
            && state.isCollectingCallback && answers.contains(message, .resumeForm)
        guard reached || noIntent || resume else { return nil }
        let ownOverdose = category == .overdose && told?.someoneElse != true
        let lead: DialogueKey =
            reached ? (ownOverdose ? .reachedHelpOverdose : .reachedHelp) : (noIntent ? .noIntentHeard : .checkInRelease)
        pendingCheckIn = nil
        afterCrisis = nil
        logger.notice("safety answer heard", metadata: ["category": "\(category.rawValue)"])
        keepFormAnswers(in: message)
        var reply = backFromCheckIn(
            resume ? "" : message, lead: dialogue[lead] + (lead == .checkInRelease ? "" : " " + dialogue[.crisisClose]),
            deferred: resume ? nil : questions(in: message))
        reply.crisis = true
        return reply
    }

    /// The crisis reply, or, when the same crisis was told a moment ago and its full reply given, one short line with
    /// 911 or 988 first (a new detail no follow-up answers): never the whole reply again word for word.
    private mutating func crisisOrShorter(_ finding: CrisisAssessment, told: CrisisSituation?, message: String) -> Reply {
        guard let told, told.fullReplyGiven, told.category == finding.category else {
            return crisisReply(finding, replyKey: replyKey(for: finding.category, message: message))
        }
        let someoneElse = told.someoneElse
        let key: DialogueKey =
            switch finding.category {
            case .suicide: .crisisAgainSuicide
            case .overdose: someoneElse ? .crisisAgainOverdoseOther : .crisisAgainOverdose
            case .selfHarm: .crisisAgainSelfHarm
            case .withdrawal: .crisisAgainWithdrawal
            case .danger: .crisisAgainDanger
            }
        afterCrisis = CrisisContext(category: finding.category)
        situation = CrisisSituation(category: finding.category, someoneElse: someoneElse, fullReplyGiven: true)
        var crisis = finding
        crisis.level = .crisis
        logger.warning(
            "crisis told again", metadata: ["category": "\(crisis.category.rawValue)", "rule": "\(crisis.ruleID.logLabel)"])
        var text = assistant.knowledge.center.fill(dialogue[key])
        if state.isCollectingCallback { text += "\n\n" + dialogue[.crisisRequestKept] }
        return remember(
            Reply(
                text: text, intent: .crisis, source: "Safety", options: [], state: state, crisis: true, safety: crisis))
    }

    /// "im ok now" after the visitor's own withdrawal emergency: a seizure or seeing things still needs a doctor
    /// today, and 911 if it starts again; no question to answer.
    private mutating func withdrawalWalkBack() -> Reply {
        pendingCheckIn = nil
        let finding = CrisisAssessment(
            category: .withdrawal, level: .crisis, ruleID: SafetyRuleID(rawValue: "after_crisis/withdrawal_walk_back"))
        var text = dialogue[.withdrawalWalkBack]
        if state.isCollectingCallback { text += "\n\n" + dialogue[.crisisRequestKept] }
        return remember(
            Reply(
                text: text, intent: .crisis, source: "Safety", options: [], state: state, crisis: true, safety: finding))
    }

    /// The reply to a message the crisis check finds worrying, in whatever context it comes.
    private mutating func worryingReply(_ finding: CrisisAssessment, message: String, told: CrisisSituation?) -> Reply {
        keepFormAnswers(in: message)
        let pending = pendingCheckIn
        pendingCheckIn = nil
        let context = afterCrisis
        // "my ex told me to kys": being told it, asked about kindly; never the reply for someone else at risk.
        if finding.ruleID.isExclusionCheckIn { return checkInReply(finding, message: message) }
        // The learned model's check-in on "my son overdosed last week, hes home now" may carry another category: the
        // overdose survived by someone close is read before the person at risk (QA23 W6).
        if pending == nil, context == nil, finding.ruleID == SafetyModel.ruleID,
            let reply = overdoseSurvivedReply(message, finding: finding)
        {
            return reply
        }
        if let person = personAtRisk(message, finding: finding) {
            return otherPersonReply(finding, person: person, message: message)
        }
        if let (suicidal, person) = someoneElsesSuicideBesideDanger(message, finding: finding) {
            // "my son locked himself in his room and said he wants to die": his suicide risk, not hiding from someone.
            return otherPersonReply(suicidal, person: person, message: message)
        }
        if pending == nil, context == nil, let reply = relapseFearReply(finding, message: message) { return reply }
        // QA25 S1-4: the learned model's check-in alone on an urge to use now ("gonna pick up tonight i can feel it"): the
        // reply for the urge, 988 and SAMHSA, rather than the question about suicide.
        if pending == nil, context == nil, finding.ruleID == SafetyModel.ruleID, finding.level == .check,
            let reply = useUrgeReply(message)
        {
            return reply
        }
        if pending == nil, context == nil, let reply = lossReply(finding, message: message) { return reply }
        // QA23 W6: "my son od'd last week, hes home now": an overdose survived, not one to act on now (+SafetyAfterNo).
        if pending == nil, context == nil, let reply = overdoseSurvivedReply(message, finding: finding) { return reply }
        defer {
            // Whose crisis it is: "my friend took a bunch of pills" is someone else's overdose.
            if let category = situation?.category {
                let someoneElse = someoneElsesCrisis(message, category: category)
                let otherNamed = speaksOfThem(message)
                situation?.someoneElse = someoneElse
                situation?.otherNamed = otherNamed
                situation?.toldIn = message
            }
        }
        if let pending, context == nil, let reply = wearyNo(finding, message: message, to: pending) { return reply }
        // Anything worrying in answer to a check-in, or right after a crisis reply, gets the full crisis reply: of
        // the earlier category when the message itself is only worrying ("sometimes i wish i wouldnt wake up"
        // after the question about suicide), of its own when it is clear danger ("no. i took them all").
        if let earlier = pending?.category ?? context?.category {
            var crisis = finding
            // "too late i already took them all" after the question about suicide: 911 first, also when the learned
            // model alone (which names no overdose) rates the answer a crisis.
            let taken = answers.contains(message, .taken)
            if taken, finding.level != .crisis || finding.ruleID == SafetyModel.ruleID {
                crisis.category = .overdose
            } else if finding.level != .crisis {
                crisis.category = earlier
            }
            return crisisOrShorter(crisis, told: told, message: message)
        }
        if finding.level == .crisis {
            // QA23 W22: a question asked beside the visitor's own crisis is answered after the reply (+SafetyAfterNo).
            return answeringQuestionToo(
                answeringOnTheLine(crisisOrShorter(finding, told: told, message: message), message: message),
                message: message)
        }
        // QA23 W4: after a "no" to the question about suicide, never the same question again (+SafetyAfterNo).
        if let reply = crisisAfterNo(finding, message: message) { return reply }
        // QA21: a plan or a yes after the question was asked, a wish to be with someone who died (Conversation+SafetyContext).
        if let reply = escalatedCheckIn(finding, message: message, told: told) ?? lossWishReply(message) { return reply }
        return checkInReply(finding, message: message)
    }

    /// A crisis reply about someone else's overdose or withdrawal with the question asked on the same line answered
    /// first ("…now shes asleep, should i let her sleep it off": no, and 911 now), from the safety follow-ups.
    private func answeringOnTheLine(_ reply: Reply, message: String) -> Reply {
        guard let category = reply.safety?.category, category == .overdose || category == .withdrawal,
            someoneElsesCrisis(message, category: category),
            let (followUp, _) = followUp(for: message, in: CrisisSituation(category: category, someoneElse: true))
        else { return reply }
        var answered = reply
        let close = " " + dialogue[.crisisClose]
        var answer = followUp.reply.trimmingCharacters(in: .whitespacesAndNewlines)
        if answer.hasSuffix(close) { answer = String(answer.dropLast(close.count)) }
        // The answer already says what to do (911 now, on their side, naloxone): the category's whole reply after it
        // would say it again; only the other numbers follow, then the reply's last line.
        let full = assistant.knowledge.center.fill(assistant.safety.reply(for: category))
        if reply.text.hasPrefix(full) {
            let rest = reply.text.dropFirst(full.count).trimmingCharacters(in: .newlines)
            answered.text = answer + "\n" + assistant.knowledge.center.fill(dialogue[.crisisNumbersAfterAnswer]) + "\n" + rest
        } else {
            answered.text = answer + "\n\n" + reply.text
        }
        return answered
    }

    /// Someone else's overdose told as a death already ("my friend od'd last night and i found him, hes gone"): sorry,
    /// 988 and 911 for the visitor, and whether they are safe; never naloxone for someone who died. Nil when anything
    /// tells of now ("hes not breathing", "i think hes gone, what do i do"), or it may be the visitor's own.
    private mutating func lossReply(_ finding: CrisisAssessment, message: String) -> Reply? {
        let recent = answers.contains(message, .lossPast)
        // QA22 W6: "my brother died in treatment. overdose after he left your program": long over, often with anger at
        // the center; sorry, a person to talk to, 988 for grief.
        let longPast = !recent && answers.contains(message, .lossLongPast)
        guard finding.category == .overdose, answers.contains(message, .lossTold), recent || longPast,
            !answers.contains(message, .lossNow), answers.contains(message, .otherPerson),
            !answers.contains(message, .selfWords)
        else { return nil }
        let rule = SafetyRuleID(rawValue: longPast ? "overdose/loss_long_past" : "overdose/loss_told")
        let assessment = CrisisAssessment(category: .suicide, level: .check, ruleID: rule, note: "a loss told")
        logger.notice("crisis check-in", metadata: ["category": "overdose", "rule": "\(rule.rawValue)"])
        let text = assistant.knowledge.center.fill(dialogue[longPast ? .overdoseLossPast : .overdoseLoss])
        pendingCheckIn = PendingCheckIn(category: .suicide, worrying: .no, question: text)
        situation = CrisisSituation(category: .suicide, someoneElse: false)
        return remember(
            Reply(
                text: text, intent: .crisisCheck, source: "Safety", options: [], state: state, crisis: true,
                safety: assessment))
    }

    // MARK: - Replies

    /// Words that tell a threat as said by someone else, or addressed to the visitor ("he said hes going to kill me").
    private static let reportedSpeech: Set<String> = [
        "said", "says", "saying", "told", "tells", "threatened", "threatens", "threatening", "yelled", "yells", "screamed",
        "screams", "texted", "texts", "keeps", "you", "me", "us",
    ]

    /// Words a threat starts with when its "i" is left out, as texting does ("gonna beat my stepdad to death when he
    /// gets home"; QA28).
    private static let intentWithoutSubject: Set<String> = ["gonna", "gona", "gunna", "going", "finna", "bout", "about"]

    /// Whether `message` says the visitor will hurt someone (`harm_intent`), also with the "i" left out before it.
    private func statesHarmIntent(_ message: String) -> Bool {
        if answers.contains(message, .harmIntent) { return true }
        guard let first = TextNormalizer.words(message).first, Self.intentWithoutSubject.contains(first) else {
            return false
        }
        return answers.contains("im " + message, .harmIntent)
    }

    /// The dialogue's reply instead of the category's for who is at risk: a danger to someone else or caused by the
    /// visitor; the visitor's own overdose (no lines for someone else's). Nil for the category's reply.
    func replyKey(for category: CrisisCategory, message: String) -> DialogueKey? {
        switch category {
        case .danger:
            return dangerReplyKey(message)
        case .overdose:
            // "i took 20 of my pills": what to do oneself, without the lines for someone else's overdose (QA20 V16).
            let own = TextNormalizer.words(message).contains("i") || answers.contains(message, .selfWords)
            return own && !someoneElsesCrisis(message, category: .overdose) && !answers.contains(message, .otherPerson)
                ? .crisisOverdoseSelf : nil
        default:
            return nil
        }
    }

    /// Whose danger a danger message tells, when it is not the visitor's own: someone the visitor says they will hurt
    /// ("im going to stab my stepdad tonight"), or a child with an adult who is impaired or violent ("my ex is drunk
    /// and has my 4 year old in the car"), said with no "me" or "us" in danger. Nil for the visitor's own danger.
    func dangerReplyKey(_ message: String) -> DialogueKey? {
        let words = Set(TextNormalizer.words(message))
        // QA25 S2-1: "i keep thinking about hurting my baby": the child safe first, 988, and that help exists; before
        // the visitor's intent ("im scared im going to hurt my baby" is a fear, not a plan).
        if answers.contains(message, .childAtRisk), answers.contains(message, .harmThoughts) { return .crisisHarmThoughtsChild }
        // "he said im going to kill you" is a threat told by the one threatened, not the visitor's own intent.
        if statesHarmIntent(message), words.isDisjoint(with: Self.reportedSpeech) { return .crisisDangerByVisitor }
        // QA25 S1-1, S1-2, QA26: a driver drunk or high, read from the words of the danger message itself: the visitor
        // at the wheel gets the driver's reply (don't drive; a ride); anyone else's driving, also with the visitor to
        // be driven ("my mom is high and wants to drive me to school"), 911 now and not getting in the car.
        // Round 26 (QA30): read first with the safety rules' own words and typo tolerance (`impaired_driving:` in
        // safety.yaml): "blasted", "took the keys back", a driver with no "i" ("gonna drive home drunk").
        if let driver = assistant.safety.impairedDriver(in: message) {
            return driver == .visitor ? .crisisImpairedSelf : .crisisDangerOther
        }
        if answers.contains(message, .impairedNow), answers.contains(message, .drivingNow) {
            let own = answers.contains(message, .drivingMyself)
                || (answers.contains(message, .selfWords) && !answers.contains(message, .otherPerson))
            return own ? .crisisImpairedSelf : .crisisDangerOther
        }
        if answers.contains(message, .childAtRisk), words.isDisjoint(with: ["me", "us", "myself"]) {
            return .crisisDangerOther
        }
        // s23-danger: another adult hurt or held now ("her husband is choking her", "they wont let her leave the
        // motel"), told by a witness: 911 for them, not the words addressed to a victim.
        if answers.contains(message, .harmToOther), words.isDisjoint(with: ["me", "us", "myself"]) {
            return .crisisDangerSomeoneElse
        }
        return nil
    }

    /// The crisis reply for `finding`: its category's reply, or the dialogue's `replyKey` instead (a danger to someone
    /// other than the visitor), then the last line.
    mutating func crisisReply(_ finding: CrisisAssessment, replyKey: DialogueKey? = nil) -> Reply {
        afterCrisis = CrisisContext(category: finding.category)
        situation = CrisisSituation(
            category: finding.category,
            someoneElse: situation?.category == finding.category ? situation?.someoneElse ?? false : false,
            fullReplyGiven: true)
        var crisis = finding
        crisis.level = .crisis
        logger.warning("crisis", metadata: ["category": "\(crisis.category.rawValue)", "rule": "\(crisis.ruleID.logLabel)"])
        var text = assistant.knowledge.center.fill(replyKey.map { dialogue[$0] } ?? assistant.safety.reply(for: crisis.category))
        text += "\n" + crisisClose(for: crisis.category)
        if state.isCollectingCallback {
            // Not the step's question nor its buttons in the same breath: the next "yes" is not a form answer.
            text += "\n\n" + dialogue[.crisisRequestKept]
        }
        let options = state.isCollectingCallback || !offersCall ? [] : (responder.handoffIntent.map { [$0.label] } ?? [])
        return remember(
            Reply(
                text: text, intent: .crisis, source: "Safety", options: options, state: state, crisis: true,
                safety: crisis))
    }

    /// After a crisis reply the visitor said they are fine: ask whether they are safe, and listen to the answer.
    /// `lead` replaces the usual acknowledgement; `deferred` is a question of theirs to answer once they say yes.
    /// The question is about the crisis told (the overdose reply again for a "no" after it, not the suicide reply).
    private mutating func checkIn(lead: DialogueKey = .crisisCheckIn, deferred: String? = nil) -> Reply {
        let category = situation?.category ?? afterCrisis?.category ?? .suicide
        if lead == .crisisCheckIn, category == .withdrawal, situation?.someoneElse != true {
            // "im ok now tho" after a withdrawal seizure: it can come back; a doctor today. No question to answer.
            return withdrawalWalkBack()
        }
        let finding = CrisisAssessment(
            category: category, level: .check, ruleID: SafetyRuleID(rawValue: "denial/are_you_safe"))
        // "im fine" after the visitor's own overdose: what was taken can still hurt. Anything else after the overdose
        // reply ("just send it", "ok", a question): 911 first, unconditionally, before whether they are safe.
        let ownOverdose = category == .overdose && situation?.someoneElse != true
        // QA24 S1-5: "you told me you took something" only when the visitor did ("i took 30 pills"); after a message
        // that speaks of someone else ("my sister overdosed twice… im scared"), 911 first without saying so.
        let saidTaken = situation?.toldIn.map {
            (answers.contains($0, .taken) || answers.contains($0, .useHint)) && !answers.contains($0, .otherPerson)
        } ?? true
        // QA25 S2-3: after the visitor's own withdrawal reply, "ok" or a question: 911 or the ER first, as after an
        // overdose ("are you safe?" with 988 first fits suicide, not DTs).
        let ownWithdrawal = category == .withdrawal && situation?.someoneElse != true && situation?.fullReplyGiven == true
        let key: DialogueKey =
            ownOverdose && lead == .crisisCheckIn
            ? .overdoseWalkBack
            : (ownOverdose && situation?.fullReplyGiven == true && Self.overdoseAgainLeads.contains(lead)
                ? (saidTaken ? .overdoseTakenAgain : .overdoseMaybeTakenAgain)
                : (ownWithdrawal && Self.overdoseAgainLeads.contains(lead) ? .withdrawalAgain : lead))
        pendingCheckIn = PendingCheckIn(
            category: finding.category, worrying: .no, question: dialogue[key], deferred: deferred)
        return remember(
            Reply(
                text: dialogue[key], intent: .crisisCheck, source: "Safety", options: [], state: state,
                crisis: true, safety: finding))
    }

    /// The questions about safety that, after the visitor's own overdose reply, start with 911 instead.
    private static let overdoseAgainLeads: Set<DialogueKey> = [
        .crisisRequestResume, .afterCrisisUnsure, .afterCrisisQuestion, .afterCrisisYes,
    ]

    /// The check-in question for a worrying message; the visitor's place (a callback step too) is kept.
    ///
    /// The learned model only says "worrying"; when the message is about someone else who took something
    /// ("my bf took something and hes acting off"), the check-in asks about an overdose, not about suicide.
    mutating func checkInReply(_ finding: CrisisAssessment, message: String) -> Reply {
        var finding = finding
        if finding.ruleID == SafetyModel.ruleID, finding.category == .suicide, answers.contains(message, .otherPerson),
            answers.contains(message, .useHint)
        {
            finding.category = .overdose
        }
        logger.notice(
            "crisis check-in", metadata: ["category": "\(finding.category.rawValue)", "rule": "\(finding.ruleID.logLabel)"])
        checkInAsked = checkInAsked || finding.category == .suicide
        let anger = finding.category == .danger
            && (answers.contains(message, .ownAnger) || answers.contains(message, .harmIntent))
        // "im so mad at my counselor i could kill him": whether anyone is in danger, not the hotline for victims.
        // "my ex told me to kys": that it hurts, then the question (an exclusion's check-in: the words were theirs).
        let text =
            anger
            ? dialogue[.angerCheckIn]
            : finding.ruleID.isExclusionCheckIn
                ? dialogue[.insultCheckIn] : assistant.knowledge.center.fill(assistant.safety.checkIn(for: finding.category))
        // "he checks my phone, can someone call me? no voicemail": the request waits for the answer about safety,
        // and goes on (with no voicemail) once the visitor says they are safe.
        let call = !state.isCollectingCallback && offersCall && asksForCall(message) ? message : nil
        // "day 2 off dope… is it ok to come back to iop like this?": the question is answered after a no.
        // The worrying words are not the question ("whats the point anymore").
        // The first few questions only: each is checked for safety on its own.
        var questionsAsked = Self.clausesRead(Self.clauses(of: message), where: { looksLikeQuestion($0) }).filter {
            assistant.safety.assess($0) == nil
        }
        if questionsAsked.isEmpty, let tail = calmAskingTail(of: message) {
            // "…some nights i think everyone would be better off without me but anyway do i have to call first or can
            // i just show up": one run-on clause, worrying as a whole; its question is kept for after the answer
            // (QA36 S3-2).
            questionsAsked = [tail]
        }
        let asked = (state == .open || state == .ended) && !questionsAsked.isEmpty
            ? questionsAsked.joined(separator: ". ") : nil
        pendingCheckIn = PendingCheckIn(
            category: finding.category, worrying: .yes, question: text, deferred: call ?? asked)
        situation = CrisisSituation(
            category: finding.category, someoneElse: someoneElsesCrisis(message, category: finding.category),
            toldIn: message)
        return remember(
            Reply(
                text: text, intent: .crisisCheck, source: "Safety", options: [], state: state, crisis: true,
                safety: finding))
    }

    /// The reply for a visitor worried about someone else's suicidal words or self-harm: 988 helps them too, 911 if
    /// the danger is immediate, stay with the person; then whether the person is safe right now.
    /// A question of the visitor's in the same message ("can he come back?") is answered before that question.
    mutating func otherPersonReply(_ finding: CrisisAssessment, person: OtherPerson, message: String) -> Reply {
        var finding = finding
        finding.note = "someone else at risk"
        logger.warning(
            "crisis about someone else",
            metadata: ["category": "\(finding.category.rawValue)", "rule": "\(finding.ruleID.logLabel)"])
        let question = dialogue[person.question]
        // "hes got his dads gun and hes done": 911 first, and not to take the weapon from them.
        let armed = answers.contains(message, .weapon)
        var text = assistant.knowledge.center.fill(dialogue[armed ? .crisisOtherPersonWeapon : .crisisOtherPerson])
        var answered: Reply?
        for asked in Self.clausesRead(Self.clauses(of: message), where: { looksLikeQuestion($0) }) {
            guard let answer = questionAnswer(asked), answer.topic == nil else { continue }
            answered = answer
            break
        }
        text += answered.map { "\n\n" + dialogue[.answerToQuestion] + " " + $0.text + "\n\n" } ?? "\n"
        text += question
        pendingCheckIn = PendingCheckIn(category: finding.category, worrying: .no, question: question, person: person)
        situation = CrisisSituation(category: finding.category, someoneElse: true)
        return remember(
            Reply(
                text: text, intent: finding.level == .crisis ? .crisis : .crisisCheck, source: "Safety", options: [],
                state: state, crisis: true, safety: finding))
    }

    /// `reply` with the numbers in Spanish after it when the message was written in Spanish ("ya no quiero vivir").
    private func inSpanishToo(_ reply: Reply, message: String) -> Reply {
        let words = Set(TextNormalizer.words(message))
        let spanish = (assistant.knowledge.dialogue.words[.spanish] ?? []).filter { words.contains($0) }
        guard spanish.count >= Self.spanishWordsNeeded else { return reply }
        var noted = reply
        noted.text += "\n\n" + dialogue[.crisisSpanish]
        return noted
    }

    /// How many words of the `spanish` list make a message Spanish.
    static let spanishWordsNeeded = 2

    /// QA35 S1-2: "ok its me" or "the friend is me" after a crisis told of someone else ("asking for a friend, what if
    /// they had a bottle of pills…"): the crisis was the visitor's own all along, and so is the reply (988, and 911 for
    /// them), never "Are they safe right now?". Nil when no crisis of someone else's was told or asked about.
    private mutating func itsMeReply(_ message: String, told: CrisisSituation?, finding: CrisisAssessment?) -> Reply? {
        guard told?.someoneElse == true || pendingCheckIn?.person != nil,
            answers.contains(answers.removing(.itsMeAgain, from: message), .itsMe),
            let category = finding?.level == .crisis ? finding?.category : (told?.category ?? pendingCheckIn?.category)
        else { return nil }
        pendingCheckIn = nil
        situation = nil
        let rule = SafetyRuleID(rawValue: "conversation/its_me")
        return crisisReply(CrisisAssessment(category: category, level: .crisis, ruleID: rule))
    }

    // MARK: - Questions about the crisis told

    /// The answer to a question about the crisis told ("should i let him sleep it off", "where can i go tonight"),
    /// from the knowledge's safety follow-ups, with the numbers again; a question of its own in the same message is
    /// answered after it. Nil when the message asks none, or tells of a crisis of another kind.
    private mutating func followUpReply(
        _ message: String, in told: CrisisSituation, finding: CrisisAssessment?
    ) -> Reply? {
        if let finding, finding.category != told.category, finding.level == .crisis { return nil }
        var told = told
        if !told.someoneElse, told.otherNamed, told.category == .suicide || told.category == .selfHarm,
            speaksOfThem(message),
            let (theirs, _) = followUp(for: message, in: CrisisSituation(category: told.category, someoneElse: true)),
            theirs.after.allSatisfy({ $0.category == nil })
        {
            // "hes not answering his phone what do i do" after a crisis reply to his texts: the crisis was his; the
            // answer is for the visitor worried about him, and so is what follows.
            told.someoneElse = true
        }
        if !told.someoneElse, told.category == .overdose || told.category == .withdrawal, speaksOfThem(message),
            followUp(for: message, in: told) == nil,
            followUp(for: message, in: CrisisSituation(category: told.category, someoneElse: true)) != nil
        {
            // QA35 S1-1: "can i just let him sleep" after the overdose reply for either of them: the emergency is his,
            // and so is the answer (never the program's "Yes. It's more common…").
            told.someoneElse = true
        }
        guard let (followUp, phrase) = followUp(for: message, in: told) else { return nil }
        if followUp.settles {
            // "is he ok?" or "i dont know if hes ok" is no word that the emergency is over.
            let said = Self.clauses(of: message).first { TextNormalizer.normalize($0).contains(phrase) } ?? message
            if looksLikeQuestion(said) || answers.contains(message, .dontKnow) { return nil }
        }
        pendingCheckIn = nil
        // The next message is read in the light of the visitor's own crisis; "are you safe right now?" is not asked
        // of someone worried about another person.
        afterCrisis = told.someoneElse || followUp.settles ? nil : CrisisContext(category: told.category)
        // QA34 S2-2/S2-3: "he made it, hes home and resting" settles someone else's emergency: what comes next ("what
        // can i do to help him come back to the program") is read as usual, never as a call for first aid.
        situation =
            followUp.settles
            ? nil
            : CrisisSituation(
                category: told.category, someoneElse: told.someoneElse, fullReplyGiven: told.fullReplyGiven,
                otherNamed: told.otherNamed, toldIn: told.toldIn)
        let rule = SafetyRuleID(rawValue: "after_crisis/follow_up")
        let assessment = CrisisAssessment(
            category: told.category, level: .crisis, ruleID: rule, note: told.someoneElse ? "someone else at risk" : nil)
        logger.warning("crisis follow-up", metadata: ["category": "\(told.category.rawValue)"])
        var text = followUp.reply
        // "ok 911 is coming. can he still come back to iop after this?": the second question is answered too.
        let others = Self.clauses(of: message).filter { !TextNormalizer.normalize($0).contains(phrase) }
        // "no i dont want to go to the er, i just want to know if i can come back": answered, when clearly asked.
        for other in others {
            // Of someone else's crisis, only a question is answered: "she dropped out too" is no cue for the
            // program's words to a dropout.
            // QA24 S2-14: "hes breathing but barely, what do i do": a clause that asks about the crisis itself ("what
            // do i do") is answered by the follow-up, never by the knowledge's "what I can answer".
            // Once the emergency is settled ("hes home now, how can he come back to group"), a question is the program's.
            guard !told.someoneElse || looksLikeQuestion(other),
                followUp.settles || self.followUp(for: other, in: told) == nil, let answer = clearAnswer(to: other)
            else { continue }
            text += "\n\n" + answer.text
            break
        }
        if state.isCollectingCallback { text += "\n\n" + dialogue[.crisisRequestKept] }
        return remember(
            Reply(
                text: text, intent: .crisis, source: "Safety", options: [], state: state, crisis: true,
                safety: assessment))
    }

    /// The first follow-up, in the knowledge's order, that answers in `told` and whose phrase is in the message,
    /// with that phrase.
    ///
    /// A phrase is looked for in the text only when its first word is one of the message's words: on a long line,
    /// searching the text for each of the hundreds of phrases was most of the reply's time.
    private func followUp(for message: String, in told: CrisisSituation) -> (SafetyFollowUp, String)? {
        let list = TextNormalizer.words(message)
        let present = Set(list)
        let words = " " + list.joined(separator: " ") + " "
        func isSaid(_ phrase: String) -> Bool {
            present.contains(String(phrase.prefix { $0 != " " })) && words.containsBytes(of: " " + phrase + " ")
        }
        for followUp in dialogue.followUps
        where followUp.after.contains(where: { $0.covers(told.category, someoneElse: told.someoneElse) }) {
            if let phrase = followUp.asks.first(where: isSaid) { return (followUp, phrase) }
        }
        return nil
    }

    /// Whether `message` speaks of another person as "he" or "she" (or "my son") and says nothing of the visitor's own
    /// state ("im", "myself"; "i" only as the one asking: "what do i do").
    func speaksOfThem(_ message: String) -> Bool {
        (answers.contains(message, .sheWords) || answers.contains(message, .heWords))
            && !answers.contains(answers.removing(.witnessing, from: message), .selfWords)
    }

    /// Whether a crisis of `category` told in `message` is someone else's: an overdose or withdrawal told of another
    /// person ("my friend took a bunch of pills"), with nothing of the visitor's own ("i took", "im shaking").
    func someoneElsesCrisis(_ message: String, category: CrisisCategory) -> Bool {
        guard category == .overdose || category == .withdrawal, answers.contains(message, .otherPerson),
            !answers.contains(message, .selfWords)
        else { return false }
        // "i took" or "i just swallowed": the visitor's own.
        let words = TextNormalizer.words(message).map { Substring($0) }
        for (i, word) in words.enumerated() where word == "i" {
            for j in (i + 1)..<min(i + 3, words.count) where answers.phraseLength(of: .useHint, at: j, in: words) != nil {
                return false
            }
        }
        return true
    }

    /// The last line of a crisis reply: the offer of a call when one may be offered, the reference of the request
    /// sent, or only that we are still here.
    func crisisClose(for category: CrisisCategory) -> String {
        if let sentRequest {
            // After an overdose or a withdrawal emergency, waiting for the call is no option: 911 now.
            let key: DialogueKey = category == .overdose || category == .withdrawal ? .crisisCloseSentEmergency : .crisisCloseSent
            return dialogue[key].replacingOccurrences(of: "{request.reference}", with: sentRequest)
        }
        guard offersCall, callbacksAvailable, !state.isCollectingCallback else { return dialogue[.crisisClose] }
        return phone.map { filled(.crisisCloseOfferNumber, phone: $0) } ?? dialogue[.crisisCloseOffer]
    }

    /// A request for a call soon after a crisis reply of `category`: the consent question, after the word that a call
    /// is not immediate (988 and 911 are; after danger, also that a call or voicemail can be chosen to be safe). Nil
    /// mid-form, or when no call may be asked for.
    private mutating func callAfterCrisis(_ message: String, category: CrisisCategory?) -> Reply? {
        guard state == .open || state == .ended, offersCall, callbacksAvailable, asksForCall(message),
            PhoneNumber.find(in: message) == nil
        else { return nil }
        var reply = openReply(message)
        // QA24 S1-2: after danger at home, the note says a call or a voicemail may be chosen to be safe.
        let note: DialogueKey = category == .danger ? .dangerCallNote : .crisisCallNotImmediate
        if reply.state == .callbackConsent { reply.text = dialogue[note] + "\n\n" + reply.text }
        return remember(reply)
    }

    /// A call asked for after a danger reply, on a line the crisis check finds worrying only because of the danger
    /// already told ("can someone call me but not leave a message, he checks my phone"): the request is heard, with
    /// no voicemail, and 911 said once, briefly; never the same crisis reply again. Mid-form, the voicemail wish is
    /// kept and the step reads the line. Nil for anything else (a new or a worse danger gets the crisis reply).
    private mutating func callAfterDanger(_ message: String, finding: CrisisAssessment, told: CrisisSituation?) -> Reply? {
        guard finding.category == .danger, finding.level != .crisis,
            (told?.category ?? pendingCheckIn?.category ?? afterCrisis?.category) == .danger
        else { return nil }
        let watched = answers.contains(message, .phoneWatched)
        if state.isCollectingCallback {
            guard watched || answers.read(message, among: [.noVoicemail]) != nil else { return nil }
            // "no voicemail, he checks my phone" at any step: no voicemail, said so, and the step again (the summary
            // shows it).
            voicemail = .noVoicemail
            pendingCheckIn = nil
            afterCrisis = nil
            if state == .callbackVoicemail { return remember(advance(to: .callbackConfirm)) }
            var step = stepReply(resumePrompt)
            if state != .callbackConfirm { step.text = dialogue[.noVoicemailKept] + " " + step.text }
            return remember(step)
        }
        guard asksForCall(message) || Self.clauses(of: message).contains(where: asksForCall) else { return nil }
        pendingCheckIn = nil
        afterCrisis = nil
        logger.notice("call asked for after a danger reply")
        let reply = beginCallback(
            phone: PhoneNumber.find(in: message), confidence: 1, request: message, after: dialogue[.dangerCallNote])
        return remember(reply)
    }

    // MARK: - The message after a crisis reply

    /// The message right after a crisis reply, when the crisis check finds nothing in it on its own: something
    /// alarming is a crisis again; a walk-back or a "no" gets "are you safe right now?" (what else the line held is
    /// kept); an unsure answer gets the numbers and the same question; anything else goes on as usual.
    private mutating func afterCrisisReply(_ message: String, context: CrisisContext) -> Reply? {
        let heard = answers.checkInWords(message)
        if heard.alarm {
            let rule = SafetyRuleID(rawValue: "after_crisis/alarm")
            if answers.contains(message, .taken) {
                // "too late, already took them": 911 first, whoever took it.
                return crisisReply(CrisisAssessment(category: .overdose, level: .crisis, ruleID: rule))
            }
            return crisisReply(CrisisAssessment(category: context.category, level: .crisis, ruleID: rule))
        }
        if heard.unsure {
            keepFormAnswers(in: message)
            return checkIn(lead: .afterCrisisUnsure)
        }
        // A question with a "no" in it ("can i come back if i have no insurance") is not a walk-back.
        let opening = Self.clauses(of: message).first ?? message
        let ownBodily = (context.category == .overdose || context.category == .withdrawal) && situation?.someoneElse != true
        if saysSafe(message), !ownBodily {
            // "im safe", "no im ok": the answer to "are you safe right now?" is heard, not asked for again.
            keepFormAnswers(in: message)
            return backFromCheckIn(message, lead: dialogue[.safeHeard], deferred: questions(in: message))
        }
        if heard.reassured || (heard.no && !looksLikeQuestion(opening)) || assistant.safety.isDenial(message) {
            // "nah not like that. can i come back to group tho": the question waits for the answer about safety;
            // "no im ok, my name is Jordan": the name is kept now.
            keepFormAnswers(in: message)
            if !state.isCollectingCallback, let asked = questions(in: message), let answered = answerThenAsk(asked) {
                // "sorry i didnt mean that. do you take insurance": the question answered, and the safety question.
                return answered
            }
            return checkIn(deferred: questions(in: message))
        }
        let short = TextNormalizer.words(message).count <= 4
        if state.isCollectingCallback, answers.contains(message, .resumeForm) {
            // "can we finish the callback" right after a crisis reply: whether the visitor is safe, once, then the form.
            return checkIn(lead: .crisisRequestResume)
        }
        if state.isCollectingCallback, short, answers.read(message, among: [.no, .yes]) == .yes {
            // A yes right after a crisis reply mid-form: whether the visitor is safe first, then the request.
            return checkIn(lead: .crisisRequestResume)
        }
        // "yes call me", a request for a call, or a number to call, goes on as usual.
        if asksForCall(message) { return nil }
        if short,
            answers.read(message, among: [.checkYes]) == .checkYes
                || answers.read(message, among: [.checkWhen]) == .checkWhen
        {
            // "yes" to a crisis reply: yes I want to, or yes call me? Asked safely, with the call offered again.
            return afterCrisisYes(context.category)
        }
        // A question: answered, then the safety question once. Anything else ("nvm", "whatever", "ok", "bye", anger,
        // a form answer): never the cold fallback, but the safety question with 988 and 911; a form answer is kept.
        if let asked = askedQuestion(in: message) {
            return answerThenAsk(asked)
        }
        // "forget it" is not the name "Forget", nor anger a name.
        if !answers.cancels(message), !answers.contains(message, .hostile), keepFormAnswers(in: message) {
            let pending = PendingCheckIn(
                category: context.category, worrying: .no, question: dialogue[.afterCrisisQuestion], askedAgain: true)
            pendingCheckIn = pending
            return askAgain(pending, lead: nil, text: safeAskAgainText)
        }
        return checkIn(lead: .afterCrisisUnsure)
    }

    /// "what?? i build bridges for a living" or "you misread that" after a safety reply to a word of work or an idiom:
    /// sorry, misread, with 988 in a word, and what else the line asked answered; not "are you safe?" again. Nil when
    /// the line says no such thing, or it and the message that was misread, read together, still alarm.
    private mutating func misreadReply(_ message: String) -> Reply? {
        guard answers.contains(message, .misread), assistant.safety.assess(message) == nil, let told = situation?.toldIn
        else { return nil }
        // "honestly i want to kill myself", then "no im fine, you misunderstood": the words alarm whatever is said
        // of them, and whether the visitor is safe is asked. "im on the bridge", then "i build bridges for a living":
        // read together, nothing alarms.
        func oneClause(_ text: String) -> String {
            String(text.map { ".!?;\n".contains($0) ? "," : $0 })
        }
        guard assistant.safety.assess(oneClause(told) + ", " + oneClause(message)) == nil else { return nil }
        pendingCheckIn = nil
        afterCrisis = nil
        situation = nil
        logger.notice("safety reply misread, said so")
        keepFormAnswers(in: message)
        return backFromCheckIn(message, lead: dialogue[.misreadHeard], deferred: questions(in: message))
    }

    /// Whether a message asks for a call or gives a number to call: it goes on as usual after a safety reply.
    private func asksForCall(_ message: String) -> Bool {
        if PhoneNumber.find(in: message) != nil { return true }
        guard case .answer(let id) = responder.matcher.match(message).decision else { return false }
        return assistant.responder.action(of: id) == .handoff
    }

    /// A question asked right after a crisis reply, answered as the knowledge answers it, then "are you safe right
    /// now?" once; mid-form, the step comes back once the visitor answers. Nil when the knowledge doesn't answer it
    /// as a question (a goodbye, a call).
    private mutating func answerThenAsk(_ question: String) -> Reply? {
        guard let answer = knowledgeAnswer(to: question) else { return nil }
        return remember(answer.before(checkIn(lead: .afterCrisisQuestion)))
    }

    /// The question a message asks besides its answer to a safety question, or the whole message when it reads as
    /// one; nil when it asks nothing.
    private func askedQuestion(in message: String) -> String? {
        questions(in: message) ?? (looksLikeQuestion(message) ? message : nil)
    }

    /// `question` answered as the knowledge answers it; nil when the knowledge takes it as something other than a
    /// question (a goodbye, a request for a call), which goes on as usual.
    private func knowledgeAnswer(to question: String) -> Reply? {
        let result = assistant.responder.matcher.match(question)
        if case .answer(let id) = result.decision, assistant.responder.action(of: id) != .answer { return nil }
        return assistant.responder.reply(for: result)
    }

    /// A bare "yes" right after a crisis reply: are you safe right now, and the call offered again if it may be.
    /// After a danger reply it asks about danger, not about thoughts of ending one's life.
    private mutating func afterCrisisYes(_ category: CrisisCategory) -> Reply {
        var reply = checkIn(lead: category == .danger ? .afterCrisisYesDanger : .afterCrisisYes)
        if offersCall, callbacksAvailable, let handoff = responder.handoffIntent {
            reply.text += "\n\n" + dialogue[.afterCrisisCallOffer]
            reply.options = [handoff.label]
        }
        return remember(reply)
    }

    /// The question at the end of a clause that is worrying as a whole ("…better off without me but anyway do i have
    /// to call first or can i just show up"): from the first word that opens a yes/no question with its subject ("do
    /// i", "can i", "is there") to the clause's end, when that part is not worrying itself and asks. Nil otherwise.
    func calmAskingTail(of message: String) -> String? {
        for clause in Self.clauses(of: message).suffix(Self.mostClausesForTail) {
            let words = clause.split(whereSeparator: \.isWhitespace)
            guard words.count <= Self.mostWordsForTail else { continue }
            let lower = words.map { StepAnswer.lowercaseLetters(of: String($0)) }
            for k in lower.indices.dropFirst() where k + 2 < lower.count {
                guard MessageParts.opensYesNo(lower[k], subject: lower[k + 1]) else { continue }
                let tail = words[k...].joined(separator: " ")
                if looksLikeQuestion(tail), assistant.safety.assess(tail) == nil { return tail }
                break
            }
        }
        return nil
    }

    /// The last clauses, and the most words of one, read for a question at a worrying clause's end.
    static let mostClausesForTail = 3
    static let mostWordsForTail = 120

    /// The questions of a message besides its answer to a safety question, joined; nil when there are none.
    private func questions(in message: String) -> String? {
        let asked = Self.clauses(of: message).filter { looksLikeQuestion($0) }
        return asked.isEmpty ? nil : asked.joined(separator: ". ")
    }

    /// Whether a line gives someone else's number ("her number is…", "call his cell", "hers is…"), not the visitor's.
    static func namesSomeoneElsesNumber(_ message: String) -> Bool {
        let words = " " + TextNormalizer.words(message).joined(separator: " ") + " "
        let phrases = ["her", "his", "their"].flatMap { owner in ["number", "phone", "cell"].map { "\(owner) \($0)" } }
        return (phrases + ["hers is", "his is", "theirs is"]).contains { words.containsBytes(of: " \($0) ") }
    }

    /// Keeps a name, phone number or time typed on a line that is read for safety (the line that brought a crisis
    /// reply, or "no im ok, my name is Jordan" after one): each clause that is neither worrying nor an answer to a
    /// safety question is given to the current step, and kept if the step takes it; a phone number anywhere is kept
    /// at the name or phone step. Only the current step is answered: "it was just 2 advil" is not a time to keep
    /// because a phone number before it moved the form on. Returns whether something was kept.
    @discardableResult
    mutating func keepFormAnswers(in message: String) -> Bool {
        let fieldsBefore = keptFields
        defer { lastKept = keptSaid(since: fieldsBefore) }
        let step = state
        var kept = false
        if state == .open || state == .ended, phone == nil, offersCall, callbacksAvailable,
            !Self.namesSomeoneElsesNumber(message), let number = spokenOrTypedNumber(in: message)
        {
            // "my number is 706 555 0145 pls call, my son overdosed": the number is kept for a call once the crisis is
            // handled (the crisis reply says so); nothing is asked now. "her number is…" is not the visitor's.
            phone = number
        }
        if state == .callbackName || state == .callbackPhone, phone == nil, let number = PhoneNumber.find(in: message) {
            // A number is kept wherever it stands (its dots and dashes would split it into clauses).
            phone = number
            kept = true
            if state == .callbackPhone { _ = advance(to: bestTime == nil ? .callbackTime : .callbackVoicemail) }
        }
        if state == .callbackVoicemail, let choice = answers.read(message, among: [.noVoicemail, .discreet]) {
            // "no voicemail" after a danger reply: kept, never asked again (a plain yes or no is about safety).
            voicemail = choice == .discreet ? .discreet : .noVoicemail
            _ = advance(to: .callbackConfirm)
            return true
        }
        if state == .callbackVoicemail, let clause = Self.clauses(of: message).first(where: { saysVoicemailYes($0) }),
            assistant.safety.assess(clause) == nil
        {
            // "voicemail is fine, not like anyone would notice if i disappeared": a yes that names the voicemail is
            // about the voicemail (a plain "yes" alone stays an answer about safety).
            voicemail = .allowed
            _ = advance(to: .callbackConfirm)
            return true
        }
        // Whether the whole line is itself worrying, read once when a skipped name asks (never once per clause: a long
        // line of short clauses would read the whole line again for each).
        var lineWorries: Bool?
        for clause in Self.clauses(of: message) where PhoneNumber.find(in: clause) == nil {
            guard state == step, step == .callbackName || step == .callbackTime else { break }
            if step == .callbackName, let name = introducedName(in: clause) {
                // "my name is kev and honestly whats the point": the name, whatever follows it.
                self.name = name
                kept = true
                _ = advance(to: phone == nil ? .callbackPhone : (bestTime == nil ? .callbackTime : .callbackVoicemail))
                break
            }
            // No yes, no or doubt about safety in it; a when alone ("tonight") may be the time (QA24 S1-3).
            let heard = answers.checkInWords(clause)
            guard !heard.yes, !heard.no, !heard.reassured, !heard.unsure, !heard.alarm,
                assistant.safety.assess(clause) == nil
            else { continue }
            // A form answer on a line about a crisis is short: "whatever honestly i dont even know why im doing
            // this" is not a best time, whatever word in it reads as one.
            guard TextNormalizer.words(clause).count <= Self.longestFormAnswer,
                !answers.contains(clause, .dontKnow), !answers.contains(clause, .unsure)
            else { continue }
            // QA21: "doesnt matter, ill be dead by then" is no "any time": only a time that names one is kept from a
            // line about a crisis, and the time is asked again after the safety question.
            // "whenever" or "any time" said as such, on a line that brings only the check-in, is a time, kept like
            // "mornings" (QA35 S2-5); with a crisis reply ("whenever, might just finish off my pills tonight") the
            // time is asked again once the crisis is handled.
            if step == .callbackTime, readTime(clause)?.time == .any,
                !TimeAnswer.saysAnyTime(clause) || assistant.safety.assess(message)?.level == .crisis
            {
                continue
            }
            let before = self
            switch state {
            case .callbackName: _ = nameReply(clause)
            default: _ = timeReply(clause)
            }
            // Only an answer the step takes (it moves on) is kept: a question or anything unclear is set aside. A
            // skipped name ("doesnt matter, i wont be around much longer") on a line that is itself worrying is no answer
            // to the step: the crisis keeps it, and the name is asked again after the safety question.
            var skippedName = false
            if step == .callbackName, name == nil {
                if lineWorries == nil { lineWorries = assistant.safety.assess(message) != nil }
                skippedName = lineWorries == true
            }
            if state == before.state || !state.isCollectingCallback || skippedName {
                self = before
            } else {
                kept = true
            }
        }
        return kept
    }

    /// Whether `clause` says yes to a voicemail in words that name it ("voicemail is fine", "a message is ok").
    func saysVoicemailYes(_ clause: String) -> Bool {
        let words = Set(TextNormalizer.words(clause))
        guard !words.isDisjoint(with: ["voicemail", "voicemails", "message", "vm"]) else { return false }
        return answers.read(clause, among: [.noVoicemail, .discreet, .no, .yes]) == .yes
    }

    /// The most words a form answer typed on a line about a crisis (or in answer to a safety question) may have.
    static let longestFormAnswer = 8

    /// A name introduced as one ("my name is kev", "call me Jo") at the start of a clause, whatever follows it.
    private func introducedName(in clause: String) -> String? {
        let words = TextNormalizer.words(clause)
        let lead = answers.leadingFillers(in: words.map { Substring($0) })
        let rest = Array(words[lead...])
        guard Self.nameIntroductions.contains(where: { rest.starts(with: $0) }),
            let name = answers.name(in: rest.joined(separator: " "))
        else { return nil }
        // The words were lowercased to be read: the name is kept as the visitor wrote it ("Jordan").
        guard let written = clause.range(of: name, options: [.caseInsensitive, .diacriticInsensitive]) else { return name }
        return String(clause[written])
    }

    /// The ways a name is introduced that leave no doubt it is one.
    private static let nameIntroductions: [[String]] = [
        ["my", "name", "is"], ["my", "names"], ["the", "name", "is"],
    ]

    // MARK: - Someone else at risk

    /// The person at risk when `message` speaks only of someone else's suicidal words or self-harm ("my daughter
    /// texted me that she wants to die"), nil when it may be the visitor's own.
    ///
    /// Conservative, since a worried visitor given the visitor's own reply still gets 988, while a visitor in crisis
    /// asked "is she safe?" is not heard: each sentence the crisis check finds worrying on its own must name
    /// someone else, hold nothing of the visitor's own state ("im", "ill", "myself"), and with them set aside it must
    /// worry the check no more. "my mom died and i want to die too"
    /// is the visitor's own, and so is a sentence that names no one ("Going to the lake tonight"), a crisis seen only
    /// in the whole message, and a crisis word with no one attached ("my son is gone, theres no point living").
    func personAtRisk(_ message: String, finding: CrisisAssessment) -> OtherPerson? {
        guard finding.category == .suicide || finding.category == .selfHarm else { return nil }
        // Each sentence is checked on its own, twice at most: a line of hundreds of sentences gets the visitor's own
        // reply rather than hundreds of checks.
        let sentences = Self.sentences(of: message)
        guard sentences.count <= Self.mostSentencesRead else { return nil }
        let worrying = sentences.map(String.init).filter { assistant.safety.assess($0) != nil }
        guard !worrying.isEmpty else { return nil }
        for sentence in worrying {
            // "im worried", "i think", "i saw": how a worried visitor tells it, not the visitor's own state.
            let told = answers.removing(.witnessing, from: sentence)
            guard !answers.contains(told, .selfWords), let rest = withoutSomeoneElse(told) else { return nil }
            guard assistant.safety.assess(rest) != nil else { continue }
            // "he just texted me that hes got his dads gun and hes done": still worrying with the person set aside
            // (the gun, the goodbye), yet told only of them: the visitor says "i" of nothing, and each clause worrying
            // on its own names the person. "my son is gone, theres no point living" stays the visitor's own.
            guard toldOnlyOfThem(told) else { return nil }
        }
        let she = answers.contains(message, .sheWords)
        let he = answers.contains(message, .heWords)
        return she == he ? .they : (she ? .she : .he)
    }

    /// Whether `sentence` (its witnessing words set aside) tells a crisis only of someone else: no "i" of the visitor
    /// in it, and each of its clauses the crisis check finds worrying on its own names another person.
    private func toldOnlyOfThem(_ sentence: String) -> Bool {
        let words = TextNormalizer.words(sentence)
        guard !words.contains("i") else { return false }
        // Each clause may be checked on its own: a sentence of hundreds of "and…" gets the visitor's own reply (and
        // is split no further than that shows).
        var clauses: [String] = []
        for clause in sentence.clauses(splitAt: ",:-\n") {
            clauses += Self.splitAtJoiners(String(clause), atMost: Self.mostPartsRead + 1 - clauses.count)
            guard clauses.count <= Self.mostPartsRead else { return false }
        }
        var named = false
        for clause in clauses {
            let names = [AnswerWord.sheWords, .heWords, .otherPerson].contains(where: { answers.contains(clause, $0) })
            defer { named = named || names }
            guard !names, assistant.safety.assess(clause) != nil else { continue }
            // "she's going to end it all and said goodbye": "and said goodbye" has no subject of its own; it is hers.
            guard named, Self.continuesSubject(clause) else { return false }
        }
        return true
    }

    /// Whether `clause` goes on with the subject of the clause before it: opened by a joiner ("and", "then") with no
    /// subject of its own ("and said goodbye"), not "and everyone would be better off".
    static func continuesSubject(_ clause: String) -> Bool {
        let words = TextNormalizer.words(clause)
        guard let first = words.first, ["and", "then", "but", "so", "or"].contains(first), words.count > 1 else {
            return false
        }
        return Set(words.dropFirst()).isDisjoint(with: subjectWords)
    }

    /// Words that give a clause a subject of its own.
    private static let subjectWords: Set<String> = [
        "i", "im", "we", "you", "everyone", "everybody", "nobody", "people", "it", "its", "this", "that", "there",
        "theres", "life", "things", "me", "my", "myself",
    ]

    /// `clause` split before the words that join clauses ("and", "but", "so", "then"); only its first `limit` parts
    /// when given (the rest of the clause is not split).
    static func splitAtJoiners(_ clause: String, atMost limit: Int = .max) -> [String] {
        var parts: [String] = []
        var current: [String] = []
        for word in clause.split(separator: " ") {
            if isJoiner(word), !current.isEmpty {
                parts.append(current.joined(separator: " "))
                current = []
                if parts.count == limit { return parts }
            }
            current.append(String(word))
        }
        if !current.isEmpty { parts.append(current.joined(separator: " ")) }
        return parts
    }

    /// `["and", "but", "so", "then"].contains(word.lowercased())`, without lowercasing an ASCII word.
    private static func isJoiner(_ word: Substring) -> Bool {
        guard word.utf8.allSatisfy({ $0 < 0x80 }) else { return ["and", "but", "so", "then"].contains(word.lowercased()) }
        guard (2...4).contains(word.utf8.count) else { return false }
        let lower = word.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
        return lower.elementsEqual("and".utf8) || lower.elementsEqual("but".utf8) || lower.elementsEqual("so".utf8)
            || lower.elementsEqual("then".utf8)
    }

    /// `sentence` with its mentions of someone else replaced by a word of no list; nil when it names no one else.
    /// Object pronouns stay unless the sentence names someone else otherwise: "figured i wont need them" speaks of
    /// things, and "them" there is no person at risk; in "my husband has a gun and says we'd be better without him",
    /// "him" is the husband.
    private func withoutSomeoneElse(_ sentence: String) -> String? {
        let words = TextNormalizer.words(sentence).map { Substring($0) }
        let people: [AnswerWord] = [.sheWords, .heWords, .otherPerson]
        let starts = answers.phraseStarts(of: people, in: sentence)
        var mentioned = false
        var pronouns: [Int] = []
        var kept: [Substring] = []
        var i = 0
        while i < words.count {
            if starts[i], let length = people.compactMap({ answers.phraseLength(of: $0, at: i, in: words) }).max() {
                if Self.objectPronouns.contains(words[i]) {
                    pronouns.append(kept.count)
                    kept.append(words[i])
                    i += 1
                } else {
                    mentioned = true
                    kept.append(Self.someoneElse)
                    i += length
                }
            } else {
                kept.append(words[i])
                i += 1
            }
        }
        guard mentioned else { return nil }
        for index in pronouns where Self.personPronouns.contains(kept[index]) { kept[index] = Self.someoneElse }
        return kept.joined(separator: " ")
    }

    /// The most sentences ``personAtRisk(_:finding:)`` checks one by one.
    private static let mostSentencesRead = 12

    /// Pronouns that may stand for things as well as people ("i wont need them"): never read as the person at risk.
    private static let objectPronouns: Set<Substring> = ["them", "him", "her"]

    /// The object pronouns read as the person at risk once the sentence names someone else ("them" stays a thing).
    private static let personPronouns: Set<Substring> = ["him", "her"]

    /// What stands in for the other person when a message is checked again without them: no word of any list.
    private static let someoneElse: Substring = "xq"

    /// The sentences of a message.
    private static func sentences(of message: String) -> [Substring] {
        message.clauses(splitAt: ".!?;\n")
    }

    // MARK: - The answer to a check-in

    /// The reply to an answer to a check-in: the crisis reply for a worrying answer (a yes, unsure, or a no with
    /// something alarming), thanks and the way back for a reassuring one (with what else was typed in the same
    /// line: "no. 470 555 0123"), the question once more, gently, for anything else.
    private mutating func checkInAnswer(_ message: String, to pending: PendingCheckIn) -> Reply? {
        pendingCheckIn = nil
        var again = pending
        again.askedAgain = true
        if let reply = notAnAnswer(message, to: pending) { return reply }
        if pending.person == nil, dontKnows(message) {
            // "idk": a gentle word with 988 and the simpler question, once; never the crisis reply on its own.
            guard !pending.askedAgain else {
                var reply = backFromCheckIn(message, lead: dialogue[.checkInRelease], deferred: pending.deferred)
                reply.crisis = true
                return reply
            }
            pendingCheckIn = PendingCheckIn(
                category: pending.category, worrying: .no, question: dialogue[.afterCrisisQuestion],
                deferred: pending.deferred, askedAgain: true)
            return askAgain(again, lead: nil, text: dialogue[.checkInNotSure])
        }
        let reading = answers.checkIn(message, worrying: pending.worrying)
        if reading == .unclear, pending.category == .danger, pending.person == nil, !state.isCollectingCallback,
            offersCall, callbacksAvailable,
            asksForCall(message) || Self.clauses(of: message).contains(where: asksForCall)
        {
            // QA24 S1-2: "can someone call me but not leave a message" to the question about danger: the request is
            // heard, with 911 once and the word that a call or voicemail can be chosen to be safe.
            pendingCheckIn = nil
            afterCrisis = nil
            return remember(
                beginCallback(
                    phone: PhoneNumber.find(in: message), confidence: 1, request: message,
                    after: dialogue[.dangerCallNote]))
        }
        if reading == .unclear, pending.worrying == .no {
            return safeAnswerUnclear(message, to: pending)
        }
        if reading == .unclear, questions(in: message) == nil, assistant.safety.isDenial(message) {
            // "i didnt mean it like that. forget i said it": the walk-back is heard, and whether they are safe asked;
            // never an article the matcher guessed for it.
            return checkIn()
        }
        // After the first question, only a question the knowledge clearly answers moves on.
        if reading == .unclear, movesOn(message) { return nil }
        var clear: Reply?
        if reading == .unclear, !state.isCollectingCallback {
            // Only the clauses the matcher reads count (clearAnswer leaves short ones), and only the first few.
            let long = Self.clausesRead(Self.clauses(of: message)) {
                TextNormalizer.words($0).count >= Self.clearAnswerWords
            }
            for clause in long {
                clear = clearAnswer(to: clause)
                if clear != nil { break }
            }
        }
        if let answer = clear {
            // "stop asking me that. i just want to know if i can come back": the question is answered, then the
            // question about safety once, briefly, with 988; once asked again already, 988 and no more asking.
            if pending.askedAgain {
                var reply = answer.before(backFromCheckIn("", lead: dialogue[.checkInRelease]))
                reply.crisis = true
                return remember(reply)
            }
            pendingCheckIn = PendingCheckIn(
                category: pending.category, worrying: .no, question: dialogue[.afterCrisisQuestion],
                deferred: pending.deferred, askedAgain: true)
            return remember(answer.before(askAgain(again, lead: nil, text: dialogue[.afterCrisisQuestion])))
        }
        switch reading {
        case .worrying:
            let rule = SafetyRuleID(rawValue: "check_in/answered_\(pending.worrying)")
            if pending.person != nil {
                return otherPersonUnsafe(CrisisAssessment(category: pending.category, level: .crisis, ruleID: rule))
            }
            // "too late i already took them all" to the question about suicide: the overdose reply, 911 first.
            let category = answers.contains(message, .taken) ? .overdose : pending.category
            // QA24 S2-2: "maybe. what would it even look like if i came back": the crisis reply, then the question.
            return answeringQuestionToo(
                crisisReply(CrisisAssessment(category: category, level: .crisis, ruleID: rule)), message: message)
        case .reassuring:
            // A "no" to the danger check-in: 911 and the domestic violence hotline stay in the words, since the danger
            // may be in the same home as the screen (lead's list after QA36); no emergency card for a "no".
            let lead = pending.category == .danger ? DialogueKey.checkInAnsweredDanger : .checkInAnswered
            let reply = backFromCheckIn(message, lead: dialogue[lead], deferred: pending.deferred)
            if pending.worrying == .yes, pending.person == nil {
                // "no" to the question about suicide: a yes soon after changes the answer (QA22 W13); a bare yes only
                // when the reply to the "no" asked nothing else.
                declinedCheckIn = DeclinedCheckIn(category: pending.category, bareYesCounts: !reply.text.contains("?"))
                suicideQuestionDeclined = suicideQuestionDeclined || pending.category == .suicide
            }
            return reply
        case .unclear where !pending.askedAgain:
            pendingCheckIn = again
            return askAgain(pending, lead: againLead(pending))
        case .unclear:
            // Asked twice: no more asking; 988 once more, and back to where the visitor was.
            var reply = backFromCheckIn(message, lead: dialogue[.checkInRelease], deferred: pending.deferred)
            reply.crisis = true
            return reply
        }
    }

    /// Neither yes nor no to "are you safe right now?". Mid-form, a form answer given instead is kept and the
    /// question asked once more, gently ("evening" at the time step); anything else there is asked once more too.
    /// Open, or once asked again, the message goes on as usual: no pressure.
    private mutating func safeAnswerUnclear(_ message: String, to pending: PendingCheckIn) -> Reply? {
        var again = pending
        again.askedAgain = true
        if !state.isCollectingCallback, !pending.askedAgain, let asked = askedQuestion(in: message) {
            // A question instead ("do you take insurance"): answered, with 988 once more; the question about safety is
            // not asked again (the visitor chose to go on).
            guard let answer = knowledgeAnswer(to: asked) else { return nil }
            guard lettingGo(pending) else {
                pendingCheckIn = again
                return remember(answer.before(askAgain(pending, lead: nil, text: dialogue[.afterCrisisQuestion])))
            }
            var reply = answer.before(backFromCheckIn("", lead: dialogue[.checkInRelease]))
            reply.crisis = true
            return remember(reply)
        }
        if !state.isCollectingCallback, !asksForCall(message), !looksLikeQuestion(message) {
            // "whatever" in answer to "are you safe right now?": asked once more gently, then 988 and no more asking.
            if !pending.askedAgain {
                pendingCheckIn = again
                return askAgain(pending, lead: againLead(pending))
            }
            var reply = backFromCheckIn(message, lead: dialogue[.checkInRelease])
            reply.crisis = true
            return reply
        }
        guard state.isCollectingCallback, !movesOn(message) else { return nil }
        if pending.askedAgain {
            // Asked twice already ("idk", then "morning"): no more asking; 988 once more, before the form reads the
            // answer (at the summary, the summary again: nothing is sent on a line that answered no safety question).
            if state == .callbackConfirm {
                var reply = backFromCheckIn("", lead: dialogue[.checkInRelease])
                reply.crisis = true
                return reply
            }
            releaseLead = dialogue[.checkInRelease]
            return nil
        }
        if keepFormAnswers(in: message) {
            pendingCheckIn = again
            return askAgain(pending, lead: nil, text: safeAskAgainText)
        }
        pendingCheckIn = again
        return askAgain(pending, lead: againLead(pending))
    }

    /// "I'm asking because it matters": said once in a conversation, and never to someone asked about another
    /// person (a parent is not being judged).
    private mutating func againLead(_ pending: PendingCheckIn) -> String? {
        guard pending.person == nil, !explainedAsking else { return nil }
        explainedAsking = true
        return dialogue[.checkInAgain]
    }

    /// Something other than an answer to a safety question, read as what it is: a question is answered and the
    /// safety question asked once more ("will i have to start over?", "how long is the program"), never taken as
    /// a yes by its words; a form answer for the step ("no voicemail" at the voicemail step) is kept and the
    /// question asked once more. Nil when the message answers (or may answer) the question.
    private mutating func notAnAnswer(_ message: String, to pending: PendingCheckIn) -> Reply? {
        let heard = answers.checkInWords(message)
        guard !heard.alarm else { return nil }
        var again = pending
        again.askedAgain = true
        if state == .callbackVoicemail, answers.read(message, among: [.noVoicemail, .discreet]) != nil,
            keepFormAnswers(in: message)
        {
            // "no voicemail" to "are you safe right now? Yes or no": the voicemail answer, never a "no".
            if pending.askedAgain {
                var reply = backFromCheckIn(message, lead: dialogue[.checkInRelease])
                reply.crisis = true
                return reply
            }
            pendingCheckIn = again
            return askAgain(pending, lead: nil, text: safeAskAgainText)
        }
        let opening = Self.clauses(of: message).first ?? message
        // "will i have to start over?" asks, whatever its words ("i have"); "yes?" and "no. why" answer.
        let asks = looksLikeQuestion(opening.replacingOccurrences(of: "?", with: ""))
            || answers.checkIn(opening, worrying: pending.worrying) == .unclear
        guard looksLikeQuestion(message), asks, !dontKnows(opening), !asksForCall(message) else { return nil }
        // QA37 S2-1: "do i have to come every day" asks; its "every day" says how often of the program, no yes. A
        // question the knowledge can't place still gets the honest "I don't have an answer" and the safety question,
        // never the crisis reply. A question about the visitor's own thoughts ("is it normal that i think about it
        // every day") is a yes, and keeps the crisis reply with its answer.
        let question = askedQuestion(in: message) ?? message
        let howOftenOnly = heard.when && !heard.yes && !heard.unsure
            && !TextNormalizer.words(message).contains(where: Self.thoughtWords.contains)
        guard
            let answer = questionAnswer(question)
                ?? (howOftenOnly ? assistant.responder.fallback(topic: nil, confidence: 0) : nil)
        else { return nil }
        // Asked twice already, or "are you safe right now?" left for a question of their own ("can i rejoin tho"):
        // the answer, 988 once more, and no more asking.
        if pending.askedAgain || lettingGo(pending) {
            // Asked twice already: the answer, 988 once more, and no more asking.
            var reply = answer.before(backFromCheckIn("", lead: dialogue[.checkInRelease]))
            reply.crisis = true
            return remember(reply)
        }
        pendingCheckIn = again
        let ask = pending.person == nil ? dialogue[.afterCrisisQuestion] : pending.question
        if pending.person == nil {
            pendingCheckIn = PendingCheckIn(
                category: pending.category, worrying: .no, question: ask, deferred: pending.deferred, askedAgain: true)
        }
        return remember(answer.before(askAgain(again, lead: nil, text: ask)))
    }

    /// The knowledge's answer to a question, when it has one (a sure answer, or the honest "I don't know" about a
    /// topic it knows of); nil for anything it can't place ("why are you asking me that"), a goodbye or a call.
    func questionAnswer(_ question: String) -> Reply? {
        let result = assistant.responder.matcher.match(question)
        switch result.decision {
        case .answer(let id)
        where assistant.responder.action(of: id) == .answer && result.confidence >= Self.movesOnConfidence:
            return assistant.responder.reply(for: result)
        case .fallback(let topic?):
            return assistant.responder.fallback(topic: topic, confidence: result.confidence)
        default:
            return nil
        }
    }

    /// The knowledge's answer to a clause it clearly answers ("i just want to know if i can come back"), said as a
    /// question or not; nil for anything less sure, or short.
    func clearAnswer(to clause: String) -> Reply? {
        guard TextNormalizer.words(clause).count >= Self.clearAnswerWords else { return nil }
        let result = assistant.responder.matcher.match(clause)
        guard case .answer(let id) = result.decision, assistant.responder.action(of: id) == .answer,
            result.confidence >= Self.movesOnConfidence
        else { return nil }
        return assistant.responder.reply(for: result)
    }

    /// Words by which a question speaks of the visitor's own thoughts ("is it normal that i think about it a lot").
    private static let thoughtWords: Set<String> = [
        "think", "thinking", "thought", "thoughts", "mind", "feel", "feeling", "want", "wanting", "wish", "admit",
    ]

    /// The fewest words of a clause ``clearAnswer(to:)`` reads.
    static let clearAnswerWords = 4

    /// Whether a message says only that the visitor doesn't know ("idk", "i dont know tbh").
    private func dontKnows(_ message: String) -> Bool {
        guard answers.contains(message, .dontKnow) else { return false }
        let rest = answers.checkInWords(answers.removing(.dontKnow, from: message))
        return !rest.alarm && !rest.yes && !rest.no && !rest.unsure && !rest.reassured && !rest.when
    }

    /// Whether a message says plainly that the visitor is safe ("im safe", "no, im ok"), with nothing worrying.
    private func saysSafe(_ message: String) -> Bool {
        guard answers.contains(message, .safeNow) else { return false }
        // "i dont feel safe", "im ok but": not plainly safe.
        let words = TextNormalizer.words(message)
        guard !words.contains(where: { Self.notPlainlySafe.contains($0) }) else { return false }
        let heard = answers.checkInWords(message)
        return !heard.alarm && !heard.unsure
    }

    /// Words that make "im safe" or "im ok" something other than a plain answer.
    private static let notPlainlySafe: Set<String> = [
        "not", "dont", "cant", "never", "isnt", "wont", "arent", "aint", "didnt", "doesnt", "but", "though", "tho",
        "feel", "if", "until",
    ]

    /// The check-in question once more, after `lead`.
    private mutating func askAgain(_ pending: PendingCheckIn, lead: String?, text: String? = nil) -> Reply {
        let finding = CrisisAssessment(
            category: pending.category, level: .check, ruleID: SafetyRuleID(rawValue: "check_in/asked_again"))
        let body = text ?? ((lead.map { $0 + "\n\n" } ?? "") + questionAgain(pending))
        return remember(
            Reply(
                text: body, intent: .crisisCheck, source: "Safety", options: [], state: state, crisis: true,
                safety: finding))
    }

    /// Whether "are you safe right now?", left for a question of the visitor's own, is let go (the answer, 988, no
    /// second ask): yes, but after the visitor's own overdose, where what was taken can still hurt, it is asked once
    /// more, in other words.
    private func lettingGo(_ pending: PendingCheckIn) -> Bool {
        pending.worrying == .no && pending.person == nil && pending.category != .overdose
    }

    /// The safety question asked once more, in other words than the first time (never the same block word for word):
    /// "are you safe right now?" shorter, or the question about suicide without its opening.
    private func questionAgain(_ pending: PendingCheckIn) -> String {
        guard pending.person == nil else { return pending.question }
        if pending.worrying == .no {
            return pending.question == dialogue[.afterCrisisQuestion] ? dialogue[.safeQuestionAgain] : dialogue[.afterCrisisQuestion]
        }
        return pending.category == .suicide ? dialogue[.checkInQuestionAgain] : pending.question
    }

    /// A no or "not sure" to whether someone else is safe: call 911, stay with them, 988.
    private mutating func otherPersonUnsafe(_ finding: CrisisAssessment) -> Reply {
        var finding = finding
        finding.note = "someone else at risk"
        logger.warning(
            "crisis about someone else",
            metadata: ["category": "\(finding.category.rawValue)", "rule": "\(finding.ruleID.logLabel)"])
        return remember(
            Reply(
                text: dialogue[.otherPersonUnsafe], intent: .crisis, source: "Safety", options: [], state: state,
                crisis: true, safety: finding))
    }

    /// Whether a message that doesn't answer a check-in is a question of its own that the knowledge clearly
    /// answers ("what if i relapsed"): then it is answered as usual. Evasive ones ("does it matter", "why are you
    /// asking me that") are not.
    private func movesOn(_ message: String) -> Bool {
        guard looksLikeQuestion(message), TextNormalizer.words(message).count >= 3 else { return false }
        let result = responder.matcher.match(message)
        guard case .answer(let id) = result.decision, assistant.knowledge.intent(id)?.action == .answer else {
            return false
        }
        return result.confidence >= Self.movesOnConfidence
    }

    /// How sure the matcher must be that a message after a check-in is a question of its own.
    static let movesOnConfidence = 0.6

    /// `lead`, then the way back: what else the message said, answered as if said alone, or a question asked
    /// before the answer about safety (`deferred`), or the step again.
    mutating func backFromCheckIn(_ message: String, lead: String, deferred: String? = nil) -> Reply {
        if var carried = carryOver(message) {
            carried.text = lead + "\n\n" + (state.isCollectingCallback ? dialogue[.resume] + " " : "") + carried.text
            return remember(carried)
        }
        if let deferred, var answered = answerDeferred(deferred) {
            answered.text = lead + "\n\n" + answered.text
            return remember(answered)
        }
        return remember(resumeReply(lead: lead))
    }

    /// A question asked with a walk-back ("nah not like that. can i come back to group tho"), answered once the
    /// visitor said they are safe: as usual when open, with the step again mid-form. Nil when it isn't a question.
    private mutating func answerDeferred(_ text: String) -> Reply? {
        guard state.isCollectingCallback else { return openReply(text) }
        let reply = questionOrRepeat(text, prompt: resumePrompt)
        // The step alone (no answer found) is what resumeReply gives anyway.
        return reply.intent == .callback ? nil : reply
    }

    /// `lead` and the current step's question with its options, or `lead` and the offer of a call when open.
    func resumeReply(lead: String?) -> Reply {
        guard state.isCollectingCallback else {
            return Reply(
                text: lead ?? "", intent: .crisisCheck, source: "Safety",
                options: offersCall ? (responder.handoffIntent.map { [$0.label] } ?? []) : [], state: state)
        }
        let step = stepReply(resumePrompt)
        let text = (lead.map { $0 + "\n\n" } ?? "") + dialogue[.resume] + " " + step.text
        return Reply(
            text: text, intent: lead == nil ? .callback : .crisisCheck, source: lead == nil ? dialogue.heading : "Safety",
            options: step.options, state: state)
    }

    /// What else an answer to a check-in said, taken as the answer it would have been on its own: a phone
    /// number at the phone (or name) step, a time at the time step, a question when open. Nil when there is none.
    private mutating func carryOver(_ message: String) -> Reply? {
        if state == .open || state == .ended, let meant = meantQuestion(message) {
            // "no i mean the program, the schedule is killing me": what was meant is answered (QA23 W11).
            return openReply(meant)
        }
        let rest = Self.clauses(of: message).filter { answers.checkIn($0, worrying: .yes) == .unclear }
        guard !rest.isEmpty else { return nil }
        switch state {
        case .callbackPhone:
            guard let number = PhoneNumber.find(in: message) else { return nil }
            phone = number
            return advance(to: bestTime == nil ? .callbackTime : .callbackVoicemail)
        case .callbackName:
            if let number = PhoneNumber.find(in: message) { phone = number }
            // "no lol. its kev": the name is kept, and the form goes on.
            let before = state
            keepFormAnswers(in: rest.joined(separator: ". "))
            return state == before ? nil : stepReply(resumePrompt)
        case .callbackTime:
            guard let time = rest.reversed().compactMap({ readTime($0) }).first else { return nil }
            bestTime = time
            return advance(to: .callbackVoicemail)
        case .open, .ended:
            let question = rest.joined(separator: ". ")
            guard looksLikeQuestion(question) || PhoneNumber.find(in: question) != nil else { return nil }
            return openReply(question)
        case .callbackConsent, .callbackVoicemail, .callbackConfirm:
            return nil
        }
    }

    /// The sentences and clauses of a message ("no, just a rough day. after 5 works" is three).
    static func clauses(of message: String) -> [String] {
        message.clauses(splitAt: ".,;!?\n")
            .map { $0.trimmingSpacesAndTabs() }
            .filter { !$0.isEmpty }
    }
}

/// What the last crisis reply was about.
struct CrisisContext: Sendable, Hashable {
    var category: CrisisCategory
}

/// The crisis a visitor told of, kept for a few messages after the last safety reply: a question about it ("should
/// i let him sleep it off") is answered in its light even a line or two later.
struct CrisisSituation: Sendable, Hashable {
    var category: CrisisCategory
    /// Whether it is someone else's crisis (a friend's overdose, a daughter's words), not the visitor's own.
    var someoneElse: Bool
    /// Whether the full crisis reply (not only a check-in) was given for it: the same crisis told again then gets a
    /// short line, not the whole reply word for word.
    var fullReplyGiven = false
    /// Whether the message that told it spoke of another person ("my son texted me hes done"), though not only of
    /// them: a question about him or her next is about that person.
    var otherNamed = false
    /// The message that told it, in memory only (never logged nor stored): "i build bridges for a living" next is a
    /// misreading only if the two read together no longer alarm.
    var toldIn: String?
    /// How many more messages it is kept for.
    var messagesLeft = CrisisSituation.messagesKept

    /// How many messages a situation is kept for after the last safety reply.
    static let messagesKept = 6

    /// The situation one message later; nil once it is no longer kept.
    var older: CrisisSituation? {
        guard messagesLeft > 1 else { return nil }
        var next = self
        next.messagesLeft -= 1
        return next
    }
}

/// Someone else at risk, as the visitor spoke of them: what the question about them calls them.
enum OtherPerson: Sendable, Hashable {
    case she, he, they

    /// "Is she safe right now?"
    var question: DialogueKey {
        switch self {
        case .she: .otherSafeShe
        case .he: .otherSafeHe
        case .they: .otherSafeThey
        }
    }
}

/// A safety question asked and not yet answered: which crisis it is about, and which answer is the worrying one
/// ("yes" to "are you having thoughts of ending your life?", "no" to "are you safe right now?").
struct PendingCheckIn: Sendable, Hashable {
    var category: CrisisCategory
    var worrying: AnswerWord
    /// The question asked, to ask it again.
    var question: String
    /// A question the visitor asked with their walk-back, answered once they say they are safe.
    var deferred: String?
    /// The person the question is about, when it is someone else.
    var person: OtherPerson?
    /// Whether it was already asked again after an unclear answer.
    var askedAgain = false
}

extension Reply {
    /// `safety`'s question after this answer, in one reply: counted and logged as the answer it is (intent and
    /// source), `crisis` saying that the question about safety came with it.
    fileprivate func before(_ safety: Reply) -> Reply {
        var reply = safety
        reply.text = text + "\n\n" + safety.text
        reply.intent = intent
        reply.source = source
        return reply
    }
}
