import Foundation
import Testing

@testable import OpenDoorKit

/// A yes/no question followed by "or" and an alternative is not a plain yes/no question (QA31 S2-14, found again in
/// the round-26 review): the center's "Yes." answers neither way, and a word that turns a question round ("banned",
/// "kicked", "too late") may stand in either way, so the bare word is left out and never turned into "No.", whatever
/// word the alternative starts with.
@Suite("Either-or questions get no bare yes or no")
struct PolarAlternativeTests {
    private static var polar: PolarOpening { Fixtures.knowledge.vocabulary.polarOpening }
    private static let answer = "Yes. It’s more common than you think."
    private static let rest = "It’s more common than you think."

    private static func fitted(_ message: String) -> String {
        polar.fitted(answer, to: TextNormalizer.words(TextNormalizer.normalize(message)))
    }

    /// Either-or questions; the first six are rejoin questions as visitors write them.
    static let alternatives = [
        "can i still come back or is it too late",
        "do i need to call first or can i just show up",
        "r they done with me or can i come back",
        "can i come back or did i lose my spot",
        // The alternative opens with a word no list of question starts held: the turn after "or" was read as the
        // question turned round ("am i … banned" → "No.").
        "am i allowed back or banned for good",
        "am i welcome back or blacklisted",
        "do they take people back or refuse them",
        "am i still allowed back or kicked out for good",
        "is it too late or can i still come back",
        "will they turn me away or let me back in",
        "i can come back, or am i kicked out?",
        "is coming back ok or nah they dont want me",
    ]

    @Test(
        "An alternative after “or”, whatever its first word: the bare word left out, never turned",
        arguments: alternatives)
    func alternativeLeavesBareWordOut(_ message: String) {
        #expect(Self.fitted(message) == Self.rest, "“\(message)”")
        #expect(Self.polar.offersTwoWays(TextNormalizer.words(TextNormalizer.normalize(message))), "“\(message)”")
    }

    @Test(
        "“or” with nothing after it, or a word that offers nothing, leaves one question: answered as before",
        arguments: [
            ("is it too late or whatever", "No. "), ("is it too late or not", "No. "), ("am i banned or what", "No. "),
            ("can i come back or not", "Yes. "), ("can i come back", "Yes. "), ("is it too late to come back", "No. "),
            ("is it too late or nah", "No. "),
        ])
    func emptyAlternativeKeepsAnswer(_ message: String, opening: String) {
        #expect(Self.fitted(message) == opening + Self.rest, "“\(message)”")
    }

    /// An "or" in the story is no second way to answer: counts ("2 or 3 weeks", "a month or two", "once or twice")
    /// and an "or" before any question word ("my mom or my sister") leave the question's own "Yes." in place.
    @Test(
        "“or” in the story, between counts or before the question, leaves one question",
        arguments: [
            "i missed 2 or 3 weeks can i come back", "been gone a month or two, can i come back",
            "skipped once or twice, can i still come back", "my mom or my sister would drive me, can i come back",
            "after 3 or 4 relapses can i still come back",
        ])
    func storyOrKeepsAnswer(_ message: String) {
        #expect(Self.fitted(message) == Self.answer, "“\(message)”")
    }

    @Test("Whole replies: the rejoin answer without a bare “Yes.” or “No.” in front", arguments: alternatives.prefix(6))
    func wholeReplies(_ message: String) {
        let reply = MatcherRoundNineteenTests.replies([message])[0]
        #expect(!reply.text.hasPrefix("Yes. ") && !reply.text.hasPrefix("No. "), "“\(message)”: \(reply.text)")
        #expect(!reply.text.contains("No. It’s") && !reply.text.contains("Yes. It’s"), "“\(message)”: \(reply.text)")
    }
}
