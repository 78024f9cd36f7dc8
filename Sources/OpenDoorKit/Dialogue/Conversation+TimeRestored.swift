/// A best time put back after a change (round 29, QA35 S2-2).
///
/// "mornings", then "actually make that evenings", then "wait no mornings was right": the "no" is the correction's,
/// not the time's, so the time kept is "mornings", never "no mornings", and at the voicemail step it is never a "no"
/// to the voicemail ("hmm no keep it mornings"). "actually the first time was fine" and "go back to what i said
/// before" name no time: the one the change replaced is put back.
extension Conversation {
    /// The time a correction at the voicemail step or the summary puts back; nil when the line is no such correction.
    func restoredTime(_ text: String) -> TimeAnswer? {
        guard bestTime != nil else { return nil }
        let before = answers.contains(text, .timeBefore)
        guard before || answers.contains(text, .timeKept) else { return nil }
        // The words left once the correction's own are gone: "wait no mornings was right" is "wait mornings".
        let rest = answers.removing(.timeBefore, from: answers.removing(.timeKept, from: answers.removing(.no, from: text)))
        if TimeAnswer.timePart(of: rest, words: answers) != nil, !answers.contains(rest, .programWords),
            let time = readTime(rest)
        {
            return time
        }
        // "the first one was right": only a back-reference with no other detail in it ("keep it private" is no time).
        guard before, !answers.contains(text, .voicemailField), !answers.contains(text, .phoneField),
            !answers.contains(text, .nameField)
        else { return nil }
        return earlierTime
    }
}
