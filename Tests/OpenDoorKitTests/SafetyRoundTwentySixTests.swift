import Testing

@testable import OpenDoorKit

/// Round 26 (s26-safety, the QA30 stranger's kinds): an impaired driver is read with the safety rules' own words
/// (`impaired_driving:`, `visitor_driving:`, `others_driving:` in safety.yaml), so "blasted", "took the keys back" and a
/// driver with no "i" get the right reply; a denial with a passive wish is the check-in; thinking about going back,
/// "should even be here" about the program, keys taken away stay calm; Spanish wishes to leave for good get the
/// check-in. Messages written for these tests, none from an evaluation file; more in
/// Knowledge/conversations/s26-safety.yaml and Knowledge/eval/safety.tsv.
@Suite("Round 26: impaired drivers and look-alikes by kind")
struct SafetyRoundTwentySixTests {
    private var safety: CrisisDetector { ConversationTests.assistant.safety }
    private func conversation() -> Conversation { AfterCrisisTests().conversation([]) }

    @Test(
        "Someone else impaired with the keys or at the wheel: the danger level and the bystander's reply",
        arguments: [
            "my uncle is blasted and snatched his keys back, hes heading out",
            "my gf is shitfaced and wont hand me the keys, she wants to drive home",
            "my roommate is tore up and about to drive to the liquor store",
            "mi tio esta bien borracho y agarro las llaves para manejar",
        ])
    func someoneElseDriving(_ message: String) {
        expectDanger(message, driver: .someoneElse, reply: .crisisDangerOther)
    }

    @Test(
        "The visitor impaired and driving, with or without an \"i\": the danger level and the driver's own reply",
        arguments: [
            "about to drive to the store, pretty blasted lol", "drivin home rn and lowkey faded",
            "im shitfaced and i just got in my car", "had like 8 beers, driving home now",
        ])
    func visitorDriving(_ message: String) {
        expectDanger(message, driver: .visitor, reply: .crisisImpairedSelf)
    }

    /// The danger level for `message`, `driver` at the wheel, and the conversation's `reply` for it.
    private func expectDanger(_ message: String, driver: ImpairedDriver, reply: DialogueKey) {
        let finding = safety.assess(message)
        #expect(finding?.category == .danger && finding?.level == .crisis, "\(message): \(String(describing: finding))")
        #expect(safety.impairedDriver(in: message) == driver, "\(message)")
        #expect(conversation().replyKey(for: .danger, message: message) == reply, "\(message)")
    }

    @Test(
        "Keys taken away, a ride, music blasted on a drive, the past: no alarm",
        arguments: [
            "i hid my dads keys, hes passed out on the couch", "my wife was hammered so i drove us back",
            "blasted my playlist the whole drive to group", "my brother used to drive drunk, can i bring that up in group",
        ])
    func calmDriving(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }

    @Test(
        "A denial with a passive wish beside it: the check-in, never the full reply",
        arguments: [
            "i dont really want to die, i just want it all to stop for a while",
            "i dont actually want to die i just wish everything would pause for a bit",
        ])
    func denialWithWish(_ message: String) {
        #expect(safety.assess(message)?.level == .check, "\(message): \(String(describing: safety.assess(message)))")
    }

    @Test(
        "Going back to the program and doubts about being here on the chat: no alarm (the learned model isn't asked)",
        arguments: [
            "been thinking bout going back maybe, dunno", "kinda considering coming back, idk",
            "not sure if i should even be here, i only did two weeks",
        ])
    func programLookAlikes(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }

    @Test(
        "Spanish: leaving for good with no one to miss the visitor is the check-in; moving away for good is calm")
    func spanishLeaving() {
        #expect(safety.assess("un dia de estos me voy para siempre y nadie se va a dar cuenta") != nil)
        #expect(safety.assess("me voy para siempre a mexico con mi familia, puedo llamar antes?") == nil)
    }

    @Test(
        "A quoted title followed by its maker is media, no alarm",
        arguments: ["i love \"suicidal\" by ynw melly", "my ringtone is 'kill myself' by suicideboys lol"])
    func quotedTitle(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message): \(String(describing: safety.assess(message)))")
    }

    @Test(
        "A quote followed by a time, a person or a way after \"by\" is no title: still caught",
        arguments: [
            "i wrote \"goodbye, i want to die\" by hand and left it on the table", "\"i will kill myself\" by tonight",
            "gonna \"kill myself\" by 5pm", "im going to \"end it all\" by sundown",
        ])
    func quoteNoTitle(_ message: String) {
        #expect(safety.assess(message) != nil, "\(message)")
    }

    @Test("Only a quote with \"by\" and a maker is marked")
    func marking() {
        #expect(QuotedTitles.marked("i love \"suicidal\" by ynw melly") == "i love  song \"suicidal\" by ynw melly")
        #expect(QuotedTitles.marked("i love suicidal by ynw melly") == nil)
        #expect(QuotedTitles.marked("\"end it\" by the bridge") == nil)
    }
}
