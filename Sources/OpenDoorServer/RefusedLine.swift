import OpenDoorKit

/// A crisis in a line the JSON port can't take (QA27 S2-1): plain text typed on the JSON port (`nc` to the wrong
/// port), an object missing its `}`, an unknown `type`, a key given twice, `text` that isn't a string. Such a line
/// gets its protocol error, but a person who typed a crisis into it gets the crisis reply too, as a too-long line's
/// kept ends (``LongLine``) and a line that isn't UTF-8 do.
enum RefusedLine {
    /// The visitor's words in `line` (valid UTF-8, refused by the JSON reader) when `safety` finds a crisis in them;
    /// nil otherwise. Read as the message's text where a `"text"` key shows one (up to its closing quote), then as
    /// the whole line; the first that alarms is the message.
    static func crisisText(_ line: String, safety: CrisisDetector) -> String? {
        let fromKey = LongLine.jsonText(LongLine.jsonText(line, isHead: true), isHead: false)
        for candidate in [fromKey, line] {
            let text = VisitorText.clean(candidate)
            if !ClientInput.isBlank(text), safety.assess(text) != nil { return text }
        }
        return nil
    }

    /// The crisis in a `hello` or `bye` line that carries words (QA29 S1-1: `{"type":"bye","text":"i want to kill
    /// myself"}`): each top-level string member but `type`, then the whole line; nil when none alarms (a plain
    /// `{"type":"bye"}` costs one check of its few bytes).
    static func crisisText(inGreeting line: String, safety: CrisisDetector) -> String? {
        let fields = JSONLineReader.stringFields(line) ?? [:]
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) where key != "type" {
            let text = VisitorText.clean(value)
            if !ClientInput.isBlank(text), safety.assess(text) != nil { return text }
        }
        return crisisText(line, safety: safety)
    }
}
