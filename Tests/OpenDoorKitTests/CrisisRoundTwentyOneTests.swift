import Foundation
import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// Round 21 (issue 9, s21-crisis): a denial protects only what it says, doubt about one's own safety is a check-in,
/// and figures of speech with "kill" or "die" and goodbyes when moving away stay calm or get the middle answer.
/// Messages written for these tests, none from an evaluation file.
@Suite("Crisis check, round 21: denials read by their clause, doubt, figures of speech")
struct CrisisRoundTwentyOneTests {
    private var safety: CrisisDetector { ConversationTests.assistant.safety }
    private var rulesAlone: CrisisDetector { CrisisDetector(rules: SafetyModelTests.rules.withoutModel()) }

    @Test(
        "Doubt said just before a denial undoes it: the rules give the check-in",
        arguments: [
            "im not sure im safe", "honestly not even sure im safe tonight", "idk if ill be ok alone tonight",
            "i dont think im ok", "i dont know if im okay anymore", "not sure ill make it through the night",
        ])
    func doubtIsACheckIn(_ message: String) {
        #expect(rulesAlone.assess(message) != nil, "\(message)")
        #expect(!safety.isDenial(message), "\(message)")
    }

    @Test(
        "Acting, pretending or wishing to be fine is no denial; a plain one still is",
        arguments: [
            ("i act like im fine", false), ("im pretending im ok", false), ("i wish i was fine", false),
            ("im safe", true), ("im fine, really", true), ("not sure about thursday, im fine though", true),
        ])
    func denialsByTheirOwnClause(_ example: (message: String, denial: Bool)) {
        #expect(safety.isDenial(example.message) == example.denial, "\(example.message)")
    }

    @Test(
        "A denial doesn't cover another sentence or a doubt: the crisis is still found",
        arguments: [
            "im fine. i just dont want to be here anymore", "i act like im fine but i think about ending it every day",
            "i dont think i can keep myself safe",
        ])
    func denialDoesNotHideACrisis(_ message: String) {
        #expect(safety.assess(message) != nil, "\(message)")
    }

    @Test(
        "A parent's 'kill me if she finds out': the danger check-in, not the emergency reply",
        arguments: ["my mom will kill me if she finds out", "my dad will literally kill me if he finds out i relapsed"])
    func figureOfSpeech(_ message: String) {
        let finding = safety.assess(message)
        #expect(finding?.level == .check, "\(message)")
        #expect(finding?.category == .danger, "\(message)")
    }

    @Test(
        "A threat tied to going back to treatment or telling someone: at least the danger check-in",
        arguments: [
            "hell kill me if i go back to treatment", "my boyfriend will hurt me if i go to group",
            "she will hurt me if i tell my counselor",
        ])
    func threatTiedToTreatment(_ message: String) {
        let finding = safety.assess(message)
        #expect(finding != nil, "\(message)")
        #expect(finding?.category == .danger, "\(message)")
    }

    @Test(
        "Grades, being late and skipping are figures of speech; a threat meant stays the danger reply",
        arguments: [
            ("my dad is going to kill me if he sees my grades", nil),
            ("my mom will kill me if i skip group again lol", nil),
            ("he'll kill me if she finds out", SafetyLevel.crisis),
        ] as [(String, SafetyLevel?)])
    func figuresAndThreats(_ example: (message: String, level: SafetyLevel?)) {
        // The rules read a figure of speech as no alarm. The learned model, retrained on the merged round-21 data,
        // asks the danger check-in on the first ("…if he sees my grades"): a known false alarm, never the crisis reply.
        let level = safety.assess(example.message)?.level
        if example.level == nil {
            #expect(level == nil || level == .check, "\(example.message)")
            // …and when there is a check-in, it is the model's, not a rule's.
            #expect(level == nil || safety.assess(example.message)?.ruleID == SafetyModel.ruleID, "\(example.message)")
        } else {
            // A threat meant: the danger reply, or (round 24: a rule's check-in is raised to the full reply only above
            // the model's stricter raise threshold) the danger check-in, which asks and gives 911.
            #expect(level != nil, "\(example.message)")
            #expect(safety.assess(example.message)?.category == .danger, "\(example.message)")
        }
    }

    @Test(
        "Wanna die lol about small things and goodbyes when moving away: no alarm",
        arguments: [
            "wanna die lol the wifi went out in the middle of my zoom", "printer jammed again i want to die haha",
            "we are moving to oregon next month so goodbye everyone, thank you for everything",
            "goodbye yall, relocating for a new job but i will keep in touch",
        ])
    func smallThingsAndMoves(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }

