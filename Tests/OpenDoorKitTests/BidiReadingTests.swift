import Foundation
import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// QA24 S1-2, S2-3: bidirectional controls hide nothing. The crisis check reads a message as typed (every control
/// dropped) and as a screen shows it (overrides, embeddings and isolates applied), and keeps the strongest finding;
/// the form keeps a time as typed.
@Suite("Bidirectional controls (QA24 S1-2, S2-3)")
struct BidiReadingTests {
    static let assistant = ShippedKnowledge.assistant

    /// LRE RLE PDF LRO RLO LRI RLI FSI PDI, LRM RLM ALM.
    static let controls: [Unicode.Scalar] = [
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
        "\u{200E}", "\u{200F}", "\u{061C}",
    ]

    static let crises = ["kill myself", "i want to die"]

    @Test("a crisis with any bidirectional control at any place, once or a thousand times, gets the crisis reply")
    func controlAnywhere() {
        var missed: [String] = []
        for crisis in Self.crises {
            let scalars = Array(crisis.unicodeScalars)
            for control in Self.controls {
                for place in 0...scalars.count {
                    var message = String.UnicodeScalarView(scalars[..<place])
                    message.append(control)
                    message.append(contentsOf: scalars[place...])
                    let text = String(message)
                    if Self.assistant.safety.assess(text)?.level != .crisis { missed.append(text.debugDescription) }
                }
                for count in [10, 1_000] {
                    let text = String(String.UnicodeScalarView(repeatElement(control, count: count))) + crisis
                    if Self.assistant.safety.assess(text)?.level != .crisis {
                        missed.append("\(count) × U+\(String(control.value, radix: 16, uppercase: true)) + \(crisis)")
                    }
                }
            }
        }
        #expect(missed.isEmpty, "\(missed.count) missed: \(missed.prefix(10))")
    }

    @Test(
        "a crisis typed backwards in an override, or closed and nested, reads as shown",
        arguments: [
            "\u{202E}eid ot tnaw i",
            "\u{202E}fles ym llik\u{202C}",
            "i want to \u{202E}eid\u{202C}",
            "\u{202E}kill myself\u{202C}",
            "\u{202E}\u{202D}kill myself\u{202C}\u{202C}",
            "\u{2067}\u{202E}fles ym llik\u{202C}\u{2069}",
        ])
    func shownOrder(message: String) {
        #expect(Self.assistant.safety.assess(message)?.level == .crisis, "\(message.debugDescription)")
    }

    @Test(
        "QA25 O S1-1: the conversation reads the line as typed, so a reversed crisis gets the crisis reply there too",
        arguments: ["\u{202E}eid ot tnaw i\u{202C}", "\u{202E}flesym llik ot tnaw i", "i want to \u{202E}eid\u{202C}"])
    func shownOrderInConversation(message: String) {
        for state in ["open", "form"] {
            var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
            _ = conversation.start()
            if state == "form" { _ = conversation.receive("can someone call me") }
            let reply = CheckInTests().reply(conversation.receive(message))
            #expect(reply.intent == .crisis && reply.crisis, "\(state): \(message.debugDescription) → \(reply.intent)")
        }
    }

    @Test("the order shown: overrides reverse, nested ones reverse back, embeddings and isolates keep Latin words")
    func visualOrder() {
        #expect(TextNormalizer.visualOrder("plain text") == nil)
        #expect(TextNormalizer.visualOrder("\u{202E}olleh\u{202C} there") == "hello there")
        #expect(TextNormalizer.visualOrder("abc \u{202E}def\u{202C} ghi") == "abc fed ghi")
        #expect(TextNormalizer.visualOrder("\u{202E}ab\u{202D}cd\u{202C}ef\u{202C}") == "fecdba")
        #expect(TextNormalizer.visualOrder("\u{202B}i want to die\u{202C}") == "i want to die")
        #expect(TextNormalizer.visualOrder("\u{2067}kill myself\u{2069}") == "kill myself")
        #expect(TextNormalizer.visualOrder(String(repeating: "\u{202E}", count: 4_000)) == "")
        // The text as typed is what the matcher and the form read.
        #expect(TextNormalizer.folded("\u{202E}olleh\u{202C} there") == "olleh there")
        #expect(TextNormalizer.hiddenSpellings("\u{202E}olleh\u{202C} there").contains("hello there"))
    }

    @Test("thousands of overrides, embeddings and isolates, alone or mixed, are read whole (linear, QA24 S2-1)")
    func manyControls() {
        let shapes = [
            String(repeating: "\u{202E}", count: 1_300) + "kill myself",
            String(repeating: "\u{202E}a\u{202C}", count: 533) + " kill myself",
            String(repeating: "\u{202E}\u{202D}", count: 700) + "kill myself",
            String(repeating: "\u{2067}\u{202E}x", count: 400) + " kill myself",
            String(repeating: "\u{202E}a ", count: 600) + "\u{202C}kill myself",
        ]
        for text in shapes {
            #expect(Self.assistant.safety.assess(text)?.level == .crisis, "\(text.unicodeScalars.count) scalars")
        }
    }

    @Test("a best time with a control in it is kept as typed (QA24 S2-3)")
    func bestTimeAsTyped() async throws {
        let run = try await QA22FormTests.stored([
            "can someone call me", "yes", "Chris", "470 555 0188", "tomorrow \u{202E}afternoon", "yes", "yes",
        ])
        let request = try #require(run.requests.first)
        #expect(request.bestTimeSaid == "tomorrow afternoon", "\(request.bestTimeSaid ?? "nil")")
        #expect(request.bestTime == .afternoon)
    }
}
