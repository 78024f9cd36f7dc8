import Foundation
import OpenDoorTestSupport
import Testing

@testable import OpenDoorKit

/// Issue 9: the learned model "may only add catches (check-in level)". Round 27: its vote gives the full crisis reply
/// only where the rules see a crisis component in the message (a means, an act, a sign of overdose or withdrawal, a
/// weapon: `SafetyModel.evidenceClasses`); elsewhere it gives the check-in, and a rule's check-in stays as it is.
@Suite("Safety model evidence")
struct SafetyModelEvidenceTests {
    /// Flags every message at both levels (check-in and crisis), and always picks overdose.
    static func everything(_ lift: SafetyModel.CrisisLift) throws -> SafetyModel {
        var model = try SafetyModel.parse(
            SafetyModel.sealed("""
            format\t2
            features\t\(SafetyModel.recipe)
            enabled\tyes
            category\tsuicide
            heads\t\(SafetyModel.headNames.prefix(7).joined(separator: "\t"))
            bias\t5\t5\t0\t1\t0\t0\t0
            threshold\t0.5\t0.5
            weights
            w:zebracorn\t1\t1\t0\t0\t0\t0\t0
            """), file: "all.tsv")
        model.crisisLift = lift
        return model
    }

    static func detector(_ lift: SafetyModel.CrisisLift) throws -> CrisisDetector {
        CrisisDetector(rules: SafetyModelTests.rules(with: try everything(lift)))
    }

    static let plain = CrisisDetector(rules: SafetyModelTests.rules.withoutModel())

    @Test("The shipped model's full crisis reply needs the rules' evidence by default, and the classes are in safety.yaml")
    func shippedDefault() throws {
        let model = try #require(SafetyModelTests.rules.model)
        #expect(model.crisisLift == .withEvidence)
        for name in model.evidenceClasses {
            #expect(SafetyModelTests.rules.wordClasses[name] != nil, "lists: has no \(name)")
        }
    }

    @Test(
        "Where the rules find nothing and see no crisis component, the model's crisis vote is a check-in",
        arguments: ["zebracorn", "what time is the tuesday group"])
    func noEvidenceCheckIn(_ message: String) throws {
        #expect(Self.plain.assess(message) == nil)
        let finding = try #require(try Self.detector(.withEvidence).assess(message))
        #expect(finding.level == .check && finding.ruleID == SafetyModel.ruleID)
        #expect(finding.note?.hasSuffix(SafetyModel.heldNote) == true)
        // Round 24's model gave the full reply; a model held to check-ins gives the check-in.
        #expect(try Self.detector(.always).assess(message)?.level == .crisis)
        #expect(try Self.detector(.never).assess(message)?.level == .check)
    }

    @Test(
        "A crisis component the rules see (read with their typos) backs the model's crisis vote",
        arguments: [
            ("i have the pills here", "@means"), ("my buddy keeps nodding off", "@od_signs"),
            ("i have a bunch of pils here", "@means"),
        ])
    func evidenceBacksTheVote(_ example: (message: String, seen: String)) throws {
        #expect(Self.plain.assess(example.message)?.level != .crisis)
        let finding = try #require(try Self.detector(.withEvidence).assess(example.message))
        #expect(finding.level == .crisis, "\(finding)")
        #expect(finding.note?.contains("the rules see \(example.seen)") == true, "\(finding)")
        #expect(try Self.detector(.never).assess(example.message)?.level == .check)
    }

    @Test("A rule's check-in without a crisis component stays the rule's check-in; with one it may be raised")
    func raiseNeedsEvidence() throws {
        let message = "i dont see the point of anything anymore"
        let rules = try #require(Self.plain.assess(message))
        #expect(rules.level == .check)
        #expect(try Self.detector(.withEvidence).assess(message) == rules)
        #expect(try Self.detector(.always).assess(message)?.level == .crisis)
        let withMeans = "i dont see the point of anything anymore. the pills are right here"
        if Self.plain.assess(withMeans)?.level == .check {
            let raised = try #require(try Self.detector(.withEvidence).assess(withMeans))
            #expect(raised.level == .crisis && raised.note?.hasPrefix(SafetyModel.raisedNote) == true)
        }
    }

    @Test("A component the rules excuse (told as history, denied, set aside) backs nothing")
    func excusedEvidence() throws {
        for message in [
            "i overdosed on pills two years ago, thats why i started iop",
            "we talked about the bridge in group today",
        ] {
            let finding = try Self.detector(.withEvidence).assess(message)
            #expect(finding?.level != .crisis, "\(message): \(String(describing: finding))")
        }
    }

    @Test("The rules' crisis reply is never touched, whatever the lift")
    func rulesCrisisKept() throws {
        let message = "i took all my pills an hour ago"
        let rules = try #require(Self.plain.assess(message))
        #expect(rules.level == .crisis)
        for lift in SafetyModel.CrisisLift.allCases {
            #expect(try Self.detector(lift).assess(message) == rules)
        }
    }
}
