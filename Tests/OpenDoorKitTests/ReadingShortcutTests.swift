import Foundation
import Testing

@testable import OpenDoorKit

/// The shortcuts a message's reply takes for speed (server CPU per message, issue 10) read as the full readings do.
@Suite("Reading shortcuts")
struct ReadingShortcutTests {
    static let texts = [
        "can i come back period", "Can I come back PERIOD", "my period is late", "a period of time",
        "hi comma i left in may", "what if i relapsed question mark", "is it free exclamation point", "full stop",
        "ok full stop.", "pe-riod", "period.", "\tcomma\tthen", "what are your hours", "question", "1period",
        "the question mark over it", "exclamationexclamationexclamation", "i left  in may\r\nperiod", "périod",
        "my name is maria", "im tasha", "Im Tasha", "its his mom, my name is rosa", "this is darnell", "This is Darnell",
        "maria", "Maria", "call me jay", "my names deshawn but everyone calls me shawn", "its his mom, maria",
        "i go by sam", "mornings", "my name is Eve", "names jo btw", "soy ana", "hi, its Ana",
    ]

    @Test("A spoken mark is read by bytes in ASCII text as in any text", arguments: texts)
    func spokenMarks(_ text: String) {
        // A non-ASCII word takes the full reading; a word that says no mark after the text changes nothing else.
        #expect(SpokenMarks.read(text + " é") == SpokenMarks.read(text) + " é", "“\(text)”")
    }

    @Test("Spoken marks read as before")
    func spokenMarksRead() {
        #expect(SpokenMarks.read("can i come back period") == "can i come back.")
        #expect(SpokenMarks.read("Can I come back PERIOD") == "Can I come back.")
        #expect(SpokenMarks.read("my period is late") == "my period is late")
        #expect(SpokenMarks.read("what  are\tyour hours") == "what  are\tyour hours")
    }

    @Test("A plain name only is the full reading's plain name", arguments: texts)
    func plainNameOnly(_ text: String) {
        let answers = ConversationTests.assistant.stepAnswers
        let full = answers.nameAnswer(in: text)
        #expect(answers.nameAnswer(in: text, plainOnly: true) == (full?.introduced == .plain ? full : nil), "“\(text)”")
    }

    @Test("Whether safety is open is kept with what it is made of")
    func safetyOpenKept() {
        for messages in [
            ["i want to die", "no", "im ok now", "what are your hours"],
            ["my friend overdosed last week, she survived", "yes", "can i come back"],
            ["i took all my pills", "thanks", "bye"], ["can someone call me", "i want to kill myself", "cancel"],
        ] {
            var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
            _ = conversation.start()
            for message in messages {
                _ = conversation.receive(message)
                #expect(
                    conversation.safetyOpen == (conversation.situation != nil || conversation.pendingCheckIn != nil),
                    "after “\(message)”")
            }
        }
    }
}

@Suite("Conversation benchmark")
struct ConversationBenchmarkTests {
    @Test("Every message is timed, in turn, conversations renewed after their turns")
    func timesEveryMessage() {
        let run = ConversationBenchmark.run(
            assistant: ConversationTests.assistant, messages: ["what are your hours", "can i come back"], turns: 3,
            rounds: 4)
        #expect(run.latency.samples == 8)
        #expect(run.mean > 0)
    }
}
