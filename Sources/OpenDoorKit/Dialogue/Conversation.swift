import Foundation
import Logging

/// One visitor's conversation: a value-type state machine that turns each message into one reply.
///
/// It has no side effects but logging: when the visitor confirms a callback request, ``receive(_:)``
/// returns ``Step/save(_:)`` and the caller saves the draft, then reports the outcome with
/// ``saved(_:)`` or ``saveFailed(_:)``, so nothing is told "saved" before it is.
public struct Conversation: Sendable {
    /// What the caller does next.
    public enum Step: Sendable, Hashable {
        /// Show this reply.
        case reply(Reply)
        /// Save this confirmed request, then call ``saved(_:)`` or ``saveFailed(_:)`` for the reply.
        case save(CallbackDraft)
    }

    /// How many answers come before a callback is offered (once, never pushed).
    public static let answersBeforeOffer = 3
    /// How many unreadable phone numbers before the center's number is offered instead.
    public static let phoneAttempts = 3

    /// Where the conversation is.
    public private(set) var state: ConversationState = .open
    /// How the visitor reached us, stored with a callback request.
    public let channel: CallbackChannel
    /// Whether callback requests can be saved now. While false (the store's disk is full or read-only),
    /// a request for a call, and the offer of one, become the center's number instead.
    /// ``respond(to:store:)`` sets it from the store before each message.
    public var callbacksAvailable = true

    let assistant: Assistant
    let logger: Logger
    private var name: String?
    private var nameGiven = false
    private var phone: PhoneNumber?
    private var bestTime: TimeAnswer?
    private var voicemail: VoicemailPreference?
    private var failedPhoneAttempts = 0
    private var answersGiven = 0
    private var offeredCallback = false
    private var afterCrisis = false
    /// The safety question waiting for an answer, if one was just asked.
    private var pendingCheckIn: PendingCheckIn?
    private var lastOptions: [String] = []
    private var greeted = false
    private var callbackSent = false
    /// A detail is being changed from the summary: once it is given, the summary is shown again.
    private var editing = false
    /// The last reply offered a call (after a few answers): a bare "ok" then is not small talk.
    private var offerShown = false

    init(assistant: Assistant, channel: CallbackChannel, logger: Logger) {
        self.assistant = assistant
        self.channel = channel
        self.logger = logger
    }

    private var dialogue: DialogueText { assistant.knowledge.dialogue }
    private var responder: Responder { assistant.responder }
    private var answers: StepAnswer { assistant.stepAnswers }

    // MARK: - Turns

    /// The opening reply: who we are, what we can do, a few questions to start with.
    public mutating func start() -> Reply {
        let options = dialogue.welcomeOptions.map(responder.label)
        greeted = true
        return remember(
            Reply(text: dialogue[.welcome], intent: .welcome, source: dialogue.heading, options: options, state: state))
    }

