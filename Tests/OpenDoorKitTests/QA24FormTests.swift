import Foundation
import Testing

@testable import OpenDoorKit

/// QA24's callback-form findings (S1-1, S1-7, S2-1, S2-4, S2-6, S2-7, S2-8, S2-11, S2-15, S3-6, S3-7, S3-8): each a
/// class of messages, and the requests as the store keeps them. The conversation file holds more of the dialogue
/// (Knowledge/conversations/qa24-form.yaml).
@Suite("Session 22: QA24 callback form")
struct QA24FormTests {
    /// The replies to `messages` after the welcome, and what the store holds after them.
    private static func stored(_ messages: [String]) async throws -> (replies: [Reply], requests: [CallbackRequest]) {
        try await QA22FormTests.stored(messages)
    }

    /// Up to the time question, with a number and no name.
    private static let upToTime = ["can someone call me", "yes", "skip", "706 555 0134"]

    /// Sunday, December 6, 2026 (as in FormQA19Tests).
    private static let sunday = Date(timeIntervalSince1970: 1_796_569_200)

    // MARK: - S1-1: a best time is never stored turned around, cut short or empty

    @Test(
        "A time said with its reason or an exception is kept whole, as said (S1-1)",
        arguments: [
            ("honestly any day but tuesday, im at my kids school til noon most days so after that", BestTime.asSaid),
            ("mornings, my husband is home until 9", .morning),
            ("weekday mornings only, he leaves at 8", .morning),
            ("any time after the kids are asleep", .asSaid),
            ("not after 5 my wife gets home then", .asSaid),
            ("after 8, thats when he leaves", .asSaid),
            ("evenings, but not when my mom is over on sundays", .asSaid),
            ("afternoons work best, my boyfriend works until 6", .afternoon),
        ])
    func keptWhole(_ said: String, _ part: BestTime) async throws {
        let run = try await Self.stored(Self.upToTime + [said, "no voicemail", "yes"])
        let request = try #require(run.requests.first, "“\(said)”")
        #expect(request.bestTimeSaid == said, "“\(said)” stored as \(request.bestTimeSaid ?? "nil")")
        #expect(request.bestTime == part, "“\(said)” sorted as \(request.bestTime)")
        let summary = run.replies[run.replies.count - 2]
        #expect(summary.text.contains("Best time: \(said)"), "“\(said)”: \(summary.text)")
    }

    @Test(
        "A time that rules something out is never stored empty or as a part of the day (S1-1)",
        arguments: ["not in the morning, i work nights", "not mornings", "no evenings please", "anything but mornings"])
    func ruledOutNeverEmpty(_ said: String) async throws {
        let run = try await Self.stored(Self.upToTime + [said, "no voicemail", "yes"])
        let request = try #require(run.requests.first, "“\(said)”")
        let words = try #require(request.bestTimeSaid, "“\(said)” stored no words")
        #expect(!words.isEmpty)
        #expect(words.contains("not") || words.contains("no") || words.contains("but"), "“\(said)” stored as \(words)")
        #expect(request.bestTime == .any || request.bestTime == .asSaid, "“\(said)”")
    }

    @Test(
        "A day ruled out is never the day staff are shown (S1-1)",
        arguments: [
            "any day but tuesday, after noon", "anytime except monday", "not tuesday", "tomorrow is bad, any other day",
            "any day but tuesday, im at my kids school til noon most days so after that", "friday is no good, monday ok",
        ])
    func noDayRuledOut(_ said: String) {
        #expect(BestDay(said: said, created: Self.sunday, timeZone: TimeZone(identifier: "UTC")!) == nil, "“\(said)”")
    }

    @Test("A plain time still reads as before (S1-1)", arguments: [
        ("evening", nil as String?, BestTime.evening), ("after 5 on weekdays", "after 5 on weekdays", .evening),
        ("wait actually make it after 7pm", "after 7pm", .evening),
    ])
    func plainTimes(_ said: String, _ kept: String?, _ part: BestTime) async throws {
        let run = try await Self.stored(Self.upToTime + [said, "no voicemail", "yes"])
        let request = try #require(run.requests.first, "“\(said)”")
        #expect(request.bestTimeSaid == kept, "“\(said)” stored as \(request.bestTimeSaid ?? "nil")")
        #expect(request.bestTime == part, "“\(said)”")
    }

    // MARK: - S2-4: 24-hour times and times in a sentence

