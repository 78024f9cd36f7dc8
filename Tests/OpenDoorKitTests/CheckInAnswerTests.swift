import Testing

@testable import OpenDoorKit

/// Answers to the safety check-in, and the callback form around it, read as sentences (QA defects of issues 9
/// and 11): the kinds of answer, not a list of strings.
@Suite("Check-in answers and form sentences")
struct CheckInAnswerTests {
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    private func conversation() -> Conversation {
        var conversation = ConversationTests.assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        return conversation
    }

    private func say(_ messages: [String], to conversation: inout Conversation) -> Reply {
        var last = Reply(text: "", intent: .fallback, source: "")
        for message in messages {
            guard case .reply(let reply) = conversation.receive(message) else {
                Issue.record("expected a reply to “\(message)”")
                return last
            }
            last = reply
        }
        return last
    }

    @Test(
        "A yes to “are you having thoughts…”, said any way, is worrying",
        arguments: [
            "honestly, yes", "to be honest yes", "all the time", "i mean yeah", "ye", "well yeah", "lately yes",
            "constantly", "its crossed my mind", "i think about it a lot", "ive thought about it", "every day",
            "more than i want to admit", "yeah pretty much", "most days tbh", "it has crossed my mind lately",
            "not all the time", "sometimes", "no. i already took them all", "no but i have the pills right here",
            "not really, but sometimes i wish i wouldnt wake up", "im not ok",
        ])
    func worrying(_ message: String) {
        #expect(Self.answers.checkIn(message, worrying: .yes) == .worrying, "“\(message)”")
    }

    @Test(
        "A no, said any way, is reassuring",
        arguments: [
            "no", "hell no", "lol no", "nah im ok just tired", "nope, just a rough day", "not at all",
            "i dont think about it", "no i dont have a plan or anything", "never", "no, just having a rough day",
            "no. 470 555 0123", "naw im good",
        ])
    func reassuring(_ message: String) {
        #expect(Self.answers.checkIn(message, worrying: .yes) == .reassuring, "“\(message)”")
    }

    @Test(
        "Evasive or unrelated answers are unclear",
        arguments: ["does it matter", "why are you asking me that", "i dont want to talk about it", "whatever", "ok"])
    func unclear(_ message: String) {
        #expect(Self.answers.checkIn(message, worrying: .yes) == .unclear, "“\(message)”")
    }

    @Test(
        "What must be done, said with “i do” or “i have”, is no yes (QA37 S2-1)",
        arguments: [
            "i do have to start over though right", "and do i have to start over", "i have to work at 5 tho",
            "i have to go pick up my kid", "do i need to redo intake",
        ])
    func obligationIsNoYes(_ message: String) {
        #expect(Self.answers.checkIn(message, worrying: .yes) != .worrying, "“\(message)”")
    }

    @Test("“i do” and “i have” are still a yes when nothing to be done follows", arguments: ["i do", "i do, every day", "i have, a lot", "yes i do have them"])
    func doAndHaveStillYes(_ message: String) {
        #expect(Self.answers.checkIn(message, worrying: .yes) == .worrying, "“\(message)”")
    }

    @Test("To “are you safe right now?” a no is worrying and a yes reassuring")
    func areYouSafe() {
        #expect(Self.answers.checkIn("no", worrying: .no) == .worrying)
        #expect(Self.answers.checkIn("not really", worrying: .no) == .worrying)
        #expect(Self.answers.checkIn("yeah im safe", worrying: .no) == .reassuring)
        #expect(Self.answers.checkIn("im ok", worrying: .no) == .reassuring)
    }

    @Test(
        "To “are you safe right now?” a when or a how often is no answer, never a yes (QA24 S1-3)",
        arguments: ["tonight", "let me think about it", "lately", "all the time", "i think about it a lot", "rn"])
    func whenIsNoSafeAnswer(_ message: String) {
        #expect(Self.answers.checkIn(message, worrying: .no) == .unclear, "“\(message)”")
        // The same words still say yes to the question about thoughts of suicide.
        #expect(Self.answers.checkIn(message, worrying: .yes) == .worrying, "“\(message)”")
    }

    @Test("A plain yes to “are you safe right now?” with a when in it is still heard (QA24 S1-3)")
    func safeWithWhen() {
        #expect(Self.answers.checkIn("yeah im safe right now", worrying: .no) == .reassuring)
        #expect(Self.answers.checkIn("yes tonight im ok", worrying: .no) == .reassuring)
        #expect(Self.answers.checkIn("not tonight", worrying: .no) == .worrying)
    }