    /// The reply to one message, or a request to save a confirmed callback.
    public mutating func receive(_ rawMessage: String) -> Step {
        let message = Self.trimmed(rawMessage)
        // Safety first, in every state, before anything else.
        let offered = offerShown
        offerShown = false
        if let finding = assistant.safety.assess(message) {
            // Anything worrying in answer to a check-in gets the full crisis reply: of the check-in's category
            // when the message itself is only worrying ("sometimes i wish i wouldnt wake up" after the question
            // about suicide), of its own when it is clear danger ("no. i took them all").
            if let pending = pendingCheckIn {
                pendingCheckIn = nil
                var crisis = finding
                if finding.level != .crisis { crisis.category = pending.category }
                return .reply(crisisReply(crisis))
            }
            if finding.level == .crisis { return .reply(crisisReply(finding)) }
            return .reply(checkInReply(finding, message: message))
        }
        if message.isEmpty {
            return .reply(remember(ownReply(.empty, options: lastOptions)))
        }
        if let pending = pendingCheckIn {
            // An answer to a check-in is read as one: yes, no, or asked again; never a form answer. Only a
            // question the knowledge clearly answers moves on ("what if i relapsed").
            if let reply = checkInAnswer(message, to: pending) { return .reply(reply) }
        }
        if afterCrisis {
            afterCrisis = false
            if assistant.safety.isDenial(message) {
                return .reply(remember(checkIn()))
            }
            if state.isCollectingCallback, TextNormalizer.words(message).count <= 4,
                answers.read(message, among: [.no, .yes]) == .yes
            {
                // The crisis reply said the request is kept: a yes goes back to it, it doesn't answer the step.
                return .reply(remember(resumeReply(lead: nil)))
            }
        }
        let choice = OptionChoice(message, options: lastOptions)
        if choice == .outOfRange, !(state == .callbackTime && BestTime.parse(message) != nil) {
            return .reply(remember(pickReply()))
        }
        let text = choice?.picked ?? message
        if state.isCollectingCallback, answers.cancels(text),
            // "dont call before noon" at the time step is a time, not a cancel.
            !(state == .callbackTime && TimeAnswer(text, options: [], words: answers) != nil)
        {
            discardDraft()
            state = .open
            return .reply(remember(ownReply(.cancelled, options: [])))
        }
        switch state {
        case .open, .ended:
            state = .open
            if !offered, let small = smallTalkReply(text) { return .reply(remember(small)) }
            return .reply(remember(openReply(text)))
        case .callbackConsent:
            return .reply(remember(consentReply(text)))
        case .callbackName:
            return .reply(remember(nameReply(text)))
        case .callbackPhone:
            return .reply(remember(phoneReply(text)))
        case .callbackTime:
            return .reply(remember(timeReply(text)))
        case .callbackVoicemail:
            return .reply(remember(voicemailReply(text)))
        case .callbackConfirm:
            return confirmStep(text)
        }
    }

    /// The reply once the confirmed request was committed to the store.
    public mutating func saved(_ request: CallbackRequest) -> Reply {
        discardDraft()
        state = .open
        callbackSent = true
        logger.info("callback saved", metadata: ["reference": "\(request.reference)", "channel": "\(channel)"])
        let text = dialogue[.saved].replacingOccurrences(of: "{request.reference}", with: request.reference)
        return remember(Reply(text: text, intent: .callback, source: dialogue.heading, state: state))
    }

    /// The reply when saving failed: say so plainly and give the center's number. Nothing was kept.
    public mutating func saveFailed(_ error: any Error) -> Reply {
        discardDraft()
        state = .open
        logger.error("callback save failed", metadata: ["error": "\(type(of: error))"])
        return remember(ownReply(.saveFailed, options: []))
    }

    // MARK: - Open questions

    private mutating func openReply(_ text: String) -> Reply {
        if let courtesy = courtesyReply(text) { return courtesy }
        // `assistant.responder` rather than `responder`: the computed property copies the responder.
        let result = assistant.responder.matcher.match(text)
        let early = PhoneNumber.find(in: text)
        if case .answer(let id) = result.decision, let action = assistant.responder.action(of: id) {
            switch action {
            case .handoff:
                return beginCallback(phone: early, confidence: result.confidence)
            case .goodbye:
                state = .ended
                return responder.answer(id, confidence: result.confidence).with(state: state, options: [])
            case .answer, .fallback:
                break
            }
        }
        if let early {
            // A number on its own, or with a question we can't place, means "call me".
            return beginCallback(phone: early, confidence: 1)
        }
        var reply = assistant.responder.reply(for: result)
        reply.state = state
        if callbackSent, let handoff = responder.handoffIntent {
            // One request per conversation is enough: no second offer once one was sent.
            reply.options.removeAll { $0 == handoff.label }
            let contact = dialogue[.fallbackContact]
            // A fallback, or an answer followed by a topic the knowledge doesn't answer, ends with the contact line.
            if reply.text.hasSuffix(contact) {
                reply.text = String(reply.text.dropLast(contact.count)) + dialogue[.fallbackContactSent]
            }
        }
        if case .answer = result.decision {
            answersGiven += 1
            if answersGiven >= Self.answersBeforeOffer && !offeredCallback, let handoff = responder.handoffIntent {
                offeredCallback = true
                offerShown = true
                reply.text += "\n\n" + dialogue[callbacksAvailable ? .callbackOffer : .callbackUnavailable]
                if callbacksAvailable && !reply.options.contains(handoff.label) { reply.options.append(handoff.label) }
            }
        }
        return reply
    }

