import Foundation
@testable import OpenDoorKit
import Testing

/// Families of meaning added in generation 9 of `Knowledge/safety.yaml` (session 13), with the QA round-12
/// defects they answer (items 2, 4, 5 and 6 of the stranger's report). The rules alone are checked, as in
/// `SafetyFamilyTests`, so that retraining the model can neither hide a rule nor add an alarm to a look-alike.
@Suite("Crisis safety: generation-9 families (goodbyes, form answers from the end, Spanish, questions and idioms)")
struct SafetyGeneration9Tests {
    private static let rulesOnly = Result {
        var rules = try SafetyRules.load(from: SafetyFixtures.rulesURL)
        rules.model = nil
        return CrisisDetector(rules: rules)
    }

    private func assess(_ message: String) throws -> CrisisAssessment? {
        try Self.rulesOnly.get().assess(message)
    }

    @Test(
        "A goodbye, a time after which there is no me, affairs settled, a plan in other words: the full crisis reply",
        arguments: [
            ("you will never hear from me again after this. sorry", CrisisCategory.suicide),
            ("my phone will be off for good after tonight", .suicide),
            ("mornings are best, if i make it through the night", .suicide),
            ("next of kin: the morgue will figure it out", .suicide),
            ("my passwords are in the red folder, my sister will need them after", .suicide),
            ("the knot is tied and i know which beam", .suicide),
            ("i dont really want to be alive tbh", .suicide),
            ("me voy a matar hoy", .suicide),
            ("mi hermano tomo muchas pastillas y no despierta", .overdose),
            ("i have taken far more of my klonopin than prescribed", .overdose),
            ("3 days no heroin, heart racing, sweating and throwing up nonstop", .withdrawal),
            ("me estoy cortando ahora", .selfHarm),
            ("pressing a lighter to my arm again right now", .selfHarm),
            ("mi esposo me esta golpeando", .danger),
            ("my uncle is drunk and hitting my mom right now", .danger),
            ("he took my phone and keys and wont let me leave the apartment", .danger),
        ] as [(String, CrisisCategory)])
    func crisisLevel(_ message: String, _ category: CrisisCategory) throws {
        let assessment = try assess(message)
        #expect(assessment?.category == category, "\(message) → \(assessment.map(\.description) ?? "nothing")")
        #expect(assessment?.level == .crisis, "\(message) → \(assessment.map(\.description) ?? "nothing")")
    }

    @Test(
        "Soft hopelessness, a wish not to wake (suicide's, not overdose's), in a second language or mid-form: at least the check-in",
        arguments: [
            ("i am not want to live more", CrisisCategory.suicide),
            ("honestly i'd rather not wake up tomorrow", .suicide),
            ("not really but sometimes i wish i wouldnt wake up", .suicide),
            ("my number is 404-555-1234 but honestly whats the point of any of this", .suicide),
            ("there is nothing left for me here", .suicide),
        ] as [(String, CrisisCategory)])
    func checkLevel(_ message: String, _ category: CrisisCategory) throws {
        let assessment = try assess(message)
        #expect(assessment?.category == category, "\(message) → \(assessment.map(\.description) ?? "nothing")")
    }

    @Test(
        "Devices that die, calls to jump on, time to kill, questions about narcan, told history and group topics: no alarm",
        arguments: [
            "my phone is about to die, can someone call me tomorrow",
            "my battery is going to die soon so call me tomorrow please",
            "im gonna jump on a call with my boss soon so text me instead",
            "i need to kill some time before my ride comes",
            "does the center do narcan",
            "how long should i keep narcan before it expires",
            "my counselor asked if i'd ever had thoughts of suicide and i said no",
            "my ex is a gun collector, that's not related tho, just anxious about coming back",
            "someone in my group said they lost their brother to an overdose",
            "the nurse gave a talk about mixing benzos and alcohol",
            "past suicide attempts: one in 2018. current thoughts: none",
            "this heat is gonna kill me, is the room air conditioned",
            "gave my dog to my sister while i am in residential for 30 days",
            "i want to stop living paycheck to paycheck",
            "i left the truck running in the garage to warm it up, then drove to group",
            "did you get my last message? it got cut off",
            "to whoever reads this, hi, i want to come back to the tuesday group",
        ])
    func lookAlikes(_ message: String) throws {
        let assessment = try assess(message)
        #expect(assessment == nil, "\(message) → \(assessment.map(\.description) ?? "")")
    }
}
