import Foundation
import Testing

@testable import OpenDoorKit

/// QA20's form findings: sentences at the steps, a story's past time, typos, names, notes at the summary, and the
/// way back after a safety question.
@Suite("Round 18: the callback form reads sentences")
struct FormQA20Tests {
    static var assistant: Assistant { ConversationTests.assistant }
    static var dialogue: DialogueText { assistant.knowledge.dialogue }
    static let answers = StepAnswer(Fixtures.knowledge.dialogue)

    /// The replies to `messages` after the welcome, and the drafts saved (in memory) on the way.
    static func run(_ messages: [String]) -> (replies: [Reply], saved: [CallbackDraft]) {
        var conversation = assistant.makeConversation(channel: .terminal)
        _ = conversation.start()
        var replies: [Reply] = []
        var saved: [CallbackDraft] = []
        for (index, message) in messages.enumerated() {
            switch conversation.receive(message) {
            case .reply(let reply):
                replies.append(reply)
            case .save(let draft):
                saved.append(draft)
                let request = CallbackRequest(
                    id: Int64(index), reference: "KMV-FD8", created: Date(), draft: draft, channel: .terminal)
                replies.append(conversation.saved(request))
            }
        }
        return (replies, saved)
    }

    // MARK: - Typos at the steps

    @Test(
        "A step word one letter off is set right",
        arguments: [
            ("mornign", "morning"), ("vociemail", "voicemail"), ("evning", "evening"), ("afternon", "afternoon"),
            ("aftr", "after"), ("befor", "before"), ("weekdyas", "weekdays"), ("tomorow", "tomorrow"),
        ])
    func spellingCorrected(_ typed: String, _ meant: String) {
        #expect(FormSpelling.correction(of: typed) == meant)
    }

    @Test(
        "Right words, names and words two letters off are left alone",
        arguments: ["morning", "Evelyn", "cancer", "Nancel", "money", "Monica", "eve", "mor", "voice"])
    func spellingLeftAlone(_ word: String) {
        #expect(FormSpelling.correction(of: word) == nil)
    }

    @Test("A whole answer keeps its punctuation and other words")
    func spellingInText() {
        #expect(FormSpelling.corrected("no vociemail, thx!") == "no voicemail, thx!")
        #expect(FormSpelling.corrected("aftr 5 on weekdyas pls") == "after 5 on weekdays pls")
        #expect(FormSpelling.corrected("Sam") == "Sam")
    }

    @Test("One edit: added, removed, changed, or two letters swapped; nothing more")
    func oneEdit() {
        func apart(_ a: String, _ b: String) -> Bool { FormSpelling.oneEditApart(Array(a.utf8), Array(b.utf8)) }
        #expect(apart("mornign", "morning"))
        #expect(apart("mornng", "morning"))
        #expect(apart("morrning", "morning"))
        #expect(apart("morming", "morning"))
        #expect(!apart("morning", "morning"))
        #expect(!apart("mroningg", "morning"))
        #expect(!apart("evening", "morning"))
    }

    // MARK: - A story's past time

    @Test(
        "A clause telling of a time gone by is a story",
        arguments: [
            "my buddy od'd last weekend but narcan worked and hes fine now",
            "i used again last night after 3 months clean and i hate myself for it",
            "i got into a fight with my wife this morning and she said she'd leave",
            "i slipped yesterday", "it happened two days ago", "i drank today and feel awful",
        ])
    func toldAsPast(_ clause: String) {
        #expect(TimeAnswer.toldAsPast(clause, words: Self.answers))
    }

    @Test(
        "A time to call, or a wish said in the past tense, is no story",
        arguments: [
            "can someone call me this afternoon", "i was hoping for this evening", "tomorrow morning works",
            "call me tonight after 8", "this afternoon is best", "after 5 on weekdays",
        ])
    func notToldAsPast(_ clause: String) {
        #expect(!TimeAnswer.toldAsPast(clause, words: Self.answers))
    }

    @Test("A length of time is no hour: “3 months clean” says no time, “after 3” does")
    func durations() {
        #expect(TimeAnswer.timePart(of: "been clean 3 months", words: Self.answers) == nil)
        #expect(TimeAnswer.timePart(of: "after 3", words: Self.answers) == "after 3")
        #expect(TimeAnswer("sober 2 weeks", options: [], words: Self.answers) == nil)
    }

    @Test("A request that tells a story keeps no time from it; a time asked for beside it is kept")
    func storyInRequest() {
        let conversation = Self.assistant.makeConversation(channel: .terminal)
        let story = conversation.details(
            in: "my buddy od'd last weekend but narcan worked and hes fine now. can someone call me",
            plainNamesOnly: true)
        #expect(story.time == nil)
        let asked = conversation.details(in: "i slipped yesterday. call me tomorrow morning", plainNamesOnly: true)
        #expect(asked.time?.said == "tomorrow morning")
        let program = conversation.details(
            in: "hey its marcus, 706 555 0180, please call me tomorrow afternoon about getting back into iop",
            plainNamesOnly: true)
        #expect(program.time?.said == "tomorrow afternoon")
        #expect(program.name == "marcus")
        #expect(program.phone != nil)
    }