    private mutating func beginCallback(phone early: PhoneNumber?, confidence: Double) -> Reply {
        offeredCallback = true
        guard callbacksAvailable else { return ownReply(.callbackUnavailable, options: []) }
        if let early { phone = early }
        state = .callbackConsent
        var reply = stepReply(.callbackConsent, confidence: confidence)
        if callbackSent {
            // A request was already sent in this conversation: say so before asking about another one.
            reply.text = dialogue[.callbackAlreadySent] + " " + reply.text
        }
        return reply
    }

    // MARK: - Callback steps

    private mutating func consentReply(_ text: String) -> Reply {
        switch answers.read(text, among: [.no, .yes]) {
        case .yes:
            state = .callbackName
            return stepReply(.askName)
        case .no:
            discardDraft()
            state = .open
            return ownReply(.callbackDeclined, options: [])
        default:
            return questionOrRepeat(text, prompt: .callbackConsent)
        }
    }

    private mutating func nameReply(_ text: String) -> Reply {
        if let asked = questionFirst(text, prompt: .askName) { return asked }
        let number = PhoneNumber.find(in: text)
        if let number {
            // "it's sam, 470 555 0123": keep the number; a name is optional anyway.
            phone = number
        }
        if dialogue.answer(text, among: [.skip]) != nil {
            name = nil
        } else if let given = answers.name(in: text) {
            name = given
        } else if number != nil {
            // "my number is 470-555-0123 thanks": the number, and no name (it is optional).
            name = nil
        } else {
            // "hello", "ok", "idk", "this is goodbye" are not names: say so, and ask again.
            return questionOrRepeat(text, prompt: .nameUnclear)
        }
        nameGiven = true
        return advanceAfterName()
    }

    private mutating func advanceAfterName() -> Reply {
        if phone == nil { return advance(to: .callbackPhone) }
        return advance(to: bestTime == nil ? .callbackTime : .callbackVoicemail)
    }

    /// Goes on to the step `next`, or back to the summary when a detail was being changed and all are given.
    private mutating func advance(to next: ConversationState) -> Reply {
        if editing, draft != nil {
            editing = false
            state = .callbackConfirm
            return stepReply(.summary)
        }
        state = next
        return stepReply(Self.prompt(of: next))
    }

    private mutating func phoneReply(_ text: String) -> Reply {
        if let number = PhoneNumber.parse(text) {
            phone = number
            return advance(to: .callbackTime)
        }
        if looksLikeQuestion(text) { return questionOrRepeat(text, prompt: .askPhone) }
        failedPhoneAttempts += 1
        if failedPhoneAttempts >= Self.phoneAttempts {
            discardDraft()
            state = .open
            return ownReply(.phoneGiveUp, options: [])
        }
        return stepReply(.phoneInvalid)
    }

    private mutating func timeReply(_ text: String) -> Reply {
        // "are there evening groups?" is a question to answer, not a time to keep.
        if let asked = questionFirst(text, prompt: .askTime) { return asked }
        if let time = readTime(text) {
            bestTime = time
            return advance(to: .callbackVoicemail)
        }
        if looksLikeQuestion(text) { return questionOrRepeat(text, prompt: .askTime) }
        return stepReply(.timeInvalid)
    }

    private func readTime(_ text: String) -> TimeAnswer? {
        TimeAnswer(text, options: dialogue.stepOptions[.callbackTime] ?? [], words: answers)
    }

