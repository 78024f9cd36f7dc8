import Foundation
import Testing

@testable import OpenDoorKit

/// Round 30 (s30-qa36m, QA36 S3-3, S3-7 and the lead's notes): the pure readings behind the dialogue changes, and a
/// time said as a condition as the store keeps it. The conversation file holds more of the dialogue
/// (Knowledge/conversations/s30-qa36m.yaml).
@Suite("Session 30: QA36 dialogue")
struct Round30DialogueTests {
    @Test(
        "HTML tags are read as spaces, their content kept (QA36 S3-7)",
        arguments: [
            ("<script>alert(1)</script><b>can i come back</b>", "can i come back"),
            ("<script>i want to come back</script>", "i want to come back"),
            ("<B>what if i relapsed</B>", "what if i relapsed"),
            ("<span style=\"color:red\">will they judge me</span>", "will they judge me"),
            ("can i come back<br/>after 3 months", "can i come back after 3 months"),
        ])
    func tagsRead(_ typed: String, _ read: String) {
        #expect(Conversation.withoutMarkup(typed) == read, "“\(typed)”")
    }

    @Test(
        "What is no tag stays as typed",
        arguments: ["thank you <3", "i was <30 days sober", "<kill myself>", "a < b > c", "<img src=x onerror=alert(1)>"])
    func notTags(_ typed: String) {
        #expect(Conversation.withoutMarkup(typed) == typed, "“\(typed)”")
    }

    @Test("Long runs of brackets and tags are read in one pass, with the same reading as short ones")
    func longRuns() {
        // Each "<" used to be searched to the line's end for a ">", and each "<script>" for its closing tag.
        let brackets = "can i come back " + String(repeating: "<", count: 4_000)
        #expect(Conversation.withoutMarkup(brackets) == brackets)
        // Only the last "<b" closes: it alone is a tag, read as a space.
        let openings = String(repeating: "<b", count: 2_000) + "> can i come back"
        #expect(Conversation.withoutMarkup(openings) == String(repeating: "<b", count: 1_999) + "  can i come back")
        let scripts = String(repeating: "<script>x=1;", count: 300) + "</script>can i come back"
        #expect(Conversation.withoutMarkup(scripts) == "can i come back")
        let unclosed = String(repeating: "<script>", count: 500) + "can i come back"
        #expect(Conversation.withoutMarkup(unclosed) == "can i come back")
    }

    @Test(
        "A time said as a condition is found; a question about a call is not",
        arguments: [
            ("can someone call me, but it has to be when my husband is at work", "when my husband is at work"),
            ("call me only while my kids are at school", "while my kids are at school"),
            ("pls call after my shift", "after my shift"),
        ])
    func conditionFound(_ request: String, _ condition: String) {
        #expect(Conversation.timeCondition(in: request) == condition, "“\(request)”")
    }

    @Test(
        "No condition in these",
        arguments: ["can someone call me? when will they call", "call me when you can", "i want a call back"])
    func noCondition(_ request: String) {
        #expect(Conversation.timeCondition(in: request) == nil, "“\(request)”")
    }

    @Test("Invisible characters are seen before they are folded away")
    func invisibles() {
        #expect(Conversation.holdsInvisibles("\u{200B}call\u{200B}"))
        #expect(Conversation.holdsInvisibles("text\u{2060}"))
        #expect(Conversation.holdsInvisibles("\u{0007}text"))
        #expect(!Conversation.holdsInvisibles("call"))
        #expect(!Conversation.holdsInvisibles("llámame por favor\n"))
    }

    @Test("A time said as a condition with the request is stored as said (QA36 S3-3)")
    func conditionStored() async throws {
        let run = try await QA22FormTests.stored(
            ["can someone call me, but it has to be when my husband is at work", "yes", "skip", "404 555 0182",
                "no voicemail", "yes"])
        let request = try #require(run.requests.first, "\(run.replies.map(\.text))")
        #expect(request.bestTime == .asSaid)
        #expect(request.bestTimeSaid == "when my husband is at work")
    }
}