    @Test(
        "Without a small thing or a move, the same words still alarm",
        arguments: ["i wanna die lol", "goodbye everyone", "i just want to die, nothing helps"])
    func stillAlarms(_ message: String) {
        #expect(safety.assess(message) != nil, "\(message)")
    }
}

/// Round 21: the learned model's check-level head and its markers (toy models, so that the shipped weights don't
/// decide the outcome).
@Suite("Safety model, round 21: the check-level head and the pooled markers")
struct SafetyModelCheckLevelTests {
    /// A toy model with all eight heads: only the check-level lane has weights.
    static func toy(_ weights: [(String, Double)], levelThreshold: Double = 0.5) throws -> SafetyModel {
        let lanes = SafetyModel.headNames.count
        let lines = weights.map { feature, weight in
            feature + "\t" + Array(repeating: "0", count: lanes - 1).joined(separator: "\t") + "\t\(weight)"
        }
        return try eightHeads(
            bias: "-5\t-5\t0\t0\t0\t0\t0\t-5", thresholds: "0.5\t0.5\t\(levelThreshold)", weights: lines)
    }

    /// A sealed model file with all eight heads, parsed: `bias` and `thresholds` tab-separated, one weight line each.
    static func eightHeads(bias: String, thresholds: String, weights: [String]) throws -> SafetyModel {
        try SafetyModel.parse(
            SafetyModel.sealed("""
            format\t2
            features\t\(SafetyModel.recipe)
            enabled\tyes
            category\tsuicide
            heads\t\(SafetyModel.headNames.joined(separator: "\t"))
            bias\t\(bias)
            threshold\t\(thresholds)
            weights
            \(weights.joined(separator: "\n"))
            """), file: "toy.tsv")
    }

    @Test("The check-level head gives the check-in when the rules find nothing, never the crisis reply")
    func levelHeadAddsCheckIns() throws {
        let model = try Self.toy([("w:zebracorn", 10)])
        #expect(model.levelThreshold == 0.5)
        let finding = try #require(model.assess("a zebracorn again"))
        #expect(finding.level == .check)
        #expect(finding.ruleID == SafetyModel.ruleID)
        #expect(finding.note?.contains("check-level score") == true)
        #expect(model.assess("a horse again") == nil)
        let rule = CrisisAssessment(
            category: .overdose, level: .check, ruleID: SafetyRuleID(rawValue: "overdose/check/x"))
        #expect(model.assess("a zebracorn", after: rule) == rule)
    }

    @Test("Letters typed three times or more are read twice, as the rules read them")
    func lettersFolded() throws {
        let model = try Self.toy([("w:soo", 10)])
        #expect(model.scores(of: "sooooooo").level > 0.99)
        #expect(model.scores(of: "SOOO").level > 0.99)
        #expect(model.scores(of: "so").level < 0.01)
    }

    @Test("A sentence asked as a question, a word of one's own and a word of the past are markers")
    func markers() throws {
        let question = try Self.toy([("s:q", 10)])
        #expect(question.scores(of: "is group open today?").level > 0.99)
        #expect(question.scores(of: "group is open today").level < 0.01)
        #expect(question.scores(of: "really, ?").level > 0.99)
        let own = try Self.toy([("s:fp", 10)])
        #expect(own.scores(of: "IM tired").level > 0.99)
        #expect(own.scores(of: "she is tired").level < 0.01)
        let past = try Self.toy([("s:past", 10)])
        #expect(past.scores(of: "that was years ago").level > 0.99)
        #expect(past.scores(of: "that is now").level < 0.01)
    }

    @Test("A marker the code doesn't compute is refused with its line")
    func unknownMarkerRefused() throws {
        #expect(throws: KnowledgeError.self) { try Self.toy([("s:future", 1)]) }
        #expect(throws: KnowledgeError.self) { try Self.toy([("w:zebracorn", 1)], levelThreshold: 1.5) }
    }

    @Test("The shipped model has a check-level head, cross-validated threshold strictly between 0 and 1")
    func shippedLevelHead() throws {
        let model = try #require(SafetyModelTests.rules.model)
        let threshold = try #require(model.levelThreshold)
        #expect(threshold > 0 && threshold < 1)
    }
}