    private mutating func voicemailReply(_ text: String) -> Reply {
        if let asked = questionFirst(text, prompt: .askVoicemail) { return asked }
        // "no voicemail please" is none at all, never a discreet message; a plain no to "may they leave a
        // voicemail?" is none too.
        switch answers.read(text, among: [.noVoicemail, .discreet, .no, .yes]) {
        case .yes:
            voicemail = .allowed
        case .discreet:
            voicemail = .discreet
        case .no, .noVoicemail:
            voicemail = .noVoicemail
        default:
            if looksLikeQuestion(text) { return questionOrRepeat(text, prompt: .askVoicemail) }
            return stepReply(.voicemailInvalid)
        }
        return advance(to: .callbackConfirm)
    }

    private mutating func confirmStep(_ text: String) -> Step {
        if let changed = changeReply(text) { return .reply(remember(changed)) }
        switch answers.read(text, among: [.no, .yes]) {
        case .yes:
            guard let draft else {
                state = .open
                return .reply(remember(ownReply(.cancelled, options: [])))
            }
            return .save(draft)
        case .no:
            discardDraft()
            state = .open
            return .reply(remember(ownReply(.cancelled, options: [])))
        default:
            if looksLikeQuestion(text) { return .reply(remember(questionOrRepeat(text, prompt: .summary))) }
            return .reply(remember(stepReply(.confirmInvalid)))
        }
    }

    /// A change asked for at the summary: "change the time to morning" or "my number is wrong, its 470 555 0999"
    /// change it and show the summary again; "the name is wrong" asks for that detail again, then the summary.
    private mutating func changeReply(_ text: String) -> Reply? {
        if let number = PhoneNumber.find(in: text) {
            phone = number
            return stepReply(.summary)
        }
        guard answers.contains(text, .change) else { return nil }
        // The new value is what follows the last "to", "is" or "be": "change the time to morning".
        let values = [" to ", " is ", " be ", " its ", " it’s ", " it's "].compactMap { marker in
            text.range(of: marker, options: [.backwards, .caseInsensitive]).map { String(text[$0.upperBound...]) }
        }
        if answers.contains(text, .timeField) || values.contains(where: { readTime($0) != nil }) {
            if let time = values.compactMap({ readTime($0) }).first {
                bestTime = time
                return stepReply(.summary)
            }
            return editStep(.callbackTime)
        }
        if answers.contains(text, .phoneField) { return editStep(.callbackPhone) }
        if answers.contains(text, .voicemailField) { return editStep(.callbackVoicemail) }
        if answers.contains(text, .nameField) {
            if let given = values.compactMap({ answers.name(in: $0) }).first {
                name = given
                return stepReply(.summary)
            }
            return editStep(.callbackName)
        }
        return nil
    }

    private mutating func editStep(_ step: ConversationState) -> Reply {
        editing = true
        state = step
        return stepReply(Self.prompt(of: step))
    }

    /// What the visitor confirmed, once every step is done.
    private var draft: CallbackDraft? {
        guard let phone, let bestTime, let voicemail else { return nil }
        return CallbackDraft(
            name: name, phone: phone, bestTime: bestTime.time, bestTimeSaid: bestTime.said, voicemail: voicemail)
    }

    private mutating func discardDraft() {
        name = nil
        nameGiven = false
        phone = nil
        bestTime = nil
        voicemail = nil
        failedPhoneAttempts = 0
        editing = false
    }

    // MARK: - Questions in the middle of a request

    /// Answers a question asked mid-request and repeats the step; anything else repeats the step.
    private func questionOrRepeat(_ text: String, prompt: DialogueKey, matched: MatchResult? = nil) -> Reply {
        let result = matched ?? responder.matcher.match(text)
        var answer: Reply?
        switch result.decision {
        case .answer(let id) where assistant.knowledge.intent(id)?.action == .answer:
            answer = responder.answer(id, confidence: result.confidence)
        case .fallback(let topic) where looksLikeQuestion(text):
            answer = responder.fallback(topic: topic, confidence: result.confidence)
        default:
            break
        }
        let step = stepReply(prompt)
        guard var reply = answer else { return step }
        reply.text += "\n\n" + dialogue[.resume] + " " + step.text
        reply.options = step.options
        reply.state = state
        return reply
    }

