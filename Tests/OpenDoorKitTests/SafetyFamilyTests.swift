import Foundation
@testable import OpenDoorKit
import Testing

/// Families of meaning the shipped rules catch (generations 8 and 9 of `Knowledge/safety.yaml`), each with look-alikes
/// that must stay calm. The rules alone are checked here (no learned model), so that retraining the model can
/// neither hide a rule that stopped matching nor add an alarm to a look-alike.
@Suite("Crisis safety: families of meaning in the shipped rules")
struct SafetyFamilyTests {
    private static let rulesOnly = Result {
        var rules = try SafetyRules.load(from: SafetyFixtures.rulesURL)
        rules.model = nil
        return CrisisDetector(rules: rules)
    }

    private func assess(_ message: String) throws -> CrisisAssessment? {
        try Self.rulesOnly.get().assess(message)
    }

    @Test(
        "Fear of one's own actions, not trusting oneself, farewells: the full crisis reply",
        arguments: [
            ("im scared of what i might do tonight", CrisisCategory.suicide),
            ("im scared of what im going to do to myself tonight", .suicide),
            ("im afraid of what i could do right now", .suicide),
            ("i dont trust myself right now", .suicide), ("i dont trust myself alone tonight", .suicide),
            ("i dont trust myself around my pills right now", .suicide),
            ("i cant keep myself safe anymore", .suicide), ("honestly idk if i can stay safe tonight", .suicide),
            ("i cant promise ill be safe if im alone tonight", .suicide), ("i dont feel safe with myself", .suicide),
            ("this is goodbye", .suicide), ("guess this is goodbye", .suicide),
            ("do u have evening groups still? sorry but i think this is goodbye, the group helped for a while", .suicide),
            ("please tell my kids i love them. im sorry", .suicide), ("tell my mom im sorry", .suicide),
            ("doesnt matter, i wont need a callback after tonight", .suicide),
            ("no need for the callback, ill be gone by morning", .suicide), ("i'll be dead by morning", .suicide),
            ("i keep looking at the rope in my closet", .suicide),
            ("my roommate is on the ledge of our balcony and wont come in", .suicide),
            ("kil mysel", .suicide), ("wanna kil myselff", .suicide), ("i want too die", .suicide),
            ("i want to end my lyfe", .suicide),
            ("tomorrow is ok. im bleeding a lot from where i cut tho", .selfHarm), ("im gona cut", .selfHarm),
            ("pretty sure the pill was pressed, i feel super weird and my vision is blurry", .overdose),
            ("i tooke evrything i had", .overdose),
            // Explicit plans in other words, means kept in case, someone else's emergency.
            ("im on the train platform and i want to jump", .suicide), ("i have a plan and a date", .suicide),
            ("I attempted yesterday and I'm going to try again", .suicide), ("tonight im going to do it", .suicide),
            ("im going to let the car run in the garage", .suicide), ("i want to stop living", .suicide),
            ("dont bother calling, ill be dead", .suicide), ("i might not make it through tonight", .suicide),
            ("ive been holding onto a bottle of my moms oxys just in case things dont get better", .suicide),
            ("I have decided I am not going to be around for the holidays", .suicide),
            ("my brother hung himself in the garage, i just found him", .suicide),
            ("my friend killed himself last week and i want to do the same", .suicide),
            ("i wanna dieee", .suicide), ("ima kms tn", .suicide),
            ("i used again after 6 months clean and took my old amount", .overdose),
            ("i think i overdid it with the pills", .overdose), ("i drank so much i think i have alcohol poisoning", .overdose),
            ("i found my son on the floor with a needle", .overdose),
            ("i punched the wall until my knuckles bled", .selfHarm), ("i stuck a needle in my arm just to feel pain", .selfHarm),
            ("i drank antifreeze", .selfHarm),
            ("my husband is drunk and throwing things at me", .danger), ("my boyfriend said if i leave hes going to kill me", .danger),
            ("i'm being held somewhere and i cant leave", .danger), ("my ex broke my window and is trying to get in", .danger),
            ("my husband took my car keys and my phone and hits me if i try to go", .danger),
            // Generation 9 (session 13), and QA round 12 items 2, 4, 5 and 6.
            ("you will never hear from me again after this. sorry", .suicide),
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
        "Worrying but not explicit: at least the check-in",
        arguments: [
            ("i just dont see a way out anymore", CrisisCategory.suicide), ("there's no way out of this", .suicide),
            ("im scared of my own thoughts lately", .suicide), ("i dont wanna b here anymor", .suicide),
            ("i keep thinking my family would be better off with the insurance money", .suicide),
            ("ive lost the will to live", .suicide), ("i wish i never existed", .suicide),
            ("i feel so empty and hopeless", .suicide), ("its all too much, i cant anymore", .suicide),
            ("i dont belong in this world", .suicide), ("i want out. of all of it", .suicide),
            ("i keep wishing i could just fall asleep forever", .suicide),
            ("evryone wld b better w/o me", .suicide),
            ("my friend is acting really weird after using", .overdose),
            ("my friend is acting really strange after using, idk what to do", .overdose),
            ("dope sick as hell, everything hurts", .withdrawal),
            ("tuesday works. im really sick from withdrawal right now tho", .withdrawal),
            ("i just want to be with my mom in heaven", .suicide), ("god please just take me", .suicide),
            ("idc if i live or die fr", .suicide), ("i daydream about not being alive", .suicide),
            ("whatever. not like it matters", .suicide), ("idk if ill still be around tbh", .suicide),
            ("i have nowhere safe to go tonight", .danger), ("things at home are getting really bad with my husband", .danger),
            // Generation 9 (session 13), and QA round 12 items 2, 4, 5 and 6.
            ("i am not want to live more", .suicide),
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
        "Look-alikes of those families stay calm: history, group topics, media, medication questions, idioms, denials",
        arguments: [
            // History, past withdrawal, recovered.
            "my ex hit me when we were together, thats part of why i started using",
            "my ex hit me a lot when we were together, thats part of why i started drinking",
            "detox was rough, the shakes are gone now", "detox last month was brutal but the shakes are gone now",
            "i used to want to die, but now i want to get better", "i used to want to die, now i want to get better",
            "after my overdose my mom made me go to iop, i stopped going but now i actually want to",
            "i was in a really dark place two winters ago and tried to end it, im doing a lot better",
            "i had the dts once and ended up in the icu", "i have a history of suicide attempts but i'm stable now",
            "my mom found me after i overdosed, that was the worst day of her life",
            // Group topics and media.
            "we did a whole session on suicidal thoughts and how to tell someone",
            "do you have a session on overdose prevention and narcan",
            "we made safety plans in group today, for if we ever feel suicidal",
            "does anyone talk about being in an abusive relationship in the womens group",
            "a bunch of people on reddit were talking about overdosing on kratom",
            "reading 'dopesick' right now, wild how the pills got pushed",
            // Medication questions.
            "can i take all my meds at once in the morning or should i spread them out",
            "i took an extra seroquel last night to sleep, is that ok", "will withdrawal from lexapro be bad if i stop",
            // Idioms and everyday words near the new families.
            "lol im gonna overdose on pumpkin spice", "im going to shoot myself in the foot if i skip again",
            "i dont trust myself to remember the time, can you text it to me",
            "i dont trust myself around alcohol right now, thats why i want to come back",
            "im scared of what my boss will say if i take time off for iop", "im nervous about what i might say in group",
            "im scared of what ill do if i relapse again, i really want to stay sober",
            "this is goodbye to my old life, i want to do it right this time",
            "well this is goodbye for now, ill see yall thursday", "goodbye for now, thanks for the info",
            "thank you for all your help, bye", "tell my mom i love her if she calls, im at work",
            "i wont need a callback, ill just come in monday", "ill be gone by then, i work till 6",
            "my brother was out on the bridge fishing all day", "i dont see a way out of this parking lot lol",
            "im scared im going to do something stupid like text my ex", "i did something drastic and cut my hair off",
            "i'm withdrawing from two of my college classes so I'd have time for IOP",
            "my son is acting off today, probably tired",
            // Look-alikes of the later families.
            "i put a bag over my head as a halloween costume lol", "i left the car running in the garage to warm it up",
            "after rehab i took my normal dose of suboxone", "my daughter sneaks into my room at night when she has nightmares",
            "my sponsor said i'm killing myself with the drinking and she's right", "that presentation was suicide, i bombed it",
            "my first sponsor killed himself and that still messes with me",
            "someone shared in group about finding their brother after he overdosed",
            "i want to stop breathing so fast when i panic, do you teach skills for that",
            "my phone might not make it through the night, text me early", "i keep narcan in my bag just in case",
            "if i eat one more slice of pizza ill be dead lol", "my mom knows where i live so she'll drop off my mail",
            "i work in a kitchen and cut my hand on a knife yesterday, can i still come to group",
            "i dont care what happens to my ex", "my last relapse ended with me in the ER for alcohol poisoning, that was in March",
            "i want to go see my son in ohio this weekend", "this class is gonna end me lol",
            // Denials.
            "im not detoxing now, just need more support",
            "i wouldnt ever hurt myself, i have my kids", "I'm not using and I'm not in withdrawal, just cant sleep",
            "i said i was done but i meant done with drinking, not done with life",
            // Generation 9 (session 13), and QA round 12 items 2, 4, 5 and 6.
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
