import Foundation
import Testing

@testable import OpenDoorKit

/// Round 29 (QA35 S2-1, S2-2, S2-3, S2-5): the requests as the store keeps them. The conversation file holds more of
/// the dialogue (Knowledge/conversations/s29-dialogue.yaml).
@Suite("Session 29: QA35 callback form")
struct Round29FormTests {
    private static func stored(_ messages: [String]) async throws -> (replies: [Reply], requests: [CallbackRequest]) {
        try await QA22FormTests.stored(messages)
    }

    @Test(
        "A correction that puts back the time said before keeps that time, never its “no” (QA35 S2-2)",
        arguments: [
            ("wait no mornings was right", BestTime.morning),
            ("no wait, mornings was right", .morning),
            ("hmm no keep it mornings", .morning),
            ("actually the first time was fine", .morning),
            ("sorry go back to what i said before", .morning),
            ("nah the first one was right", .morning),
        ])
    func timePutBack(_ said: String, _ part: BestTime) async throws {
        let run = try await Self.stored(
            ["call me please", "yes", "skip", "404 555 0111", "mornings", "actually make that evenings", said,
                "no voicemail", "yes"])
        let request = try #require(run.requests.first, "“\(said)”: \(run.replies.map(\.text))")
        #expect(request.bestTime == part, "“\(said)”")
        #expect(!(request.bestTimeSaid ?? "").lowercased().contains("no"), "“\(said)”: \(request.bestTimeSaid ?? "")")
        #expect(request.voicemail == .noVoicemail, "“\(said)” was no answer to the voicemail question")
    }

    @Test(
        "A cancel while a safety question waits drops the request, with 988 in the reply (QA35 S2-3)",
        arguments: ["cancel it", "actually please cancel that request, he might be home", "forget the callback"])
    func cancelWhileSafetyQuestionWaits(_ cancel: String) async throws {
        let run = try await Self.stored(
            ["call me", "yes", "Kim", "404 555 0124", "evening",
                "no voicemail my husband checks my phone and he cant know", "yes", cancel, "im safe", "yes"])
        #expect(run.requests.isEmpty, "“\(cancel)”")
        let reply = run.replies[7]
        #expect(reply.crisis && reply.text.contains("988"), "“\(cancel)”: \(reply.text)")
        #expect(!run.replies.suffix(2).contains { $0.text.contains("Shall I send") }, "“\(cancel)”")
    }

    @Test(
        "“whenever” or “any time” said with a check-in is kept like “mornings” (QA35 S2-5)",
        arguments: [
            "honestly whenever, not like ill be around much longer anyway",
            "any time is fine, not like ill be around much longer anyway",
        ])
    func anyTimeWithCheckIn(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "skip", "470 555 0179", said, "no", "no voicemail", "yes"])
        let request = try #require(run.requests.first, "“\(said)”: \(run.replies.map(\.text))")
        #expect(request.bestTime == .any, "“\(said)”")
        #expect(request.crisisInChat, "“\(said)”: the check-in marks the request")
    }

    @Test("A call asked for in Spanish: each step has its Spanish line, and the request is stored (QA35 S2-1)")
    func spanishForm() async throws {
        let run = try await Self.stored(
            ["quiero que me llamen por favor", "678 555 0133", "por la tarde", "si pero que no digan el nombre del centro", "si"])
        #expect(run.requests.count == 1)
        #expect(run.replies[1].text.contains("¿Cuándo es un buen momento"))
        #expect(run.replies[2].text.contains("mensaje de voz"))
        #expect(run.replies[3].text.contains("¿Lo envío?"))
        #expect(run.replies[4].text.contains("Su número de referencia"))
    }
}
