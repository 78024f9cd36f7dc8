import Foundation
import Testing

@testable import OpenDoorKit

/// QA33's form findings, as the store keeps them: a new number typed at a later step, whatever "no" or "wait" it
/// starts with, replaces the old one (S1-5: a call to the wrong number is data lost). The dialogue is in
/// Knowledge/conversations/s27-qa33d.yaml.
@Suite("Session 27: QA33 callback form")
struct QA33FormTests {
    /// The requests the store holds after `messages`.
    static func stored(_ messages: [String]) async throws -> [CallbackRequest] {
        try await QA22FormTests.stored(messages).requests
    }

    @Test(
        "A new number at the voicemail step replaces the old one; its “no” is no voicemail choice (QA33 S1-5)",
        arguments: [
            "wait no, my number is 706 555 0132, i swapped the last digits",
            "no sorry the number is wrong, it should be 706 555 0132",
            "nope wrong number, use 706-555-0132",
            "no no the right one is (706) 555-0132",
            "yes but my number is actually 706.555.0132",
        ])
    func numberAtVoicemailStep(_ correction: String) async throws {
        let requests = try await Self.stored([
            "please have someone call me", "yes", "skip", "706 555 0123", "evening", correction,
            "yes, but don’t name the center", "yes send it",
        ])
        let request = try #require(requests.first, "“\(correction)”")
        #expect(request.phone.display == "(706) 555-0132", "“\(correction)”")
        #expect(request.voicemail == .discreet, "“\(correction)”")
    }

    @Test(
        "A new number at the time step replaces the old one, and the time is still asked (QA33 S1-5)",
        arguments: ["no wait my number is 404 555 0178", "oops, its 404-555-0178 not the other one"])
    func numberAtTimeStep(_ correction: String) async throws {
        let requests = try await Self.stored([
            "can someone call me", "yes", "Dana", "404 555 0177", correction, "mornings", "no voicemail", "yes",
        ])
        let request = try #require(requests.first, "“\(correction)”")
        #expect(request.phone.display == "(404) 555-0178", "“\(correction)”")
        #expect(request.bestTime == .morning)
        #expect(request.voicemail == .noVoicemail)
    }
}
