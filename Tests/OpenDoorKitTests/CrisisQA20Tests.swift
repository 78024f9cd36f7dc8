import Foundation
import Testing

@testable import OpenDoorKit

/// The crisis replies fitted to who is at risk and what kind of danger, and the turns after them (QA20, s18-crisis).
@Suite("Crisis replies for who is at risk (QA20)")
struct CrisisQA20Tests {
    private func conversation(_ lines: [String] = []) -> Conversation { AfterCrisisTests().conversation(lines) }

    private func reply(_ step: Conversation.Step) -> Reply { CheckInTests().reply(step) }

    @Test(
        "A clause opened by a joiner with no subject of its own goes on with the subject before it",
        arguments: [
            ("and said goodbye", true), ("then hung up", true), ("and stopped answering her phone", true),
            ("and everyone would be better off", false), ("and i want to die too", false), ("said goodbye", false),
            ("and", false), ("but it was years ago", false),
        ])
    func continuesSubject(_ clause: String, _ expected: Bool) {
        #expect(Conversation.continuesSubject(clause) == expected, "\(clause)")
    }

    @Test(
        "Danger told of a child, or caused by the visitor, gets its own reply; the visitor's own danger the category's",
        arguments: [
            ("my ex is drunk and high and has my 4 year old in the car right now driving around", DialogueKey.crisisDangerOther),
            ("i bought a knife and im going to stab my stepdad when he gets home tonight", .crisisDangerByVisitor),
            ("imma shoot that guy tonight i know where he lives", .crisisDangerByVisitor),
            ("my sister just called screaming that her husband is choking her", .crisisDangerSomeoneElse),
            ("my moms boyfriend is beating her right now, i can hear it through the wall", .crisisDangerSomeoneElse),
            ("they took her phone and wont let her leave the motel room", .crisisDangerSomeoneElse),
        ])
    func dangerKey(_ message: String, _ key: DialogueKey) {
        let conversation = conversation()
        #expect(conversation.replyKey(for: .danger, message: message) == key, "\(message)")
    }

    @Test("The visitor hurt with the children keeps the danger reply for the visitor")
    func dangerToVisitorWithChildren() {
        let conversation = conversation()
        #expect(conversation.replyKey(for: .danger, message: "my boyfriend hit me and the kids tonight") == nil)
        #expect(conversation.replyKey(for: .danger, message: "he has a gun and says hes going to kill us") == nil)
        #expect(conversation.replyKey(for: .danger, message: "he keeps saying im going to kill you tonight") == nil)
        // Someone else named beside the visitor's own danger: the visitor's reply.
        #expect(conversation.replyKey(for: .danger, message: "he hit her and then he hit me") == nil)
        #expect(conversation.replyKey(for: .danger, message: "her ex is outside and says he will hurt us") == nil)
    }

    @Test(
        "One's own overdose gets the reply without someone else's lines; someone else's keeps the category's",
        arguments: [
            ("i took 20 of my pills", true), ("i just swallowed the whole bottle of my klonopin", true),
            ("my friend took a bunch of pills and shes barely breathing", false),
            ("my boyfriend took something and wont wake up", false),
        ])
    func overdoseKey(_ message: String, _ own: Bool) {
        let conversation = conversation()
        #expect((conversation.replyKey(for: .overdose, message: message) == .crisisOverdoseSelf) == own, "\(message)")
    }

    @Test("A yes that names the voicemail is about the voicemail; a plain yes is not",
        arguments: [
            ("voicemail is fine", true), ("a message is ok", true), ("yes", false), ("no voicemail", false),
            ("voicemail but dont say the name", false),
        ])
    func voicemailYes(_ clause: String, _ expected: Bool) {
        #expect(conversation().saysVoicemailYes(clause) == expected, "\(clause)")
    }

    @Test(
        "After the visitor's own overdose reply, whatever comes next starts with 911, never 'if you're in danger'",
        arguments: ["ok", "just send it", "idk", "whatever", "can i still come back"])
    func overdoseAgain(_ then: String) {
        var conversation = conversation()
        #expect(reply(conversation.receive("i just took all my seroquel")).intent == .crisis)
        let next = reply(conversation.receive(then))
        #expect(next.crisis, "\(then)")
        #expect(next.text.contains("911"), "\(then)")
        #expect(!next.text.contains("call 911 if you’re in danger"), "\(then)")
    }

    @Test(
        "Once a request was sent, an overdose reply ends with 911 now and that the center still calls; a suicide reply keeps 988",
        arguments: [("i just took all my seroquel, like 30", true), ("i want to kill myself", false)])
    func sentThenCrisis(_ message: String, _ emergency: Bool) {
        var conversation = conversation()
        let replies = FormQA19Tests.replies(
            ["call me", "yes", "Zo", "470 555 0171", "evening", "no voicemail", "yes", message], in: &conversation)
        guard let next = replies.last else { return }
        #expect(replies.dropLast().last?.text.contains("KMV-FD8") == true)
        #expect(next.intent == .crisis)
        #expect(next.text.contains("Don’t wait for that call: call 911 now.") == emergency)
        #expect(next.text.contains("If you can’t wait") == !emergency)
    }
}
