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
    public internal(set) var state: ConversationState = .open
    /// How the visitor reached us, stored with a callback request.
    public let channel: CallbackChannel
    /// Whether callback requests can be saved now. While false (the store's disk is full or read-only),
    /// a request for a call, and the offer of one, become the center's number instead.
    /// ``respond(to:store:)`` sets it from the store before each message.
    public var callbacksAvailable = true

    let assistant: Assistant
    let logger: Logger
    var name: String?
    private var nameGiven = false
    var phone: PhoneNumber?
    var bestTime: TimeAnswer?
    var voicemail: VoicemailPreference?
    private var failedPhoneAttempts = 0
    private var answersGiven = 0
    private var offeredCallback = false
    /// What the last crisis reply was about, until the next message is read in its light.
    var afterCrisis: CrisisContext?
    /// The safety question waiting for an answer, if one was just asked.
    var pendingCheckIn: PendingCheckIn?
    private var lastOptions: [String] = []
    private var greeted = false
    /// The reference of the request sent in this conversation, if one was: no second one is offered or saved.
    private var sentReference: String?
    var callbackSent: Bool { sentReference != nil }
    /// The visitor said not to call them ("dont call anyone" after a crisis reply): no call is offered again.
    var callRefused = false
    /// Whether a call may be offered (as an option) now.
    var offersCall: Bool { !callbackSent && !callRefused }
    /// A detail is being changed from the summary: once it is given, the summary is shown again.
    private var editing = false
    /// The last reply offered a call (after a few answers): a bare "ok" then is not small talk.
    private var offerShown = false
    /// The visitor read the consent question and said not now: a later yes goes straight to the request.
    private var consentDeclined = false
    /// The name was skipped or refused: the phone question says that's fine first.
    private var nameSkipped = false

    init(assistant: Assistant, channel: CallbackChannel, logger: Logger) {
        self.assistant = assistant
        self.channel = channel
        self.logger = logger
    }

    var dialogue: DialogueText { assistant.knowledge.dialogue }
    var responder: Responder { assistant.responder }
    var answers: StepAnswer { assistant.stepAnswers }

    // MARK: - Turns

    /// The opening reply: who we are, what we can do, a few questions to start with.
    ///
    /// While ``callbacksAvailable`` is false (set it first, or use ``start(store:)``), the welcome offers no call:
    /// it gives the center's number instead.
    public mutating func start() -> Reply {
        var options = dialogue.welcomeOptions.map(responder.label)
        greeted = true
        if !callbacksAvailable, let handoff = responder.handoffIntent { options.removeAll { $0 == handoff.label } }
        let text = dialogue[callbacksAvailable ? .welcome : .welcomeNoCallback]
        return remember(Reply(text: text, intent: .welcome, source: dialogue.heading, options: options, state: state))
    }

    /// The reply to one message, or a request to save a confirmed callback.
    public mutating func receive(_ rawMessage: String) -> Step {
        let message = Self.trimmed(rawMessage)
        let offered = offerShown
        offerShown = false
        // Safety first, in every state, before anything else; then a message read in the light of a crisis reply or
        // a check-in just given (Conversation+Safety.swift).
        if let reply = safetyFirst(message) { return .reply(reply) }
        if message.isEmpty {
            return .reply(remember(ownReply(.empty, options: lastOptions)))
        }
        let choice = OptionChoice(message, options: lastOptions)
        if choice == .outOfRange, !(state == .callbackTime && BestTime.parse(message) != nil) {
            return .reply(remember(pickReply()))
        }
        let text = choice?.picked ?? message
        if state.isCollectingCallback, answers.cancels(text),
            // "dont call before noon" at the time step is a time, not a cancel.
            !(state == .callbackTime && TimeAnswer(text, options: [], words: answers) != nil),
            // "i dont want to give my name" at the name step skips the name, it doesn't drop the request.
            !(state == .callbackName && TextNormalizer.words(text).contains("name"))
        {
            discardDraft()
            state = .open
            // "nevermind i dont deserve help": the cancel is respected, and the hard words get one kind line.
            let key: DialogueKey = answers.contains(text, .selfJudgment) ? .cancelledWorthy : .cancelled
            return .reply(remember(ownReply(key, options: [])))
        }
        switch state {
        case .open, .ended:
            state = .open
            if offered, let answer = offerAnswer(text) { return .reply(remember(answer)) }
            if !offered, let small = smallTalkReply(text) { return .reply(remember(small)) }
            if answers.isMostly(text, .spanish) {
                // Counted as what it is for the center: a message the assistant couldn't answer.
                return .reply(
                    remember(Reply(text: dialogue[.englishOnly], intent: .fallback, source: dialogue.heading, state: state)))
            }
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
        sentReference = request.reference
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

    mutating func openReply(_ text: String) -> Reply {
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
        if case .fallback(nil) = result.decision, reply.text.hasPrefix(dialogue[.fallback]), !looksLikeQuestion(text),
            answers.contains(text, .feeling) || !text.contains(where: \.isLetter)
        {
            // "ugh", "my friend from group died last week", "😔": a feeling is acknowledged, not met with "I don't
            // want to guess", which is for facts the knowledge doesn't have.
            reply.text = dialogue[.fallbackFeeling] + reply.text.dropFirst(dialogue[.fallback].count)
        }
        if !callbacksAvailable, let handoff = responder.handoffIntent {
            // No offer of a call while requests can't be saved: the center's number instead.
            reply.options.removeAll { $0 == handoff.label }
            let contact = dialogue[.fallbackContact]
            if reply.text.hasSuffix(contact) {
                reply.text = String(reply.text.dropLast(contact.count)) + dialogue[.fallbackContactNoCallback]
            }
        }
        if callbackSent, let handoff = responder.handoffIntent {
            // One request per conversation is enough: no second offer once one was sent.
            reply.options.removeAll { $0 == handoff.label }
            let contact = dialogue[.fallbackContact]
            // A fallback, or an answer followed by a topic the knowledge doesn't answer, ends with the contact line.
            if reply.text.hasSuffix(contact) {
                reply.text = String(reply.text.dropLast(contact.count)) + dialogue[.fallbackContactSent]
            }
        }
        if callbacksAvailable, offersCall, reply.text.hasSuffix(dialogue[.fallbackContact]) {
            // "…or I can ask someone to call you.": a "yes" next is a yes to that.
            offerShown = true
        }
        if case .answer = result.decision {
            answersGiven += 1
            if answersGiven >= Self.answersBeforeOffer && !offeredCallback && !callRefused,
                let handoff = responder.handoffIntent
            {
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
        if let sentReference {
            // One request per conversation: the one sent stands (staff would otherwise call twice); a change goes
            // through the center's number.
            let text = dialogue[.callbackAlreadySent].replacingOccurrences(of: "{request.reference}", with: sentReference)
            return Reply(text: text, intent: .callback, source: dialogue.heading, confidence: confidence, state: state)
        }
        guard callbacksAvailable else { return ownReply(.callbackUnavailable, options: []) }
        if let early { phone = early }
        if consentDeclined {
            // "maybe later", then "actually yes now": the consent question was read already; on to the name.
            consentDeclined = false
            state = .callbackName
            return stepReply(.askName, confidence: confidence)
        }
        state = .callbackConsent
        return stepReply(.callbackConsent, confidence: confidence)
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
            // "maybe later", then "actually yes now": a yes next goes back to the request, without the consent
            // question the visitor has already read.
            offerShown = callbacksAvailable
            consentDeclined = true
            return ownReply(.callbackDeclined, options: [])
        default:
            // "470 555 0123" instead of a yes: the number is kept, and the request goes on.
            if let number = PhoneNumber.find(in: text), !looksLikeQuestion(text) {
                phone = number
                state = .callbackName
                return stepReply(.askName)
            }
            return questionOrRepeat(text, prompt: .callbackConsent)
        }
    }

    mutating func nameReply(_ text: String) -> Reply {
        // "im not giving my name" is a skip, not a question about privacy.
        let refused = answers.refusesName(text)
        // "Will" on its own is a name, not a question.
        if !refused, TextNormalizer.words(text).count > 1 || text.contains("?"),
            let asked = questionFirst(text, prompt: .askName)
        {
            return asked
        }
        let skipped = refused || dialogue.answer(text, among: [.skip]) != nil
        let given = skipped ? nil : answers.name(in: text)
        // "this is stupid" is not the name "stupid"; "Sam, this app is stupid" is Sam.
        if !skipped, answers.contains(given ?? text, .hostile) { return questionOrRepeat(text, prompt: .askName) }
        let number = PhoneNumber.find(in: text)
        if let number {
            // "it's sam, 470 555 0123": keep the number; a name is optional anyway.
            phone = number
        }
        if skipped {
            name = nil
        } else if let given {
            name = given
        } else if number != nil {
            // "my number is 470-555-0123 thanks": the number, and no name (it is optional).
            name = nil
        } else {
            // "hello", "ok", "idk", "this is goodbye" are not names: say so, and ask again.
            return questionOrRepeat(text, prompt: .nameUnclear)
        }
        nameGiven = true
        nameSkipped = name == nil && phone == nil && !editing
        return advanceAfterName()
    }

    private mutating func advanceAfterName() -> Reply {
        if phone == nil { return advance(to: .callbackPhone) }
        return advance(to: bestTime == nil ? .callbackTime : .callbackVoicemail)
    }

    /// Goes on to the step `next`, or back to the summary when a detail was being changed and all are given.
    mutating func advance(to next: ConversationState) -> Reply {
        if editing, draft != nil {
            editing = false
            state = .callbackConfirm
            return stepReply(.summary)
        }
        state = next
        var reply = stepReply(Self.prompt(of: next))
        if next == .callbackPhone, nameSkipped {
            nameSkipped = false
            reply.text = dialogue[.nameSkipped] + " " + reply.text
        }
        return reply
    }

    mutating func phoneReply(_ text: String) -> Reply {
        // "four seven zero five five five…" is read as the digits it spells.
        if let number = PhoneNumber.parse(text) ?? PhoneNumber.parse(answers.spelledDigits(in: text) ?? "") {
            phone = number
            return advance(to: .callbackTime)
        }
        // "you people are useless" is not a try at a number.
        if looksLikeQuestion(text) || answers.contains(text, .hostile) {
            return questionOrRepeat(text, prompt: .askPhone)
        }
        // "yes" or "ok" to "Could you type it like (470) 555-0123?" is not a try at a number either.
        if answers.read(text, among: [.yes, .no]) != nil, TextNormalizer.words(text).count <= 3,
            !text.contains(where: \.isNumber)
        {
            return stepReply(failedPhoneAttempts > 1 ? .phoneInvalidAgain : .phoneInvalid)
        }
        failedPhoneAttempts += 1
        if failedPhoneAttempts >= Self.phoneAttempts {
            discardDraft()
            state = .open
            return ownReply(.phoneGiveUp, options: [])
        }
        return stepReply(failedPhoneAttempts > 1 ? .phoneInvalidAgain : .phoneInvalid)
    }

    mutating func timeReply(_ text: String) -> Reply {
        let time = readTime(text)
        // "are there evening groups?" is a question about the program to answer, not a time to keep; "evenings
        // work?" and "is after 5 ok?" offer a time, whatever the matcher makes of them.
        if time == nil || answers.contains(text, .programWords) {
            if let asked = questionFirst(text, prompt: .askTime) { return asked }
            if time != nil, looksLikeQuestion(text) { return questionOrRepeat(text, prompt: .askTime) }
        }
        if let time {
            bestTime = time
            return advance(to: .callbackVoicemail)
        }
        if looksLikeQuestion(text) || answers.contains(text, .hostile) {
            return questionOrRepeat(text, prompt: .askTime)
        }
        return stepReply(.timeInvalid)
    }

    func readTime(_ text: String) -> TimeAnswer? {
        TimeAnswer(text, options: dialogue.stepOptions[.callbackTime] ?? [], words: answers)
    }

    private mutating func voicemailReply(_ text: String) -> Reply {
        if let asked = questionFirst(text, prompt: .askVoicemail) { return asked }
        // "actually make it evening": the time given before is changed, and the voicemail question asked again.
        if answers.contains(text, .change) || TextNormalizer.words(text).first == "actually",
            let time = changedValues(in: text).compactMap({ readTime($0) }).first
        {
            bestTime = time
            var reply = stepReply(.askVoicemail)
            reply.text = dialogue[.detailChanged] + " " + reply.text
            return reply
        }
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
            if looksLikeQuestion(text) || answers.contains(text, .hostile) {
                return questionOrRepeat(text, prompt: .askVoicemail)
            }
            return stepReply(.voicemailInvalid)
        }
        return advance(to: .callbackConfirm)
    }

    private mutating func confirmStep(_ text: String) -> Step {
        if let changed = changeReply(text) { return .reply(remember(changed)) }
        // "send", "no wait yes send it": the button says "Yes, send it". "dont send it" is a no.
        let sends = answers.contains(text, .send) && !answers.contains(text, .callOff)
        // "i dont know if ill even be alive to pick up" is not a cancel: an unsure line never drops the request.
        let unsure = answers.contains(text, .unsure)
        switch sends ? .yes : answers.read(text, among: [.no, .yes]) {
        case .no where unsure:
            return .reply(remember(stepReply(.confirmInvalid)))
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
            if looksLikeQuestion(text) || answers.contains(text, .hostile) {
                return .reply(remember(questionOrRepeat(text, prompt: .summary)))
            }
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
        let values = changedValues(in: text)
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

    /// The new value of a change: what follows the last "to", "is", "be" or "make it" ("change the time to
    /// morning", "actually make it evening").
    private func changedValues(in text: String) -> [String] {
        [" to ", " is ", " be ", " its ", " it’s ", " it's ", "make it "].compactMap { marker in
            text.range(of: marker, options: [.backwards, .caseInsensitive]).map { String(text[$0.upperBound...]) }
        }
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

    mutating func discardDraft() {
        name = nil
        nameGiven = false
        phone = nil
        bestTime = nil
        voicemail = nil
        failedPhoneAttempts = 0
        editing = false
        nameSkipped = false
    }

    // MARK: - Questions in the middle of a request

    /// Answers a question asked mid-request and repeats the step; hostility ("this is stupid", "why the fuck would
    /// i come back") gets a calm word and the step again, never a restart; anything else repeats the step.
    func questionOrRepeat(_ text: String, prompt: DialogueKey, matched: MatchResult? = nil) -> Reply {
        let result = matched ?? responder.matcher.match(text)
        let question = looksLikeQuestion(text)
        let hostile = answers.contains(text, .hostile)
        var answer: Reply?
        switch result.decision {
        case .answer(let id) where assistant.knowledge.intent(id)?.action == .answer && (question || !hostile):
            answer = responder.answer(id, confidence: result.confidence)
        case .fallback(let topic) where question && !hostile:
            answer = responder.fallback(topic: topic, confidence: result.confidence)
        default:
            if hostile {
                answer = Reply(text: dialogue[.hostileMidForm], intent: .fallback, source: dialogue.heading)
            }
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

    func looksLikeQuestion(_ text: String) -> Bool {
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

    func stepReply(_ key: DialogueKey, confidence: Double = 1) -> Reply {
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

    /// The prompt of the current callback step, to repeat after an interruption.
    var resumePrompt: DialogueKey { Self.prompt(of: state) }

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

    /// A short yes or no right after the offer of a call ("ok", "sure", "nah"): the consent question, or "that's
    /// fine"; nil for anything longer, which is read as usual.
    private mutating func offerAnswer(_ text: String) -> Reply? {
        let words = TextNormalizer.words(text)
        guard let first = words.first, words.count <= 4 else { return nil }
        // "nah im good" holds a yes-word too: its first word says it.
        switch answers.read(text, among: [.no, .yes]) ?? answers.read(first, among: [.no]) {
        case .yes: return beginCallback(phone: nil, confidence: 1)
        case .no: return ownReply(.callbackDeclined, options: [])
        default: return nil
        }
    }

    /// A short reply to a bare "ok" or "u there?" in the open conversation (not to an "ok" to an offer of a call).
    private func smallTalkReply(_ text: String) -> Reply? {
        if answers.isOnly(text, .ack) {
            return Reply(
                text: dialogue[.okAgain], intent: .welcome, source: dialogue.heading,
                options: offersCall ? (responder.handoffIntent.map { [$0.label] } ?? []) : [], state: state)
        }
        if answers.isOnly(text, .presence) {
            return Reply(text: dialogue[.stillHere], intent: .welcome, source: dialogue.heading, state: state)
        }
        if answers.isOnly(text, .shortReply) {
            // "no", "yes" or "lol" with nothing before it to answer: not a frustration, not a question.
            return Reply(
                text: dialogue[.openNudge], intent: .welcome, source: dialogue.heading,
                options: offersCall && callbacksAvailable ? (responder.handoffIntent.map { [$0.label] } ?? []) : [],
                state: state)
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

    mutating func remember(_ reply: Reply) -> Reply {
        lastOptions = reply.options
        return reply
    }

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