    @Test(
        "Names said in sentences, and what is not a name",
        arguments: [
            ("its Jo btw", "Jo"), ("just call me Jay", "Jay"), ("my name is Jo but dont tell anyone", "Jo"),
            ("Sam", "Sam"), ("it's Dana", "Dana"), ("hi, its Ana", "Ana"), ("you can call me Mo thanks", "Mo"),
            ("hello", nil), ("ok", nil), ("thanks", nil), ("yes", nil), ("idk", nil), ("this is goodbye", nil),
            ("weekends only honestly", nil), ("im exhausted", nil), ("mornings", nil), ("what?", nil),
        ] as [(String, String?)])
    func names(_ message: String, _ expected: String?) {
        #expect(Self.answers.name(in: message) == expected, "“\(message)”")
    }

    @Test(
        "Times said as days, ranges or “now” are kept as said with a part of the day",
        arguments: [
            // Days that recur, two days, or hours over two parts of the day are "as said", never "any time" (QA22 W8).
            ("weekends", BestTime.asSaid), ("saturdays", .asSaid), ("tuesday or thursday", .asSaid), ("mon-fri 9-5", .asSaid),
            ("between 2 and 4", .afternoon), ("not before noon", .afternoon), ("right now", .asSaid),
            ("fridays after 6", .evening), ("between 9 and 11am", .morning), ("after 5 on weekdays", .evening),
        ])
    func times(_ message: String, _ expected: BestTime) {
        let time = TimeAnswer(message, options: [], words: Self.answers)
        #expect(time?.time == expected, "“\(message)”")
        #expect(time?.said == message, "“\(message)”")
    }

    @Test("Words that name no time are not a time", arguments: ["hello", "dana", "i dont know", "2"])
    func notTimes(_ message: String) {
        #expect(TimeAnswer(message, options: [], words: Self.answers)?.said == nil)
    }

    @Test(
        "Cancel sentences at any step",
        arguments: [
            ("scratch that, dont call me", true), ("ugh nevermind i dont want to give my number", true),
            ("eh cancel all of it", true), ("actually nvm i dont want a call", true), ("oh forget it honestly", true),
            ("stop by tomorrow after lunch is best", false), ("evenings", false), ("its Jo", false),
        ])
    func cancels(_ message: String, _ expected: Bool) {
        #expect(Self.answers.cancels(message) == expected, "“\(message)”")
    }

    @Test("A crisis reply mid-form shows no step buttons, and the next yes goes back to the step, not answering it")
    func crisisMidForm() {
        // Before a number is given: once one is, the crisis reply offers to send it, and a yes takes that (QA23 W16).
        var conversation = conversation()
        _ = say(["can someone call me", "yes"], to: &conversation)
        #expect(conversation.state == .callbackName)
        let check = say(["whats the point of anything"], to: &conversation)
        #expect(check.intent == .crisisCheck && check.options.isEmpty)
        let crisis = say(["yeah"], to: &conversation)
        #expect(crisis.intent == .crisis && crisis.options.isEmpty)
        // A bare yes right after a crisis reply doesn't stand for "I'm safe": the question comes first.
        let asked = say(["yes"], to: &conversation)
        #expect(asked.text.lowercased().contains("are you safe right now") && asked.options.isEmpty)
        let back = say(["yes"], to: &conversation)
        #expect(conversation.state == .callbackName)
        #expect(!back.options.isEmpty)
        _ = say(["Sam"], to: &conversation)
        #expect(conversation.state == .callbackPhone)
    }

    @Test("A check-in about someone else who took something asks about an overdose; yes gives the overdose reply")
    func someoneElse() {
        var conversation = conversation()
        let check = say(["my bf took something and hes acting off"], to: &conversation)
        #expect(check.crisis)
        #expect(check.safety?.category == .overdose)
        // The learned model may give the crisis reply at once; a check-in's yes gives the same category's reply.
        if check.intent == .crisisCheck {
            let crisis = say(["yes"], to: &conversation)
            #expect(crisis.intent == .crisis && crisis.safety?.category == .overdose)
        }
    }

    @Test("What was typed with a no is kept: a number at the phone step")
    func carriedNumber() {
        var conversation = conversation()
        _ = say(["can someone call me", "yes", "skip", "whats the point"], to: &conversation)
        let back = say(["no. 470 555 0123"], to: &conversation)
        #expect(!back.crisis)
        #expect(conversation.state == .callbackTime)
    }

    @Test("Check-in and crisis copy use curly apostrophes like the rest")
    func curly() {
        let safety = ConversationTests.assistant.safety
        for category in CrisisCategory.allCases {
            #expect(!safety.reply(for: category).contains("'"), "\(category)")
            #expect(!safety.checkIn(for: category).contains("'"), "\(category)")
        }
    }
}
