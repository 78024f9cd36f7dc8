import OpenDoorKit
import Testing

@Suite("Best time to call")
struct BestTimeTests {
    @Test(
        "parse understands what people answer",
        arguments: [
            ("1", BestTime.morning),
            ("2", .afternoon),
            ("3", .evening),
            ("4", .any),
            ("2.", .afternoon),
            ("#3", .evening),
            ("option 1", .morning),
            ("morning", .morning),
            ("Mornings", .morning),
            ("in the morning please", .morning),
            ("9am", .morning),
            ("around 10 a.m.", .morning),
            ("before noon", .morning),
            ("before work", .morning),
            ("early", .morning),
            ("afternoon", .afternoon),
            ("afternoons are good", .afternoon),
            ("after lunch", .afternoon),
            ("around noon", .afternoon),
            ("2pm", .afternoon),
            ("after 1", .afternoon),
            ("evening", .evening),
            ("evenings", .evening),
            ("night", .evening),
            ("at night", .evening),
            ("tonight", .evening),
            ("after 5", .evening),
            ("after five", .evening),
            ("after work", .evening),
            ("after dinner", .evening),
            ("6 pm", .evening),
            ("late", .evening),
            ("anytime", .any),
            ("any time", .any),
            ("whenever", .any),
            ("Whenever works", .any),
            ("doesn't matter", .any),
            ("no preference", .any),
            ("I don't care", .any),
            ("any", .any),
            ("morning, afternoon or evening", .any),
            ("not mornings, afternoon is better", .afternoon),
            ("I'm busy in the morning so evening", .evening),
            ("late morning", .morning),
            ("tomorrow morning", .morning),
        ]
    )
    func parses(answer: String, expected: BestTime) {
        #expect(BestTime.parse(answer) == expected)
    }

    @Test(
        "parse returns nil when the answer is unclear",
        arguments: [
            "",
            "skip",
            "yes",
            "I am not sure",
            "5",
            "mornings or evenings",
            "not mornings",
            "anything but mornings",
            "before 5",
            "whenever but not at night",
        ]
    )
    func unclear(answer: String) {
        #expect(BestTime.parse(answer) == nil)
    }

    @Test("menu numbers follow allCases, and every case has a display name")
    func menuOrder() {
        for (index, time) in BestTime.allCases.enumerated() {
            #expect(BestTime.parse("\(index + 1)") == time)
            #expect(!time.displayName.isEmpty)
        }
        #expect(BestTime.any.displayName == "any time")
    }
}
