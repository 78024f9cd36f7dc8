import Foundation
import Testing

@testable import OpenDoorKit

/// The turns after a crisis reply, read in its light (QA round 12, items 1, 3, 7, 8, 9).
@Suite("After a crisis reply")
struct AfterCrisisTests {
    private var dialogue: DialogueText { ConversationTests.assistant.knowledge.dialogue }

    func conversation(_ lines: [String] = []) -> Conversation {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        for line in lines { _ = reply(conversation.receive(line)) }
        return conversation
    }

    func reply(_ step: Conversation.Step) -> Reply { CheckInTests().reply(step) }

    /// The form up to the name step.
    static let toName = ["can someone call me", "yes"]
    /// The form up to the phone step.
    static let toPhone = ["can someone call me", "yes", "skip"]
    /// The form up to the time step.
    static let toTime = ["can someone call me", "yes", "skip", "470 555 0123"]

    // MARK: - Item 1

    @Test(
        "A follow-up that makes things worse after a crisis reply is a crisis again, never an article or a fallback",
        arguments: [
            ("i want to die", "nah dont call anyone. i have a plan"),
            ("i want to end it tonight", "its fine, the note is written"),
            ("i want to end my life", "no but i have the pills right here"),
            ("i want to die", "i got a plan"),
            ("i wanna kill myself", "already wrote the note tbh"),
            ("i want to die", "its too late"),
            ("kms fr", "ya i got the rope in my hand"),
            ("i want to end it all", "nobody can help me now"),
        ])
    func worseFollowUp(_ first: String, _ then: String) {
        var conversation = conversation()
        #expect(reply(conversation.receive(first)).intent == .crisis)
        let next = reply(conversation.receive(then))
        #expect(next.intent == .crisis, "\(then)")
        #expect(next.crisis)
        #expect(next.text.contains("988") && next.text.contains("911"))
    }

    @Test(
        "Something already taken after a crisis reply gets the overdose reply, 911 first",
        arguments: [
            "too late, already took them", "already took them all lol", "i took em already", "took it all an hour ago",
            "already did it",
        ])
    func alreadyTaken(_ then: String) {
        var conversation = conversation()
        #expect(reply(conversation.receive("i want to kill myself")).intent == .crisis)
        let next = reply(conversation.receive(then))
        #expect(next.intent == .crisis, "\(then)")
        #expect(next.safety?.category == .overdose, "\(then)")
        #expect(next.text.hasPrefix("Call 911 now"), "\(then)")
    }

    @Test("A worse follow-up is read in context mid-form too: the form waits")
    func worseMidForm() {
        var conversation = conversation(Self.toPhone)
        #expect(reply(conversation.receive("i want to die")).intent == .crisis)
        let next = reply(conversation.receive("too late i took them"))
        #expect(next.safety?.category == .overdose)
        #expect(conversation.state == .callbackPhone)
        #expect(!next.text.contains(dialogue[.askPhone]))
    }

    // MARK: - Item 9 and the walk-back

    @Test(
        "A walk-back with a question gets the question's answer and are-you-safe once; then the way back",
        arguments: [
            ("i just want to die", "nah not like that. can i come back to group tho", "yeah im safe"),
            ("i want to die", "no no im fine. can i still come back after 2 months?", "yes im ok"),
        ])
    func walkBackWithQuestion(_ first: String, _ walkBack: String, _ safe: String) {
        var conversation = conversation()
        #expect(reply(conversation.receive(first)).crisis)
        let check = reply(conversation.receive(walkBack))
        #expect(check.intent == IntentID(rawValue: "faq_rejoin") && check.crisis)
        #expect(check.text.lowercased().contains("are you safe right now?"))
        // faq_rejoin's answer ("Yes. It’s more common than you think…") first, the question about safety last.
        #expect(check.text.hasPrefix("Yes."), "\(walkBack)")
        let answer = reply(conversation.receive(safe))
        #expect(answer.text.hasPrefix(dialogue[.checkInAnswered]))
        #expect(!answer.text.contains("Are you safe right now?"))
    }

    @Test("A bare no after a crisis reply gets the safety question, open or mid-form", arguments: [false, true])
    func bareNo(midForm: Bool) {
        var conversation = conversation(midForm ? Self.toName : [])
        #expect(reply(conversation.receive("its Sam. i want to kill myself")).intent == .crisis)
        let next = reply(conversation.receive("no"))
        #expect(next.intent == .crisisCheck)
        #expect(next.text == dialogue[.crisisCheckIn])
        let back = reply(conversation.receive("yes"))
        #expect(back.text.hasPrefix(dialogue[.checkInAnswered]))
        if midForm {
            // "Sam" was kept from the crisis line, and the "no" did not skip anything: the phone step is next.
            #expect(conversation.state == .callbackPhone)
            #expect(back.text.contains(dialogue[.askPhone]))
        }
    }

    @Test("An unsure answer after a crisis reply gets the numbers and are-you-safe; a no then is a crisis")
    func unsureAfterCrisis() {
        var conversation = conversation()
        _ = reply(conversation.receive("i want to die"))
        let next = reply(conversation.receive("idk"))
        #expect(next.text == dialogue[.afterCrisisUnsure])
        #expect(next.crisis)
        #expect(reply(conversation.receive("no")).intent == .crisis)
    }

    // MARK: - Item 8