    /// A question asked at a step ("hmm actually what time do groups even meet") that the knowledge answers:
    /// answered, then the step is asked again. Nil for anything else, which the step reads as its answer.
    private func questionFirst(_ text: String, prompt: DialogueKey) -> Reply? {
        guard looksLikeQuestion(text) else { return nil }
        let result = responder.matcher.match(text)
        guard case .answer(let id) = result.decision, assistant.knowledge.intent(id)?.action == .answer else {
            return nil
        }
        return questionOrRepeat(text, prompt: prompt, matched: result)
    }

    private func looksLikeQuestion(_ text: String) -> Bool {
        if text.contains("?") { return true }
        let words = TextNormalizer.words(text)
        let lead = answers.leadingFillers(in: words.map { Substring($0) })
        let first = lead < words.count ? words[lead] : ""
        let starters: Set<String> = [
            "what", "whats", "how", "will", "can", "could", "do", "does", "is", "are", "would", "who", "when",
            "where", "why", "wait", "should", "am",
        ]
        return starters.contains(first)
    }

    // MARK: - Replies

    private func stepReply(_ key: DialogueKey, confidence: Double = 1) -> Reply {
        var text = dialogue[key]
        if key == .summary { text = summaryText(text) }
        return Reply(
            text: text, intent: .callback, source: dialogue.heading, confidence: confidence,
            options: dialogue.stepOptions[state] ?? [], state: state)
    }

    private func summaryText(_ template: String) -> String {
        template
            .replacingOccurrences(of: "{request.name}", with: name ?? dialogue[.noName])
            .replacingOccurrences(of: "{request.phone}", with: phone?.display ?? "")
            .replacingOccurrences(of: "{request.time}", with: bestTime?.display ?? "")
            .replacingOccurrences(of: "{request.voicemail}", with: voicemailText)
    }

    /// The voicemail choice as the summary reads it back.
    private var voicemailText: String {
        switch voicemail {
        case .allowed?: dialogue[.voicemailYes]
        case .discreet?: dialogue[.voicemailNo]
        case .noVoicemail?: dialogue[.voicemailNone]
        case nil: ""
        }
    }

    private func ownReply(_ key: DialogueKey, options: [String]) -> Reply {
        Reply(text: dialogue[key], intent: .callback, source: dialogue.heading, options: options, state: state)
    }

    private mutating func crisisReply(_ finding: CrisisAssessment) -> Reply {
        afterCrisis = true
        var crisis = finding
        crisis.level = .crisis
        logger.warning("crisis", metadata: ["category": "\(crisis.category.rawValue)", "rule": "\(crisis.ruleID)"])
        var text = assistant.knowledge.center.fill(assistant.safety.reply(for: crisis.category))
        if state.isCollectingCallback {
            // Not the step's question nor its buttons in the same breath: the next "yes" is not a form answer.
            text += "\n\n" + dialogue[.crisisRequestKept]
        }
        let options = state.isCollectingCallback ? [] : (responder.handoffIntent.map { [$0.label] } ?? [])
        return remember(
            Reply(
                text: text, intent: .crisis, source: "Safety", options: options, state: state, crisis: true,
                safety: crisis))
    }

    /// After a crisis reply the visitor said they are fine: ask whether they are safe, and listen to the answer.
    private mutating func checkIn() -> Reply {
        let finding = CrisisAssessment(category: .suicide, level: .check, ruleID: SafetyRuleID(rawValue: "denial/are_you_safe"))
        pendingCheckIn = PendingCheckIn(category: finding.category, worrying: .no, question: dialogue[.crisisCheckIn])
        return Reply(
            text: dialogue[.crisisCheckIn], intent: .crisisCheck, source: "Safety", options: [], state: state,
            crisis: true, safety: finding)
    }

