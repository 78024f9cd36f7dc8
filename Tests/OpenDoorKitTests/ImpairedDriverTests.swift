import Testing

@testable import OpenDoorKit

/// Round 24 (QA26): an impaired driver is read from the danger message's own words (`impaired_now`, `driving_now`,
/// `driving_myself` in dialogue.yaml), not from the name of the rule that fired: the visitor at the wheel gets the
/// driver's reply, anyone else's driving the bystander's. Messages written for these tests.
@Suite("Impaired drivers (QA26)")
struct ImpairedDriverTests {
    private func conversation() -> Conversation { AfterCrisisTests().conversation([]) }

    @Test(
        "The visitor drunk or high and about to drive gets the driver's reply",
        arguments: [
            "im really drunk and about to drive home", "im hammered and i have to drive back from the party",
            "im so high rn but im driving myself home", "drank a fifth and im about to drive",
        ])
    func ownDriving(_ message: String) {
        #expect(conversation().replyKey(for: .danger, message: message) == .crisisImpairedSelf, "\(message)")
    }

    @Test(
        "Someone else drunk or high and driving, the visitor to be driven too, gets the bystander's reply",
        arguments: [
            "my sister is high af and wont give me her keys, shes gonna drive",
            "my dad is drunk and about to drive to the store", "my mom is high and wants to drive me to school",
            "im scared, my boyfriend is wasted and just got in the car to drive",
        ])
    func someoneElsesDriving(_ message: String) {
        #expect(conversation().replyKey(for: .danger, message: message) == .crisisDangerOther, "\(message)")
    }

    @Test("Danger with no driving keeps its own reply")
    func noDriving() {
        #expect(conversation().replyKey(for: .danger, message: "my husband is drunk and hitting me") == nil)
    }
}