    @Test(
        "A 24-hour time or a time in a sentence is kept as said and read back (S2-4)",
        arguments: [
            ("15:00", BestTime.afternoon), ("after 1500 hrs", .afternoon), ("1800", .evening), ("0900 hours", .morning),
            ("after my shift ends around 4:30", .asSaid), ("mornings are bad, afternoons good", .asSaid),
        ])
    func twentyFourHour(_ said: String, _ part: BestTime) async throws {
        let run = try await Self.stored(Self.upToTime + [said])
        let reply = try #require(run.replies.last)
        #expect(reply.state == .callbackVoicemail, "“\(said)”: \(reply.text)")
        let sent = try await Self.stored(Self.upToTime + [said, "no voicemail", "yes"])
        let summary = sent.replies[sent.replies.count - 2]
        #expect(summary.text.contains("Best time: \(said)"), "“\(said)” not read back: \(summary.text)")
        let request = try #require(sent.requests.first, "“\(said)”")
        #expect(request.bestTimeSaid == said)
        #expect(request.bestTime == part, "“\(said)” sorted as \(request.bestTime)")
    }

    // MARK: - S3-8: "right now" and "asap" are no "any time"

    @Test("“Right now” or “asap” is kept as said, and the visitor told the call isn't right away (S3-8)",
        arguments: ["right now", "asap", "as soon as possible", "now please"])
    func rightNow(_ said: String) async throws {
        let run = try await Self.stored(Self.upToTime + [said, "no voicemail", "yes"])
        let reply = run.replies[Self.upToTime.count]
        #expect(reply.text.contains("isn’t right away"), "“\(said)”: \(reply.text)")
        let request = try #require(run.requests.first, "“\(said)”")
        #expect(request.bestTime == .asSaid, "“\(said)” sorted as \(request.bestTime)")
        #expect(request.bestTimeSaid != nil)
    }

    // MARK: - S2-1: "ok" after a no is no yes

    @Test(
        "An acknowledgement after declining the call never starts the form (S2-1)",
        arguments: ["ok", "ok bye", "ok thanks", "okay thank you", "k cool", "alright", "👍"])
    func ackAfterDecline(_ said: String) async throws {
        for decline in ["not now", "no thanks"] {
            let run = try await Self.stored(["can someone call me", decline, said])
            let reply = try #require(run.replies.last)
            #expect(!reply.state.isCollectingCallback, "“\(decline)”, “\(said)”: \(reply.text)")
        }
    }

    @Test("A real change of mind after declining still goes on (S2-1)",
        arguments: ["actually yes", "ok yes please", "ok call me", "yes actually"])
    func changeOfMind(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", "not now", said])
        #expect(run.replies.last?.state.isCollectingCallback == true, "“\(said)”")
    }

    @Test("A follow-up question that starts with “ok” at the consent step is answered, not a yes (S2-1)",
        arguments: ["ok and if i cant do evenings anymore", "ok but what if i relapse again"])
    func okQuestionAtConsent(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", said])
        let reply = try #require(run.replies.last)
        #expect(reply.state != .callbackName, "“\(said)”: \(reply.text)")
    }

    // MARK: - S2-8: emoji yes

    @Test("A thumbs-up or a check mark is a yes to the consent and the summary (S2-8)",
        arguments: ["👍", "✅", "👍🏽", "👌"])
    func emojiYes(_ mark: String) async throws {
        let run = try await Self.stored(["can someone call me", mark, "skip", "706 555 0134", "evening", "no voicemail", mark])
        #expect(run.replies[1].state == .callbackName, "“\(mark)” at consent: \(run.replies[1].text)")
        #expect(run.requests.count == 1, "“\(mark)” at the summary sent nothing")
    }

    // MARK: - S2-7: not giving a number

