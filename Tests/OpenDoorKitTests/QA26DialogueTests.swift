import Foundation
import Testing

@testable import OpenDoorKit

/// QA26's dialogue findings: a "#" standing for a word is read as "number",
/// the short "same answer" line only for the same question asked again, Spanish words at the name step are no name,
/// a call asked for in other words starts the request with the name kept. The conversation file holds more of the
/// dialogue (Knowledge/conversations/s24-dialogue.yaml).
@Suite("Session 24: QA26 dialogue")
struct QA26DialogueTests {
    @Test(
        "A # that stands for a word is read as number; one in a word or before a digit stays",
        arguments: [
            ("wuts the # to call", "wuts the  number  to call"), ("what # do i dial", "what  number  do i dial"),
            ("group #2", "group #2"), ("#recovery", "#recovery"), ("no sign here", "no sign here"),
        ])
    func numberSign(_ said: String, _ read: String) {
        #expect(Conversation.numberSignsRead(said) == read)
    }

    @Test("The same question asked again shares most of its tokens; another question doesn't")
    func asksAgain() {
        #expect(Conversation.asksAgain(["will", "same", "~counselor"], ["will", "get", "same", "~counselor", "before"]))
        #expect(!Conversation.asksAgain(["will", "see", "again"], ["will", "~judge"]))
        #expect(Conversation.asksAgain([], []))
    }

    @Test("Spanish words at the name step are no name", arguments: ["por la mañana", "en la noche", "en la tarde"])
    func spanishIsNoName(_ said: String) {
        #expect(QA22FormTests.answers.name(in: said) == nil, "“\(said)”")
    }

    @Test(
        "A call asked for in other words starts the request",
        arguments: ["I would appreciate a call", "ok maybe a call would help", "i guess a phone call might help",
                    "could someone contact me?"])
    func callWished(_ said: String) async throws {
        let run = try await QA22FormTests.stored([said])
        #expect(run.replies[0].state == .callbackConsent, "“\(said)”: \(run.replies[0].text)")
    }

    @Test(
        "A question about a call, or a no to one, starts nothing",
        arguments: ["will someone contact me if i miss a week?", "i dont want a call, just info",
                    "when will they reach out to me?"])
    func callNotWished(_ said: String) async throws {
        let run = try await QA22FormTests.stored([said])
        #expect(run.replies[0].state == .open, "“\(said)”: \(run.replies[0].text)")
    }

    @Test("A formal request with 'I am Mr.' keeps the name, and it is saved")
    func formalRequestName() async throws {
        let run = try await QA22FormTests.stored([
            "Kindly have a counselor contact me. I am Mr. Harold Price.", "yes", "404 555 0187", "mornings", "yes",
            "send it",
        ])
        #expect(run.replies[0].text.contains("Harold"), "\(run.replies[0].text)")
        #expect(run.requests.first?.name == "Harold Price", "\(run.requests)")
    }
}
