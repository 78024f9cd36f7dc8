import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// Work per message is bounded by what the code refuses to do, not by how fast the machine is: the timing
/// floor itself (any message within the line limit answered in < 5 ms p99) is `opendoor load --phase worst`.
@Suite("Input cost")
struct InputCostTests {
    static let corrector = SpellingCorrector(vocabulary: ["relapsed": 10, "counselor": 5, "recommendations": 2])

    @Test("the typo corrector still corrects words of ordinary length")
    func correctsOrdinaryWords() {
        #expect(Self.corrector.correction(for: "relasped") == "relapsed")
        #expect(Self.corrector.correction(for: "councelor") == "counselor")
        #expect(Self.corrector.correction(for: "recomendations") == "recommendations")
    }

    @Test(
        "the typo corrector corrects words up to its cap and refuses longer ones, however close",
        arguments: [20, 32, 33, 40, 4000])
    func refusesLongWords(length: Int) {
        let known = String(repeating: "abcdefghij", count: length / 10 + 1).prefix(length)
        let corrector = SpellingCorrector(vocabulary: [String(known): 1])
        // One letter changed in the middle: a single edit away.
        var typo = Array(known.utf8)
        typo[length / 2] = UInt8(ascii: "z")
        let expected = length <= SpellingCorrector.maximumLength ? String(known) : nil
        #expect(corrector.correction(for: String(decoding: typo, as: UTF8.self)) == expected)
        #expect(SpellingCorrector.maximumLength == 32)
    }

    @Test("one message gets at most so many typo corrections; the first ones still count")
    func correctionsPerMessage() {
        let matcher = ShippedKnowledge.assistant.responder.matcher
        let analysis = matcher.analyze(String(repeating: "relasped ", count: 450))
        #expect(analysis.corrections.count == Analyzer.maximumCorrectionsTried)
        #expect(analysis.words.first == "relapsed")
        #expect(matcher.analyze("what if i relasped").corrections.map(\.corrected) == ["relapsed"])
    }

    @Test("a message of one 4,000-letter word is answered, as are the other worst cases within the line limit")
    func worstMessages() {
        let assistant = ShippedKnowledge.assistant
        for message in [
            String(repeating: "a", count: 4000), String(repeating: "relasped ", count: 450),
            String(repeating: "1 ", count: 2000), String(repeating: "(470) 555-0123 ", count: 270),
            String(repeating: "😀", count: 1000), String(repeating: "e\u{301}", count: 1300),
        ] {
            let (reply, _) = assistant.responder.respond(to: message)
            #expect(!reply.text.isEmpty)
            _ = assistant.safety.assess(message)
            _ = PhoneNumber.find(in: message)
        }
    }
}
