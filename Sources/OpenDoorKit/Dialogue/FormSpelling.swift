/// Mistyped words of a callback step's answers set right before the step reads them: "mornign" is "morning",
/// "no vociemail" is "no voicemail", "aftr 5" is "after 5".
///
/// Only the words the steps read are corrected (parts of the day, days, "voicemail", "message", the words that shape
/// a time), and only a typo one letter away (a letter missing, added, changed, or two swapped) from one of them,
/// in a word of five letters or more; shorter words only as listed (``TimeAnswer/misspelledShapers``). Names are
/// never read through it (the name step is left alone), so "Evelyn" and "Cal" stay as typed.
enum FormSpelling {
    /// The words a mistyped word may be set right to.
    static let targets: [String] = [
        "voicemail", "voicemails", "message", "messages", "morning", "mornings", "afternoon", "afternoons",
        "evening", "evenings", "tonight", "weekday", "weekdays", "weekend", "weekends", "tomorrow", "anytime",
        "whenever", "monday", "mondays", "tuesday", "tuesdays", "wednesday", "wednesdays", "thursday", "thursdays",
        "friday", "fridays", "saturday", "saturdays", "sunday", "sundays",
    ]
    private static let targetSet = Set(targets)
    /// The targets by their length, to compare a word only with those one letter longer, shorter or as long.
    private static let targetsByLength: [Int: [[UInt8]]] = Dictionary(grouping: targets.map { Array($0.utf8) }, by: \.count)

    /// `text` with its mistyped step words set right; the text itself when none is.
    static func corrected(_ text: String) -> String {
        correctedASCII(text) ?? correctedByCharacter(text)
    }

    /// ``corrected(_:)`` read character by character (any text; ``corrected(_:)`` reads ASCII by bytes).
    static func correctedByCharacter(_ text: String) -> String {
        var changed = false
        var out = ""
        var word = ""
        func flush() {
            guard !word.isEmpty else { return }
            if let right = correction(of: word) {
                out += right
                changed = true
            } else {
                out += word
            }
            word = ""
        }
        for character in text {
            if character.isASCII && (character.isLetter || character.isNumber) {
                word.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return changed ? out : text
    }

    /// ``corrected(_:)`` of an ASCII text, read by bytes (each byte is a character, and "\r\n" is no word's part as
    /// its bytes aren't); nil when the text isn't ASCII.
    private static func correctedASCII(_ text: String) -> String? {
        var text = text
        let read = text.withUTF8 { bytes -> (ascii: Bool, changed: [UInt8]?) in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return (false, nil) }
            func isWordByte(_ byte: UInt8) -> Bool {
                (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            }
            var out: [UInt8] = []
            var copied = 0
            var start = -1
            for i in 0...bytes.count {
                if i < bytes.count, isWordByte(bytes[i]) {
                    if start < 0 { start = i }
                    continue
                }
                guard start >= 0 else { continue }
                let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                if let right = correction(of: word) {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<start]))
                    out.append(contentsOf: right.utf8)
                    copied = i
                }
                start = -1
            }
            guard copied > 0 else { return (true, nil) }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied...]))
            return (true, out)
        }
        guard read.ascii else { return nil }
        return read.changed.map { String(decoding: $0, as: UTF8.self) } ?? text
    }

    /// The word a typed word was meant to be, lowercase; nil when it is right, or no step word is that close.
    static func correction(of typed: String) -> String? {
        let lowered = typed.lowercased()
        if let shaper = TimeAnswer.misspelledShapers[lowered] { return shaper }
        guard lowered.count >= 5, !targetSet.contains(lowered) else { return nil }
        let bytes = Array(lowered.utf8)
        for length in [bytes.count, bytes.count + 1, bytes.count - 1] {
            // A typo rarely changes the first letter; comparing only those keeps "Nancel" from being "cancel".
            for target in targetsByLength[length] ?? [] where target[0] == bytes[0] && oneEditApart(bytes, target) {
                return String(decoding: target, as: UTF8.self)
            }
        }
        return nil
    }

    /// Whether `a` becomes `b` by one letter added, removed or changed, or two letters next to each other swapped.
    static func oneEditApart(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a != b else { return false }
        if a.count == b.count {
            let differ = a.indices.filter { a[$0] != b[$0] }
            if differ.count == 1 { return true }
            return differ.count == 2 && differ[1] == differ[0] + 1 && a[differ[0]] == b[differ[1]]
                && a[differ[1]] == b[differ[0]]
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count == short.count + 1 else { return false }
        var i = 0
        while i < short.count, short[i] == long[i] { i += 1 }
        return short[i...] == long[(i + 1)...]
    }
}