    @Test("A mistyped “after” is kept with the time")
    func misspelledShaper() {
        #expect(TimeAnswer("aftr 5 on weekdays pls", options: [], words: Self.answers)?.said == "aftr 5 on weekdays")
        #expect(TimeAnswer("aftr school like 4", options: [], words: Self.answers)?.said == "aftr school like 4")
    }

    // MARK: - Voicemail sentences

    @Test(
        "A voicemail wish inside a longer yes or no phrase is found",
        arguments: [
            ("a voicemail is ok but please don't say where you're calling from", AnswerWord.discreet),
            ("leaving a message is fine, please dont say who its from", .discreet),
            ("please dont leave a message", .noVoicemail),
        ])
    func voicemailInside(_ message: String, _ expected: AnswerWord) {
        #expect(Self.answers.read(message, among: [.noVoicemail, .discreet, .no, .yes]) == expected)
    }

    @Test("“looks right, go ahead” at the voicemail step saves a voicemail that doesn't name the center")
    func vagueYesIsPrivate() throws {
        let run = Self.run([
            "can someone call me", "yes", "Mara", "470 555 0188", "mornings", "huh", "looks right, go ahead",
            "yes",
        ])
        let draft = try #require(run.saved.first)
        #expect(draft.voicemail == .discreet)
        #expect(run.replies[6].text.contains(Self.dialogue[.voicemailNo]))
    }

    // MARK: - Names

    @Test(
        "Names said in sentences",
        arguments: [
            ("you can ask for Michelle, that's me", "Michelle"), ("they can call me Dre", "Dre"),
            ("tell them to ask for Sam", "Sam"), ("my name's DeShawn but everyone calls me Shawn", "Shawn"),
            ("its Lee but i go by Bo", "Bo"),
        ])
    func names(_ message: String, _ expected: String) {
        #expect(Self.answers.name(in: message) == expected)
    }

    @Test("“nobody”, “someone” and “anyone” are no names", arguments: [
        "call me nobody, nobody will miss me when im gone", "nobody", "just call me someone", "anyone",
    ])
    func notNames(_ message: String) {
        #expect(Self.answers.name(in: message) == nil)
    }

    @Test("“Ty” with a capital at the name step is a name; the request is saved with it")
    func tyIsAName() throws {
        let run = Self.run(["can someone call me", "yes", "Ty", "470 555 0177", "evening", "no voicemail", "send"])
        let draft = try #require(run.saved.first)
        #expect(draft.name == "Ty")
    }

    // MARK: - The summary and the way back

    @Test("A note asked for at the summary: told it can't go, nothing sent until the next yes, no note stored")
    func noteAtSummary() throws {
        let run = Self.run([
            "can someone call me", "yes", "Gus", "470 555 0182", "morning", "no voicemail",
            "yes but can you tell them i need a spanish speaker", "yes",
        ])
        #expect(run.replies[6].text.contains(Self.dialogue[.noteNotPassed].prefix(30)))
        #expect(run.replies[6].state == .callbackConfirm)
        #expect(run.saved.count == 1)
        let draft = try #require(run.saved.first)
        #expect(draft.name == "Gus")
        #expect(draft.bestTime == .morning)
    }

    @Test("A cancel said with something hard at the summary is asked about after the check-in; “cancel” saves nothing")
    func cancelAfterCheckIn() throws {
        let run = Self.run([
            "can someone call me", "yes", "Jo", "404 555 0146", "evening", "no voicemail",
            "forget it, i just want to go to sleep and never wake up", "no", "cancel", "yes",
        ])
        #expect(run.replies[6].crisis)
        #expect(run.replies[7].state == .callbackConfirm)
        #expect(run.replies[7].text.contains(Self.dialogue[.cancelHeldAsk]))
        #expect(!run.replies[7].text.contains(Self.dialogue[.resume]))
        #expect(run.replies[8].state == .open)
        #expect(run.saved.isEmpty)
    }

    @Test("A phone-step sentence keeps the time and voicemail said with it, as the summary shows")
    func phoneSentence() throws {
        let run = Self.run([
            "can someone call me", "yes", "skip",
            "you can reach me at 470-555-0174 any weekday after lunch, and a voicemail is fine if it doesnt say carter",
            "yes",
        ])
        #expect(run.replies[3].state == .callbackConfirm)
        let draft = try #require(run.saved.first)
        #expect(draft.bestTimeSaid == "any weekday after lunch")
        #expect(draft.voicemail == .discreet)
        #expect(run.replies[3].text.contains("Best time: any weekday after lunch"))
    }
}