    @Test("A form answer instead of a yes or no to are-you-safe is kept, and the question asked once more")
    func formAnswerToSafeQuestion() {
        var conversation = conversation(Self.toTime)
        #expect(reply(conversation.receive("idk whenever, i probably wont be around much longer anyway")).crisis)
        #expect(reply(conversation.receive("lol no im fine just tired")).intent == .crisisCheck)
        let again = reply(conversation.receive("evening"))
        #expect(again.text == "Got it: evening. " + dialogue[.safeAskAgain])
        #expect(conversation.state == .callbackVoicemail)
        let back = reply(conversation.receive("ya"))
        #expect(back.text.contains(dialogue[.resume]))
        #expect(conversation.state == .callbackVoicemail)
        _ = reply(conversation.receive("no"))
        #expect(conversation.state == .callbackConfirm)
    }

    @Test("A no to are-you-safe asked once more is still a crisis")
    func noAfterAskAgain() {
        var conversation = conversation(Self.toTime)
        _ = reply(conversation.receive("i want to die"))
        _ = reply(conversation.receive("nah"))
        _ = reply(conversation.receive("mornings"))
        #expect(reply(conversation.receive("no")).intent == .crisis)
    }

    // MARK: - Item 7

    @Test(
        "A form answer on the line that brings a check-in or a crisis reply is kept",
        arguments: [
            (toPhone, "404-555-1234. honestly i cant keep doing this", "nah im ok just tired", ConversationState.callbackTime),
            (toTime, "evenings, if im still around by then", "no lol", .callbackVoicemail),
            (toName, "Alex. everything feels pointless", "no", .callbackPhone),
            (toName, "its Sam. i dont want to be here anymore", "no", .callbackPhone),
            (toName, "i want to die", "no im ok, my name is Jordan", .callbackPhone),
            (toPhone, "i took a bunch of pills", "im ok, it was just 2 advil lol. 4045551234", .callbackTime),
            (toName, "jay, 470.555.0199 and i want to kill myself", "nah", .callbackTime),
        ])
    func formAnswerKept(_ before: [String], _ line: String, _ then: String, _ next: ConversationState) {
        var conversation = conversation(before)
        #expect(reply(conversation.receive(line)).crisis)
        var back = reply(conversation.receive(then))
        if back.text.contains("Are you safe right now?") { back = reply(conversation.receive("yes")) }
        #expect(conversation.state == next, "\(line) / \(then)")
        #expect(back.text.contains(dialogue[Conversation.prompt(of: next)]), "\(line) / \(then)")
    }

    @Test("The kept name reaches the summary")
    func keptNameInSummary() {
        var conversation = conversation(Self.toName)
        _ = reply(conversation.receive("i want to die"))
        _ = reply(conversation.receive("no im ok, my name is Jordan"))
        _ = reply(conversation.receive("yes"))
        _ = reply(conversation.receive("4045551234"))
        _ = reply(conversation.receive("evening"))
        let summary = reply(conversation.receive("no"))
        #expect(summary.text.contains("Name: Jordan"))
        #expect(summary.text.contains("(404) 555-1234"))
    }

    // MARK: - Item 3

    @Test(
        "Someone else's suicidal words get the reply for a worried visitor, asked about them",
        arguments: [
            ("my daughter texted me that she wants to die and i dont know what to do", "Is she safe right now?"),
            ("my friend said she has a plan to kill herself this weekend", "Is she safe right now?"),
            ("my son keeps saying he doesnt want to live anymore", "Is he safe right now?"),
            ("my cousin said they want to kill themselves", "Are they safe right now?"),
            ("my bf said hes gonna kill himself", "Is he safe right now?"),
        ])
    func otherPerson(_ message: String, _ question: String) {
        var conversation = conversation()
        let answer = reply(conversation.receive(message))
        #expect(answer.crisis)
        #expect(answer.text.contains("988") && answer.text.contains("911"), "\(message)")
        #expect(answer.text.hasSuffix(question), "\(message)")
        #expect(answer.safety?.note == "someone else at risk", "\(message)")
        let unsafe = reply(conversation.receive("i dont know"))
        #expect(unsafe.text == dialogue[.otherPersonUnsafe])
    }

    @Test(
        "When the visitor speaks of their own crisis too, the reply is for the visitor",
        arguments: [
            "my mom died and i want to die too", "i told my sister i want to kill myself",
            "my bf left and now i want to end it all",
            "my son is gone and theres no point living anymore", "i gave my dog to my sister. figured i wont need them",
            "tell my mom im sorry",
        ])
    func ownCrisis(_ message: String) {
        var conversation = conversation()
        let answer = reply(conversation.receive(message))
        #expect(answer.crisis, "\(message)")
        #expect(answer.safety?.note != "someone else at risk", "\(message)")
        #expect(!answer.text.contains(dialogue[.otherSafeShe]), "\(message)")
    }

    /// Round 27 (QA31 S2-10): someone else's insult ("she said i should just kill myself") is their words, not the
    /// visitor's wish: never the full crisis reply (a kind check-in would be better still; see the README).
    @Test("Someone else's insult is no full crisis reply", arguments: ["she said i should just kill myself"])
    func insultNotOwnCrisis(_ message: String) {
        var conversation = conversation()
        let answer = reply(conversation.receive(message))
        #expect(answer.intent != .crisis, "\(message)")
    }

    @Test("A line of hundreds of sentences is not checked sentence by sentence for someone else: the visitor's own reply")
    func manySentences() {
        var conversation = conversation()
        let message = String(repeating: "my daughter says she wants to die. ", count: 120)
        let answer = reply(conversation.receive(message))
        #expect(answer.crisis)
        #expect(answer.safety?.note == nil)
    }
}
