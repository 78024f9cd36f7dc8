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
    private var voicemailOK: Bool?
    private var failedPhoneAttempts = 0
    private var answersGiven = 0
    private var offeredCallback = false
    private var afterCrisis = false
    /// The safety question waiting for an answer, if one was just asked.
    private var pendingCheckIn: PendingCheckIn?
    private var lastOptions: [String] = []
    private var greeted = false
    private var callbackSent = false

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
        if let finding = assistant.safety.assess(message) {
            // Anything worrying in answer to a check-in gets the full crisis reply.
            if finding.level == .crisis || pendingCheckIn != nil {
                pendingCheckIn = nil
                return .reply(crisisReply(finding))
            }
            return .reply(checkInReply(finding))
        }
        if message.isEmpty {
            return .reply(remember(ownReply(.empty, options: lastOptions)))
        }
        if let pending = pendingCheckIn {
            pendingCheckIn = nil
            if let reply = checkInAnswer(message, to: pending) { return .reply(reply) }
        }
        if afterCrisis {
            afterCrisis = false
            if assistant.safety.isDenial(message) {
                return .reply(remember(checkIn()))
            }
        }
        let choice = OptionChoice(message, options: lastOptions)
        if choice == .outOfRange, !(state == .callbackTime && BestTime.parse(message) != nil) {
            return .reply(remember(pickReply()))
        }
        let text = choice?.picked ?? message
        if state.isCollectingCallback, answers.cancels(text) {
            discardDraft()
            state = .open
            return .reply(remember(ownReply(.cancelled, options: [])))
        }
        switch state {
        case .open, .ended:
            state = .open
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
        }
        if case .answer = result.decision {
            answersGiven += 1
            if answersGiven >= Self.answersBeforeOffer && !offeredCallback, let handoff = responder.handoffIntent {
                offeredCallback = true
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
            return ownReply(.callbackDeclined, options: [])
        default:
            return questionOrRepeat(text, prompt: .callbackConsent)
        }
    }

    private mutating func nameReply(_ text: String) -> Reply {
        if let number = PhoneNumber.find(in: text) {
            // "it's sam, 470 555 0123": keep the number; a name is optional anyway.
            phone = number
        }
        if dialogue.answer(text, among: [.skip]) != nil {
            name = nil
        } else if let given = Self.name(in: text) {
            name = given
        } else {
            return questionOrRepeat(text, prompt: .askName)
        }
        nameGiven = true
        return advanceAfterName()
    }

    private mutating func advanceAfterName() -> Reply {
        if phone == nil {
            state = .callbackPhone
            return stepReply(.askPhone)
        }
        state = .callbackTime
        return stepReply(.askTime)
    }

    private mutating func phoneReply(_ text: String) -> Reply {
        if let number = PhoneNumber.parse(text) {
            phone = number
            state = .callbackTime
            return stepReply(.askTime)
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
        if let time = TimeAnswer(text, options: dialogue.stepOptions[.callbackTime] ?? []) {
            bestTime = time
            state = .callbackVoicemail
            return stepReply(.askVoicemail)
        }
        if looksLikeQuestion(text) { return questionOrRepeat(text, prompt: .askTime) }
        return stepReply(.timeInvalid)
    }

    private mutating func voicemailReply(_ text: String) -> Reply {
        switch answers.read(text, among: [.discreet, .no, .yes]) {
        case .yes:
            voicemailOK = true
        case .no, .discreet:
            voicemailOK = false
        default:
            if looksLikeQuestion(text) { return questionOrRepeat(text, prompt: .askVoicemail) }
            return stepReply(.voicemailInvalid)
        }
        state = .callbackConfirm
        return stepReply(.summary)
    }

    private mutating func confirmStep(_ text: String) -> Step {
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

    /// What the visitor confirmed, once every step is done.
    private var draft: CallbackDraft? {
        guard let phone, let bestTime, let voicemailOK else { return nil }
        return CallbackDraft(
            name: name, phone: phone, bestTime: bestTime.time, bestTimeSaid: bestTime.said, voicemailOK: voicemailOK)
    }

    private mutating func discardDraft() {
        name = nil
        nameGiven = false
        phone = nil
        bestTime = nil
        voicemailOK = nil
        failedPhoneAttempts = 0
    }

    // MARK: - Questions in the middle of a request

    /// Answers a question asked mid-request and repeats the step; anything else repeats the step.
    private func questionOrRepeat(_ text: String, prompt: DialogueKey) -> Reply {
        let result = responder.matcher.match(text)
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

    private func looksLikeQuestion(_ text: String) -> Bool {
        if text.contains("?") { return true }
        let first = TextNormalizer.words(text).first ?? ""
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
            .replacingOccurrences(
                of: "{request.voicemail}", with: voicemailOK == true ? dialogue[.voicemailYes] : dialogue[.voicemailNo])
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
            text += "\n\n" + dialogue[.resume] + " " + stepReply(resumePrompt).text
        }
        let options = state.isCollectingCallback ? (dialogue.stepOptions[state] ?? []) : (responder.handoffIntent.map { [$0.label] } ?? [])
        return remember(
            Reply(
                text: text, intent: .crisis, source: "Safety", options: options, state: state, crisis: true,
                safety: crisis))
    }

    /// After a crisis reply the visitor said they are fine: ask whether they are safe, and listen to the answer.
    private mutating func checkIn() -> Reply {
        let finding = CrisisAssessment(category: .suicide, level: .check, ruleID: SafetyRuleID(rawValue: "denial/are_you_safe"))
        pendingCheckIn = PendingCheckIn(category: finding.category, worrying: .no)
        return Reply(
            text: dialogue[.crisisCheckIn], intent: .crisisCheck, source: "Safety", options: [], state: state,
            crisis: true, safety: finding)
    }

    /// The check-in question for a worrying message; the visitor's place (a callback step too) is kept.
    private mutating func checkInReply(_ finding: CrisisAssessment) -> Reply {
        logger.notice("crisis check-in", metadata: ["category": "\(finding.category.rawValue)", "rule": "\(finding.ruleID)"])
        pendingCheckIn = PendingCheckIn(category: finding.category, worrying: .yes)
        let text = assistant.knowledge.center.fill(assistant.safety.checkIn(for: finding.category))
        return remember(
            Reply(
                text: text, intent: .crisisCheck, source: "Safety", options: [], state: state, crisis: true,
                safety: finding))
    }

    /// The reply to an answer to a check-in: the crisis reply for a worrying or unsure answer, thanks and the way
    /// back for a reassuring one, nil when the message is not an answer (it is then handled as usual).
    private mutating func checkInAnswer(_ message: String, to pending: PendingCheckIn) -> Reply? {
        let reassuring: AnswerWord = pending.worrying == .yes ? .no : .yes
        let answer = dialogue.answer(message, among: [.unsure, reassuring, pending.worrying])
        if answer == pending.worrying || answer == .unsure {
            let rule = SafetyRuleID(rawValue: "check_in/\(answer == .unsure ? "unsure" : "answered_\(pending.worrying)")")
            return crisisReply(CrisisAssessment(category: pending.category, level: .crisis, ruleID: rule))
        }
        guard answer == reassuring || assistant.safety.isDenial(message) else { return nil }
        var text = dialogue[.checkInAnswered]
        var options = responder.handoffIntent.map { [$0.label] } ?? []
        if state.isCollectingCallback {
            // Back to the step the visitor was at; what they typed before is kept.
            let step = stepReply(resumePrompt)
            text += "\n\n" + dialogue[.resume] + " " + step.text
            options = step.options
        }
        return remember(Reply(text: text, intent: .crisisCheck, source: "Safety", options: options, state: state))
    }

    /// The prompt of the current callback step, to repeat after an interruption.
    private var resumePrompt: DialogueKey {
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

    /// The name in an answer like "sam", "it's Sam", "my name is sam": at most three words, no digits.
    static func name(in text: String) -> String? {
        var words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        let lowered = words.map { $0.lowercased().filter { $0.isLetter } }
        let prefixes: [[String]] = [["my", "name", "is"], ["name", "is"], ["its"], ["im"], ["i", "am"], ["this", "is"], ["call", "me"]]
        for prefix in prefixes where lowered.starts(with: prefix) {
            words.removeFirst(prefix.count)
            break
        }
        guard (1...3).contains(words.count), !text.contains("?"),
            !words.joined().contains(where: \.isNumber)
        else { return nil }
        return CallbackDraft.normalizedName(words.joined(separator: " "))
    }
}

/// A safety question asked and not yet answered: which crisis it is about, and which answer is the worrying one
/// ("yes" to "are you having thoughts of ending your life?", "no" to "are you safe right now?").
struct PendingCheckIn: Sendable, Hashable {
    var category: CrisisCategory
    var worrying: AnswerWord
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