    /// The check-in question for a worrying message; the visitor's place (a callback step too) is kept.
    ///
    /// The learned model only says "worrying"; when the message is about someone else who took something
    /// ("my bf took something and hes acting off"), the check-in asks about an overdose, not about suicide.
    private mutating func checkInReply(_ finding: CrisisAssessment, message: String) -> Reply {
        var finding = finding
        if finding.ruleID == SafetyModel.ruleID, finding.category == .suicide, answers.contains(message, .otherPerson),
            answers.contains(message, .useHint)
        {
            finding.category = .overdose
        }
        logger.notice("crisis check-in", metadata: ["category": "\(finding.category.rawValue)", "rule": "\(finding.ruleID)"])
        let text = assistant.knowledge.center.fill(assistant.safety.checkIn(for: finding.category))
        pendingCheckIn = PendingCheckIn(category: finding.category, worrying: .yes, question: text)
        return remember(
            Reply(
                text: text, intent: .crisisCheck, source: "Safety", options: [], state: state, crisis: true,
                safety: finding))
    }

    /// The reply to an answer to a check-in: the crisis reply for a worrying answer (a yes, unsure, or a no with
    /// something alarming), thanks and the way back for a reassuring one (with what else was typed in the same
    /// line: "no. 470 555 0123"), the question once more, gently, for anything else.
    private mutating func checkInAnswer(_ message: String, to pending: PendingCheckIn) -> Reply? {
        pendingCheckIn = nil
        let reading = answers.checkIn(message, worrying: pending.worrying)
        // After "are you safe right now?" (asked after a denial), anything else is handled as usual ("Jo" at the
        // name step); after the first question, only a question the knowledge clearly answers moves on.
        if reading == .unclear, pending.worrying == .no || movesOn(message) { return nil }
        switch reading {
        case .worrying:
            let rule = SafetyRuleID(rawValue: "check_in/answered_\(pending.worrying)")
            return crisisReply(CrisisAssessment(category: pending.category, level: .crisis, ruleID: rule))
        case .reassuring:
            return backFromCheckIn(message, lead: dialogue[.checkInAnswered])
        case .unclear where !pending.askedAgain:
            var again = pending
            again.askedAgain = true
            pendingCheckIn = again
            let finding = CrisisAssessment(
                category: pending.category, level: .check, ruleID: SafetyRuleID(rawValue: "check_in/asked_again"))
            return remember(
                Reply(
                    text: dialogue[.checkInAgain] + "\n\n" + pending.question, intent: .crisisCheck, source: "Safety",
                    options: [], state: state, crisis: true, safety: finding))
        case .unclear:
            // Asked twice: no more asking; 988 once more, and back to where the visitor was.
            var reply = backFromCheckIn(message, lead: dialogue[.checkInRelease])
            reply.crisis = true
            return reply
        }
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

    /// `lead`, then the way back: what else the message said, answered as if said alone, or the step again.
    private mutating func backFromCheckIn(_ message: String, lead: String) -> Reply {
        if var carried = carryOver(message) {
            carried.text = lead + "\n\n" + (state.isCollectingCallback ? dialogue[.resume] + " " : "") + carried.text
            return remember(carried)
        }
        return remember(resumeReply(lead: lead))
    }

    /// `lead` and the current step's question with its options, or `lead` and the offer of a call when open.
    private func resumeReply(lead: String?) -> Reply {
        guard state.isCollectingCallback else {
            return Reply(
                text: lead ?? "", intent: .crisisCheck, source: "Safety",
                options: responder.handoffIntent.map { [$0.label] } ?? [], state: state)
        }
        let step = stepReply(resumePrompt)
        let text = (lead.map { $0 + "\n\n" } ?? "") + dialogue[.resume] + " " + step.text
        return Reply(text: text, intent: lead == nil ? .callback : .crisisCheck, source: lead == nil ? dialogue.heading : "Safety",
            options: step.options, state: state)
    }

    /// What else an answer to a check-in said, taken as the answer it would have been on its own: a phone
    /// number at the phone (or name) step, a time at the time step, a question when open. Nil when there is none.
    private mutating func carryOver(_ message: String) -> Reply? {
        let rest = Self.clauses(of: message).filter { answers.checkIn($0, worrying: .yes) == .unclear }
        guard !rest.isEmpty else { return nil }
        switch state {
        case .callbackPhone:
            guard let number = PhoneNumber.find(in: message) else { return nil }
            phone = number
            return advance(to: bestTime == nil ? .callbackTime : .callbackVoicemail)
        case .callbackName:
            if let number = PhoneNumber.find(in: message) { phone = number }
            return nil
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
        message.split(whereSeparator: { ".,;!?\n".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    /// The prompt of the current callback step, to repeat after an interruption.
    private var resumePrompt: DialogueKey { Self.prompt(of: state) }

    /// The question of a callback step.
    static func prompt(of state: ConversationState) -> DialogueKey {
        switch state {
        case .callbackConsent: .callbackConsent
        case .callbackName: .askName
        case .callbackPhone: .askPhone
        case .callbackTime: .askTime
        case .callbackVoicemail: .askVoicemail
        case .callbackConfirm: .summary
        case .open, .ended: .empty
        }
    }

    /// "Please pick 1 or 2", with the same options again.
    private func pickReply() -> Reply {
        let numbers = OptionChoice.numbers(lastOptions.count, or: dialogue[.choicesOr])
        let text = dialogue[.pickOption].replacingOccurrences(of: "{choices}", with: numbers)
        return Reply(text: text, intent: .callback, source: dialogue.heading, options: lastOptions, state: state)
    }

    /// A short reply to a bare "ok" or "u there?" in the open conversation (not to an "ok" to an offer of a call).
    private func smallTalkReply(_ text: String) -> Reply? {
        if answers.isOnly(text, .ack) {
            return Reply(
                text: dialogue[.okAgain], intent: .welcome, source: dialogue.heading,
                options: callbackSent ? [] : (responder.handoffIntent.map { [$0.label] } ?? []), state: state)
        }
        if answers.isOnly(text, .presence) {
            return Reply(text: dialogue[.stillHere], intent: .welcome, source: dialogue.heading, state: state)
        }
        return nil
    }

    /// A short reply to a hello after the welcome, or to a thank-you after a request was sent.
    private func courtesyReply(_ text: String) -> Reply? {
        if greeted, answers.isOnly(text, .hello) {
            return Reply(text: dialogue[.helloAgain], intent: .welcome, source: dialogue.heading, state: state)
        }
        if callbackSent, answers.isOnly(text, .thanks) {
            return Reply(text: dialogue[.thanksAfterCallback], intent: .callback, source: dialogue.heading, state: state)
        }
        return nil
    }

    /// The message without leading and trailing whitespace.
    ///
    /// Most messages start and end with a printable ASCII character, which is never whitespace nor part of a
    /// character that starts with whitespace: those are taken as they are, without walking characters.
    static func trimmed(_ message: String) -> String {
        let printable: ClosedRange<UInt8> = 0x21...0x7E
        if let first = message.utf8.first, let last = message.utf8.last, printable.contains(first),
            printable.contains(last)
        {
            return message
        }
        return message.trimmingWhitespace()
    }

    private mutating func remember(_ reply: Reply) -> Reply {
        lastOptions = reply.options
        return reply
    }

}

/// A safety question asked and not yet answered: which crisis it is about, and which answer is the worrying one
/// ("yes" to "are you having thoughts of ending your life?", "no" to "are you safe right now?").
struct PendingCheckIn: Sendable, Hashable {
    var category: CrisisCategory
    var worrying: AnswerWord
    /// The question asked, to ask it again.
    var question: String
    /// Whether it was already asked again after an unclear answer.
    var askedAgain = false
}

extension Reply {
    /// The same reply in another state with other options.
    func with(state: ConversationState, options: [String]) -> Reply {
        var copy = self
        copy.state = state
        copy.options = options
        return copy
    }
}
