import Foundation

/// Lines a counselor would add to a safety reply for what the visitor told (round 29, QA35 S3-3): the Veterans Crisis
/// Line once the visitor said they served, and distance from a gun named in their own crisis. The wording is the
/// knowledge's (`crisis_veteran`, `crisis_gun_distance` in dialogue.yaml); only the fact that a line was given is kept.
extension Conversation {
    /// `reply` with the lines that fit what was told, when it is a crisis reply or a check-in with 988 in it.
    mutating func withSafetyNotes(_ reply: Reply, message: String) -> Reply {
        guard reply.crisis, reply.intent == .crisis || reply.intent == .crisisCheck else { return reply }
        var noted = reply
        // "yeah. i got my service pistol in the closet": a counselor asks for distance from it, right away. Someone
        // else's gun has its own words (911 first, never take it from them), and a threat against the visitor is
        // danger, not this.
        let own = reply.safety?.note != Self.someoneElseNote
        let category = reply.safety?.category
        if own, category == .suicide || category == .selfHarm, answers.contains(message, .firearm),
            !reply.text.contains(dialogue[.crisisGunDistance]), !givesMeansDistance(reply.text)
        {
            noted.text = Self.inserting(dialogue[.crisisGunDistance], beforeLastLineOf: noted.text)
        }
        // The first check-in and the first crisis reply, not every "are you safe right now?" after them.
        if servedTold, veteranLinesGiven < Self.mostVeteranLines, reply.text.contains("988") {
            veteranLinesGiven += 1
            noted.text = Self.inserting(dialogue[.crisisVeteran], afterLineWith: "988", in: noted.text)
        }
        return noted
    }

    /// Whether `text` already is the knowledge's answer to a means named after a crisis reply (the safety follow-up
    /// picked by "i have a gun", "the gun is in the truck": distance from it, someone to hold it): the gun line would
    /// say it twice (QA37 S3-2).
    private func givesMeansDistance(_ text: String) -> Bool {
        dialogue.followUps.contains { followUp in
            followUp.asks.contains { answers.contains($0, .firearm) }
                && text.contains(followUp.reply.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// `text` with `line` before its last line (the close: "I’m still here", "Yes or no is fine"), or after it when it
    /// has one line.
    static func inserting(_ line: String, beforeLastLineOf text: String) -> String {
        guard let last = text.lastIndex(of: "\n") else { return text + "\n" + line }
        return String(text[..<last]) + "\n" + line + String(text[last...])
    }

    /// `text` with `line` after its first line containing `mark` (the numbers beside it), or at its end.
    static func inserting(_ line: String, afterLineWith mark: String, in text: String) -> String {
        guard let found = text.range(of: mark) else { return text + "\n" + line }
        guard let end = text[found.upperBound...].firstIndex(of: "\n") else { return text + "\n" + line }
        return String(text[..<end]) + "\n" + line + String(text[end...])
    }

    /// How many safety replies of one conversation give the Veterans Crisis Line.
    static let mostVeteranLines = 2

    /// The note a finding about someone else's crisis carries.
    private static let someoneElseNote = "someone else at risk"
}
