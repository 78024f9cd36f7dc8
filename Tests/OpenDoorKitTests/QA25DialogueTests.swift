import Foundation
import Testing

@testable import OpenDoorKit

/// QA25's non-safety findings (visitor view): a yes to the assistant's own offer of a call (S2-6), no bare yes for a
/// situation the center never spoke of (S2-13), a name said with a request or alone (S2-7, S3-3), a voicemail wish at
/// the name step (S2-9), the consent question after a number (S3-1). The conversation file holds more of the dialogue
/// (Knowledge/conversations/qa25-dialogue.yaml).
@Suite("Session 23: QA25 dialogue")
struct QA25DialogueTests {
    /// The replies to `messages` after the welcome, and what the store holds after them.
    private static func stored(_ messages: [String]) async throws -> (replies: [Reply], requests: [CallbackRequest]) {
        try await QA22FormTests.stored(messages)
    }

    /// Three answers: the third ends with "Would it help to have someone from the center call you?".
    private static let threeAnswers = ["can i come back after ghosting", "will they judge me", "what if i relapsed"]

    @Test(
        "A yes in a sentence to the offer of a call starts the request (S2-6)",
        arguments: ["ok maybe a call would help", "yeah that would help", "i think that would be good actually",
                    "sure, have them call me"])
    func yesToOffer(_ said: String) async throws {
        let run = try await Self.stored(Self.threeAnswers + [said])
        #expect(run.replies[2].text.contains("Would it help"), "the offer was not made")
        #expect(run.replies[3].state == .callbackConsent, "“\(said)”: \(run.replies[3].text)")
    }

    @Test("A no in a sentence to the offer of a call is no request (S2-6)", arguments: ["nah i dont think a call would help rn"])
    func noToOffer(_ said: String) async throws {
        let run = try await Self.stored(Self.threeAnswers + [said])
        #expect(run.replies[3].state == .open, "“\(said)”: \(run.replies[3].text)")
    }

    @Test("A situation the center never spoke of, said in the story, gets no bare yes (S2-13)")
    func unspokenInStory() {
        let polar = PolarOpening(bareWords: ["Yes.", "No."], unspoken: [["kicked", "out"], ["part", "time"]])
        let answer = "Yes. It’s more common than you think."
        let story = TextNormalizer.words("i got kicked out for using, not left. can i come back")
        #expect(polar.unspokenRest(of: answer, message: story) == "It’s more common than you think.")
        #expect(polar.unspokenRest(of: answer, message: TextNormalizer.words("can i come back part time")) != nil)
        #expect(polar.unspokenRest(of: answer, message: TextNormalizer.words("i left in may. can i come back")) == nil)
        #expect(polar.unspokenRest(of: "It depends.", message: story) == nil)
    }

    @Test("A formal request with the name in a sentence of its own keeps the name, and the request is sent with it (S2-7)")
    func formalRequestWithName() async throws {
        let run = try await Self.stored([
            "Please have someone telephone me. My name is Mrs. Eleanor Whitfield.", "yes", "706.555.0187",
            "Weekday mornings, please, before noon.", "no voicemail", "yes",
        ])
        #expect(run.replies[0].state == .callbackConsent, "\(run.replies[0].text)")
        let request = try #require(run.requests.first, "nothing was stored: \(run.replies.map(\.text))")
        #expect(request.name?.hasPrefix("Eleanor") == true, "name stored as \(request.name ?? "nil")")
        #expect(request.bestTimeSaid?.contains("before noon") == true, "time stored as \(request.bestTimeSaid ?? "nil")")
    }

    @Test("A name alone is a hello back, never a topic (S3-3)", arguments: ["Maria", "im Tasha", "Hi, this is Rosa."])
    func nameAlone(_ said: String) async throws {
        let run = try await Self.stored([said])
        #expect(run.replies[0].intent == .welcome, "“\(said)”: \(run.replies[0].text)")
        #expect(run.replies[0].state == .open)
    }

    @Test("A voicemail wish at the name step is kept, and the name asked again (S2-9)")
    func voicemailWishAtName() async throws {
        let run = try await Self.stored([
            "can someone call me", "yes", "yes but dont say the center", "Lou", "404 555 0112", "evening", "yes",
        ])
        #expect(run.replies[2].state == .callbackName, "\(run.replies[2].text)")
        let request = try #require(run.requests.first, "nothing was stored: \(run.replies.map(\.text))")
        #expect(request.voicemail == .discreet)
        #expect(request.name == "Lou")
    }

    @Test("After a number, the consent question never says it will ask for a number (S3-1)")
    func consentAfterNumber() async throws {
        let run = try await Self.stored(["706 555 0142", "after 5 on weekdays", "no voicemail"])
        for reply in run.replies {
            #expect(reply.state == .callbackConsent)
            #expect(!reply.text.contains("I’ll ask for a phone number"), "\(reply.text)")
        }
    }
}
