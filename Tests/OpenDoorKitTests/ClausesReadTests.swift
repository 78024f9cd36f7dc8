import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// The readings done one clause at a time (a second question read by the matcher, a question beside a crisis
/// checked) are bounded by count and by bytes: the work a line within the length limit costs is a few readings,
/// whatever it holds. What is asserted is the work (the clauses handed to the matcher), never wall time: the timing
/// floor is `opendoor load --phase worst` and its in-process table.
@Suite("Clauses read one by one")
struct ClausesReadTests {
    private func conversation() -> Conversation {
        var conversation = ShippedKnowledge.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        return conversation
    }

    /// Near the 4,096-byte line limit, in the shapes of `WorstCaseMessages`.
    static let longLines = [
        String(repeating: "can i come back? ", count: 240),
        String(repeating: "is it ok, ", count: 400),
        String(repeating: "can i come back, and whether i can, and if i can also ", count: 75),
        String(repeating: "whether the group meets at night ", count: 120),
    ]

    @Test(
        "a line of hundreds of short questions hands the matcher a few clauses, not hundreds",
        arguments: ClausesReadTests.longLines)
    func secondQuestionsBounded(_ line: String) {
        let read = conversation().secondQuestionClauses(of: line)
        #expect(read.count <= Conversation.mostClausesRead)
        #expect(read.reduce(0) { $0 + $1.utf8.count } <= Conversation.mostClauseBytesRead)
    }

    @Test("a real message's two to four questions are all read, in order")
    func realMessagesRead() {
        let conversation = conversation()
        let asked = "can i come back to group? do you take medicaid? is there a waitlist?"
        #expect(
            conversation.secondQuestionClauses(of: asked)
                == ["can i come back to group", "do you take medicaid", "is there a waitlist"])
        // A story clause is not read; a clause of fewer than three words neither.
        #expect(
            conversation.secondQuestionClauses(of: "i left in march. ok? can i come back to group")
                == ["can i come back to group"])
        // One clause: nothing to read beside the whole message.
        #expect(conversation.secondQuestionClauses(of: "can i come back to group").isEmpty)
    }

    @Test("the first clauses that would be read are read; the test is asked only until enough are found")
    func firstOnes() {
        let clauses = (1...500).map { "question \($0)" }
        var asked = 0
        let read = Conversation.clausesRead(clauses) { _ in
            asked += 1
            return true
        }
        #expect(read == Array(clauses.prefix(Conversation.mostClausesRead)))
        #expect(asked == Conversation.mostClausesRead)
    }

    @Test("a clause that would pass the byte budget is skipped, and a shorter one after it still read")
    func byteBudget() {
        let long = String(repeating: "x", count: Conversation.mostClauseBytesRead)
        let read = Conversation.clausesRead(["can i come back", long, "is it ok"]) { _ in true }
        #expect(read == ["can i come back", "is it ok"])
    }

    @Test(
        "long lines of many questions, sentences and clauses still get a reply",
        arguments: ClausesReadTests.longLines + [
            String(repeating: "i left group. ", count: 290),
            String(repeating: "i want to die. can i come back? ", count: 125),
            "she said she wants to die " + String(repeating: "and wants to die ", count: 235),
        ])
    func stillAnswered(_ line: String) {
        var conversation = conversation()
        guard case .reply(let reply) = conversation.receive(line) else {
            Issue.record("expected a reply")
            return
        }
        #expect(!reply.text.isEmpty)
    }
}
