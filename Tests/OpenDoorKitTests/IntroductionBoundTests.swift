import Foundation
import Testing

@testable import OpenDoorKit

/// How much of a message the name reading looks at (issue 10's worst-case messages): a sentence too long to only say
/// a name is not read for one, and sentence ends are found without normalizing long characters; names said as usual
/// are read as before.
@Suite("Introduction bounds")
struct IntroductionBoundTests {
    @Test(
        "A sentence end is found by scalars exactly as by comparing characters",
        arguments: [".", "!", "?", "\n", "\r\n", "\r", ",", "a", ".\u{301}", "?\u{20E0}", "e\u{301}", "。", "\u{037E}", "！"]
            as [Character])
    func sentenceEnds(_ character: Character) {
        #expect(Conversation.endsSentence(character) == ".!?\n".contains(character))
    }

    @Test("A name said as usual is still a hello back", arguments: ["my name is Maria", "Hi, this is Rosa."])
    func nameStillRead(_ said: String) {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        let reply = CheckInTests().reply(conversation.receive(said))
        #expect(reply.intent == .welcome, "“\(said)”: \(reply.text)")
    }

    @Test(
        "One word of thousands of combining marks, or a sentence past the bound, is no name",
        arguments: [
            "e" + String(repeating: "\u{301}", count: 2_000), String(repeating: "e\u{301}", count: 1_000),
            "my name is " + String(repeating: "Maria", count: 60),
        ])
    func longSentenceIsNoName(_ said: String) {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        let reply = CheckInTests().reply(conversation.receive(said))
        #expect(reply.intent != .welcome, "\(reply.text)")
        #expect(said.utf8.count > Conversation.longestNameSentence)
    }
}
