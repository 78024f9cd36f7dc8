import Foundation
import Testing

@testable import OpenDoorKit

/// Round 20 (issue 9, s20-crisis): passive wishes said indirectly, loose preparations and goodbyes meant, and the
/// look-alikes that raised alarms on unseen sets: a crisis told as history with detail, questions about symptoms or
/// about how the program handles a crisis, ordinary goodbyes and settled affairs, idioms with a laugh. Messages
/// written for these tests, none from an evaluation file.
@Suite("Crisis check, round 20: indirect wishes, loose plans, history and questions")
struct CrisisRoundTwentyTests {
    private var safety: CrisisDetector { ConversationTests.assistant.safety }

    private func level(_ message: String) -> SafetyLevel? { safety.assess(message)?.level }

    @Test(
        "Passive wishes and hopelessness said indirectly: at least the check-in",
        arguments: [
            "my wife and kids would be happier if i wasnt around", "honestly everybody would be better off",
            "some mornings im hoping a bus runs me over", "i pray at night that i dont wake up",
            "dont think i can take this much longer", "nobody needs me", "what am i even staying alive for",
            "if i vanished tomorrow nobody would notice", "ive outlived my usefulness",
        ])
    func passiveWishes(_ message: String) {
        #expect(level(message) != nil, "\(message)")
    }

    @Test(
        "Someone else's passive wish: at least the check-in",
        arguments: ["my dad says life has no meaning anymore", "she doesnt care about anything anymore"])
    func someoneElsesWish(_ message: String) {
        #expect(level(message) != nil, "\(message)")
    }

    @Test(
        "Loose preparations and goodbyes meant: at least the check-in",
        arguments: [
            "figured out who gets my guitar and my car", "wrote my passwords down and put them in the drawer for my brother",
            "see yall on the other side", "it was good knowing everyone", "dont cry over me",
        ])
    func preparations(_ message: String) {
        #expect(level(message) != nil, "\(message)")
    }

    @Test(
        "A plan told loosely: not to be talked out of it, someone to find them, a spot, ways looked up: the crisis reply",
        arguments: [
            "please dont try to talk me out of it", "left a letter on the dresser for my husband to find",
            "sorry to whoever finds me", "found a quiet spot to do it", "if i dont answer its because i went through with it",
            "been googling how many it would take", "gonna take the rest of my oxys all at once tonight",
            "already picked out the overpass",
        ])
    func loosePlans(_ message: String) {
        #expect(level(message) == .crisis, "\(message)")
    }

    @Test(
        "History told with detail, symptom and policy questions, ordinary goodbyes, idioms: no alarm",
        arguments: [
            "how long do the night sweats last after quitting drinking",
            "after i got out of the psych ward i stopped going to group. doing better now",
            "what would staff do if someone in group said they were suicidal", "what does a seizure from withdrawal look like",
            "this is my last message for a while, heading out of town", "said my goodbyes to my old job, new one starts monday",
            "giving away my old couch before i start treatment", "im at the end of my rope with this website",
            "can i take all my meds at once in the morning", "i cant do this alone anymore, i need help getting back to group",
            "see you on the other side of detox", "it was nice meeting you all, moving to texas next week",
            "no overdoses since i got clean in 2022", "i used to burn myself. ive been free of it for two years now",
        ])
    func lookAlikes(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }
}

/// Round 20 (issue 9, s20-crisis): danger told plainly or hinted. Messages written for these tests.
@Suite("Crisis check, round 20: danger at home, threats meant, an urge to hurt someone")
struct CrisisRoundTwentyDangerTests {
    private var safety: CrisisDetector { ConversationTests.assistant.safety }

    @Test(
        "A threat said to be meant, a weapon at someone's door, about to go hurt someone: the danger reply",
        arguments: [
            "my husband said hell kill me if i leave and he means it", "im parked outside her house with a gun right now",
            "about to go beat up the guy who robbed me",
        ])
    func dangerCrisis(_ message: String) {
        let finding = safety.assess(message)
        #expect(finding?.level == .crisis, "\(message)")
        #expect(finding?.category == .danger, "\(message)")
    }

    @Test(
        "Fear of someone at home, a safe place needed, bruises hidden, an urge to hit, revenge dwelt on: the check-in",
        arguments: [
            "scared of what he will do when he gets home", "my stepdad scares me", "i need a safe place to stay tonight",
            "when he drinks it gets violent", "she keeps covering up her bruises", "i have this urge to hit somebody",
            "cant stop fantasizing about revenge on my ex",
        ])
    func dangerCheckIn(_ message: String) {
        #expect(safety.assess(message) != nil, "\(message)")
    }

    @Test(
        "Home too noisy for a call, a rough game, a scare for fun, picking a child up: no alarm",
        arguments: [
            "home isnt a good place for zoom calls, can i come in person", "the game got really physical last night lol",
            "my dad scared me when he snuck up behind me lol", "about to go get him from school then i can call",
        ])
    func dangerLookAlikes(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }
}
