import Foundation
import Testing

@testable import OpenDoorKit

/// Words an exclusion of the rules set aside as a look-alike are set aside for the learned model too: it is asked
/// only about the other sentences. A pattern's `unless`, a denial or a history phrase sets nothing aside.
///
/// A toy model that alarms on one made-up word stands for the shipped one, so that a retrain can't change what
/// these tests decide.
@Suite("Safety model gated by the rules' look-alikes")
struct SafetyModelGateTests {
    static let detector: CrisisDetector = {
        do {
            return CrisisDetector(rules: SafetyModelTests.rules(with: try SafetyModelTests.toyModel()))
        } catch {
            fatalError("\(error)")
        }
    }()

    @Test("The model still alarms where the rules set nothing aside")
    func modelAlone() {
        #expect(Self.detector.assess("zebracorn")?.ruleID == SafetyModel.ruleID)
        #expect(Self.detector.assess("i need a zebracorn tonight")?.ruleID == SafetyModel.ruleID)
    }

    @Test(
        "A sentence the rules set aside is not the model's to alarm on",
        arguments: [
            "dying my hair zebracorn tonight",
            "my dad is gonna kill me if he sees my grades, zebracorn",
            "how do i know if my friend is suicidal zebracorn",  // a question asked in general
            "ill handle the dishes by myself tonight zebracorn",  // a chore done alone
        ])
    func setAside(_ message: String) {
        #expect(Self.detector.assess(message) == nil, "\(message)")
    }

    @Test(
        "Another sentence, with nothing set aside, is still read by the model",
        arguments: [
            "dying my hair tonight. zebracorn",
            "my dad is gonna kill me if he sees my grades. zebracorn",
        ])
    func otherSentence(_ message: String) {
        #expect(Self.detector.assess(message)?.ruleID == SafetyModel.ruleID, "\(message)")
    }

    @Test("What the rules find themselves is never set aside")
    func rulesFinding() {
        #expect(Self.detector.assess("dying my hair. i want to kill myself tonight")?.level == .crisis)
    }

    @Test(
        "A denial, a pattern's unless or a history phrase leaves the sentence to the model",
        arguments: [
            "im not suicidal, zebracorn", "my brother posted a goodbye video zebracorn",
            "my ex hit me years ago and zebracorn",
        ])
    func notSetAside(_ message: String) {
        #expect(Self.detector.assess(message) != nil, "\(message)")
    }

    @Test("The sentences the model may read, split where the model splits them")
    func sentences() {
        let detector = Self.detector
        #expect(detector.sentencesNotSetAside("dying my hair. zebracorn") == " zebracorn")
        #expect(detector.sentencesNotSetAside("dying my hair") == nil)
        #expect(detector.sentencesNotSetAside("im not suicidal") == "im not suicidal")
        #expect(detector.sentencesNotSetAside("good morning!\nzebracorn") == "good morning.zebracorn")
    }
}