    @Test(
        "Not giving a number is fine, never a typo: the center's number, and nothing sent (S2-7)",
        arguments: ["i'd rather not give my number", "im not comfortable giving my number", "not giving my number lol",
                    "i dont want to give you my number"])
    func refuseNumber(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "skip", said])
        let reply = try #require(run.replies.last)
        #expect(!reply.text.contains("couldn’t read"), "“\(said)”: \(reply.text)")
        #expect(reply.text.contains("(470) 284-1834"), "“\(said)”: \(reply.text)")
        #expect(run.requests.isEmpty)
    }

    // MARK: - S1-7, S2-6: two numbers

    @Test(
        "Which of two numbers, named by what the visitor called it (S2-6)",
        arguments: [
            ("my cell is 404-555-0188 or my work 678-555-0177", "the cell", "+14045550188"),
            ("my cell is 404-555-0188 or my work 678-555-0177", "work", "+16785550177"),
            ("home 706 555 0134, mobile 706 555 0999", "mobile please", "+17065550999"),
        ])
    func labelledPick(_ numbers: String, _ pick: String, _ e164: String) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "Bo", numbers, pick, "lunch time", "no voicemail", "yes"])
        let request = try #require(run.requests.first, "“\(pick)”")
        #expect(request.phone.e164 == e164, "“\(pick)” kept \(request.phone.display)")
    }

    @Test("Two numbers: the visitor is asked which to try first, and the other is passed on as the second (S1-7)")
    func otherKeptSecond() async throws {
        let run = try await Self.stored([
            "can someone call me", "yes", "Bo", "my cell is 404-555-0188 or my work 678-555-0177", "the cell", "lunch time",
            "no voicemail", "yes",
        ])
        #expect(run.replies.contains { $0.text.contains("the other one") }, "\(run.replies.map(\.text))")
        let request = try #require(run.requests.first)
        #expect(request.phone.e164 == "+14045550188")
        #expect(request.backupPhone?.e164 == "+16785550177")
    }

    @Test(
        "A second number said as a backup: the first is kept, and said so (S1-7)",
        arguments: ["its 706 555 0134, but if no answer try 706 555 0999", "706 555 0134 or 706 555 0999 as a backup"])
    func backupNumber(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "skip", said])
        let reply = try #require(run.replies.last)
        #expect(reply.state == .callbackTime, "“\(said)”: \(reply.text)")
        #expect(reply.text.contains("(706) 555-0134"), "“\(said)”: \(reply.text)")
        #expect(reply.text.contains("(706) 555-0999"), "“\(said)”: \(reply.text)")
        let saved = try await Self.stored(["can someone call me", "yes", "skip", said, "evening", "no voicemail", "yes"])
        let request = try #require(saved.requests.first, "“\(said)”")
        #expect(request.phone.e164 == "+17065550134")
        #expect(request.backupPhone?.e164 == "+17065550999")
    }

    // MARK: - S3-7: a hesitant yes to the voicemail is the private choice

    @Test("A hesitant yes to a voicemail keeps it discreet, said so (S3-7)",
        arguments: ["i guess so", "i guess", "if they have to", "maybe", "i suppose"])
    func hesitantVoicemail(_ said: String) async throws {
        let run = try await Self.stored(Self.upToTime + ["evening", said, "yes"])
        let request = try #require(run.requests.first, "“\(said)”")
        #expect(request.voicemail == .discreet, "“\(said)” kept \(request.voicemail)")
    }

    @Test("A clear yes to a voicemail still names the center", arguments: ["yes", "yes thats fine", "sure"])
    func clearVoicemailYes(_ said: String) async throws {
        let run = try await Self.stored(Self.upToTime + ["evening", said, "yes"])
        #expect(run.requests.first?.voicemail == .allowed, "“\(said)”")
    }

    // MARK: - S3-6: the name step

    @Test("“idk” or “my name is not important” at the name step skips the name (S3-6)",
        arguments: ["idk", "my name is not important", "name doesnt matter", "i dont know"])
    func nameNotImportant(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", "yes", said])
        let reply = try #require(run.replies.last)
        #expect(reply.state == .callbackPhone, "“\(said)”: \(reply.text)")
        #expect(!reply.text.contains("allowed to be unsure"))
    }

    // MARK: - S2-11: a question mid-form is matched on what it asks

    @Test("An insurance question at the number step gets the honest answer, and the form goes on (S2-11)",
        arguments: ["wait before i give my number, do you take insurance", "hold on, do you take medicaid?"])
    func insuranceMidForm(_ said: String) async throws {
        let run = try await Self.stored(["can someone call me", "yes", "skip", said])
        let reply = try #require(run.replies.last)
        #expect(reply.state == .callbackPhone, "“\(said)”")
        #expect(reply.text.contains("I don’t have information about"), "“\(said)”: \(reply.text)")
        #expect(!reply.text.contains("IOP program page"), "“\(said)”: \(reply.text)")
    }

    // MARK: - S2-15: taking back a sent request

    @Test(
        "Cancelling a sent request is understood the first time (S2-15)",
        arguments: ["wait can you cancel that, i dont want a call after all", "please cancel it", "i dont want a call anymore",
                    "can u cancel the call"])
    func withdrawSent(_ said: String) async throws {
        let run = try await Self.stored(Self.upToTime + ["evening", "no voicemail", "yes", said])
        let reply = try #require(run.replies.last)
        #expect(reply.text.contains("give your reference"), "“\(said)”: \(reply.text)")
    }
}
