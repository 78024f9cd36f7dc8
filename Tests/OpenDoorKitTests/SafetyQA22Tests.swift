import Foundation
import Testing

@testable import OpenDoorKit

/// The safety findings of QA22 (round 20, s20-qa22safety): abbreviations and names, a denial taken back, a yes after a
/// "no", someone else's suicide beside a danger, "do it again" after a relapse, an unprompted no-intent, a loss long
/// past.
@Suite("Safety turns and readings (QA22)")
struct SafetyQA22Tests {
    private func conversation(_ lines: [String] = []) -> Conversation { AfterCrisisTests().conversation(lines) }

    private func reply(_ step: Conversation.Step) -> Reply { CheckInTests().reply(step) }

    /// A detector with `patterns` for suicide and a word no message has for the other categories.
    private func detector(_ patterns: [String]) throws -> CrisisDetector {
        var text = "categories:\n"
        for category in CrisisCategory.allCases {
            text += "  - id: \(category.rawValue)\n    reply: \"Call or text 988. Call 911 in an emergency.\"\n    patterns:\n"
            for pattern in category == .suicide ? patterns : ["zzzz\(category.rawValue)"] {
                text += "      - \"\(pattern)\"\n"
            }
        }
        return CrisisDetector(rules: try SafetyRules.parse(yaml: text, file: "test.yaml"))
    }

    @Test(
        "A pattern word with no vowel (an abbreviation) is never read from a word with a vowel; its own slips still are",
        arguments: [
            ("kims", false), ("kim's", false), ("Kim’s group", false), ("kams", false), ("kmss", true), ("kms", true),
            ("ksm", true),
        ])
    func abbreviationTypos(_ message: String, _ found: Bool) throws {
        let detector = try detector(["kms"])
        #expect((detector.assess(message) != nil) == found, "\(message)")
    }

    @Test("A word with vowels keeps its typo tolerance (the vowel rule is only for abbreviations)")
    func vowelWordsKeepTypos() throws {
        let detector = try detector(["die"])
        #expect(detector.assess("i want to diee") != nil)
    }

    @Test(
        "A denial of wanting to die taken back after 'but' is a check-in; one followed by something else is not",
        arguments: [
            ("i dont want to die but i kinda do", true),
            ("i dont want to die but sometimes i think about it", true),
            ("im not suicidal but part of me wants to", true),
            ("i dont want to die but i do", true),
            ("i dont want to die but i dont", false),
            ("i dont want to die but i do want to come back", false),
            ("im not suicidal but i need help with the forms", false),
            ("i kinda do want to come back but im scared", false),
        ])
    func denialTakenBack(_ message: String, _ found: Bool) {
        let conversation = conversation()
        let finding = conversation.denialTakenBack(message)
        #expect((finding != nil) == found, "\(message)")
        if let finding { #expect(finding.level == .check && finding.category == .suicide) }
    }

    @Test("A yes soon after a 'no' to the question about suicide is the crisis reply; a bare yes only right after")
    func changedToYes() {
        var now = conversation(["i feel hopeless", "no"])
        #expect(reply(now.receive("yes")).intent == .crisis)
        var later = conversation(["i feel hopeless", "no", "can i come back"])
        #expect(reply(later.receive("yes")).intent != .crisis)
        var changed = conversation(["i feel hopeless", "no", "can i come back"])
        #expect(reply(changed.receive("actually yes i have been")).intent == .crisis)
        var gone = conversation(["i feel hopeless", "no", "can i come back", "what about relapse", "ok"])
        #expect(reply(gone.receive("actually yes")).intent != .crisis)
    }

    @Test("A 'no' to a question about someone else, or to 'are you safe', keeps no yes for later")
    func onlyOwnThoughtsQuestion() {
        var conversation = conversation(["my sister said she wants to die", "no"])
        #expect(conversation.declinedCheckIn == nil)
        _ = reply(conversation.receive("thanks"))
        #expect(conversation.declinedCheckIn == nil)
    }

    @Test(
        "Someone else's suicidal words beside a danger get the reply for the worried visitor; the visitor's own danger not",
        arguments: [
            ("my son locked himself in his room and said he wants to die", true),
            ("my daughter is hiding in the bathroom and texted she wants to kill herself", true),
            ("my husband locked me in the bedroom and says he wants to die", false),
        ])
    func suicideBesideDanger(_ message: String, _ otherPerson: Bool) {
        var conversation = conversation()
        let answer = reply(conversation.receive(message))
        #expect(answer.crisis)
        #expect(answer.text.contains("worried about someone") == otherPerson, "\(message)")
        #expect(!answer.text.contains("drunk or high"), "\(message)")
    }

    @Test("'do it again' beside a relapse is relapse support and the question; with an alarming word the crisis reply")
    func relapseFear() {
        var scared = conversation()
        let answer = reply(scared.receive("i relapsed last night and i'm scared i'm going to do it again tonight"))
        #expect(answer.intent == .crisisCheck)
        #expect(answer.text.contains("1-800-662-4357") && answer.text.contains("988") && answer.text.contains("911"))
        #expect(scared.pendingCheckIn?.worrying == .yes)
        var worse = conversation()
        #expect(reply(worse.receive("i relapsed and im going to do it again tonight and not wake up")).intent == .crisis)
        var attempt = conversation()
        #expect(reply(attempt.receive("i tried to end it last week and im going to do it again tonight")).intent == .crisis)
    }

    @Test("'im not going to do anything stupid' with no question asked is heard with 988, not as annoyance")
    func unpromptedNoIntent() {
        var conversation = conversation(["i cant stop crying"])
        let answer = reply(conversation.receive("im not going to do anything stupid"))
        #expect(answer.text == ConversationTests.assistant.knowledge.dialogue[.noIntentUnprompted])
        #expect(!answer.crisis)
        var question = self.conversation()
        #expect(reply(question.receive("im not going to do anything stupid, can i come back?")).source != "Safety")
    }

    @Test("An overdose death told as long past gets condolence and 988, never naloxone; one happening now the 911 reply")
    func lossLongPast() {
        var past = conversation()
        let answer = reply(past.receive("my brother died in treatment. overdose after he left your program. what do you have to say"))
        #expect(answer.text.contains("so sorry") && answer.text.contains("988"))
        #expect(!answer.text.contains("naloxone"))
        var now = conversation()
        let live = reply(now.receive("my brother overdosed and i think he died, hes not breathing"))
        #expect(live.intent == .crisis && live.text.contains("911"))
    }
}
