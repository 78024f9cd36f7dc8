/// The costliest messages a visitor can send within the line limit, by what makes them costly: the shapes
/// where input size enters the work (word length for typo correction, word count for the matcher, digits
/// for the phone search, non-ASCII for the normalizer, crisis words for the safety check, invisible and
/// "fancy font" characters for the folding every check reads through, and questions, sentences and clauses for the
/// readings done one clause at a time).
public enum WorstCaseMessages {
    /// Every kind, each filled to just under `maximumLineBytes` as a JSON `message` line (so the text
    /// protocol's line is shorter still); none needs escaping in JSON.
    public static func all(maximumLineBytes: Int) -> [(kind: String, text: String)] {
        // `{"type":"message","text":"…"}` and the line break.
        let budget = maximumLineBytes - 30
        func fill(_ unit: String, after opening: String = "") -> String {
            var text = opening
            while text.utf8.count + unit.utf8.count <= budget { text += unit }
            return text.trimmingSuffix(" ")
        }
        var seed: UInt32 = 12_345
        // Random words of `letters` letters each, as many as fit (the seed goes on from one call to the next).
        func randomWords(_ letters: Int) -> String {
            var text = ""
            while text.utf8.count + letters + 1 <= budget {
                for _ in 0..<letters {
                    seed = seed &* 1_103_515_245 &+ 12_345
                    text.append(Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8((seed >> 16) % 26))))
                }
                text += " "
            }
            return text.trimmingSuffix(" ")
        }
        // Unknown words as long as the typo corrector takes, all different, so none is answered from a cache.
        let misspelled = randomWords(17)
        // ~1,360 random two-letter words: the slowest line QA round 20 found, and not one of the shapes above.
        let twoLetterWords = randomWords(2)
        return [
            ("longest word", fill("relapsed")),
            ("longest line", fill("i dropped out of my iop two months ago and i wonder if i can come back ")),
            ("most words", fill("a ")),
            ("most typos (8 letters)", fill("relasped ")),
            ("most typos (17)", misspelled.trimmingSuffix(" ")),
            ("most digits", fill("4705550123")),
            ("most digit groups", fill("1 ")),
            ("most phone numbers", fill("(470) 555-0123 ")),
            ("most emoji", fill("😀")),
            ("most emoji sequences", fill("👩‍👩‍👧‍👦")),
            ("most combining marks", fill("e\u{301}")),
            ("most crisis words", fill("i want to die ")),
            ("random two-letter words", twoLetterWords),
            // Every check folds these first: mathematical bold letters (NFKC) and invisible characters (dropped).
            ("most fancy-font letters", fill("\u{1D422}\u{1D430}\u{1D41A}\u{1D427}\u{1D42D} ")),
            ("most invisible characters", fill("k\u{FE00}i\u{3164}l\u{200B}l\u{180E} ")),
            // Work done per clause or sentence (a second question read, a question beside a crisis checked): each
            // is read one by one, so a line of hundreds of them must cost a few readings, not hundreds.
            ("most short questions", fill("can i come back? ")),
            ("most sentences", fill("i left group. ")),
            ("most clause markers", fill("can i come back, and whether i can, and if i can also ")),
            ("crisis, most questions", fill("i want to die. can i come back? ")),
            ("someone else, most joiners", fill("and wants to die ", after: "she said she wants to die ")),
            // QA24 S2-1: right-to-left overrides cost quadratic time; the crisis check reads them as typed and as shown.
            ("most right-to-left overrides", fill("\u{202E}")),
            ("overrides and pops", fill("\u{202E}a\u{202C}")),
            ("nested overrides", fill("\u{202E}\u{202D}")),
            ("overrides before a crisis", String(fill("\u{202E}").dropLast(12)) + "kill myself"),
            // QA24 S2-2: one letter under every combining mark that fits (one character, thousands of scalars), and a
            // mix of scripts, letters of each kind the normalizer looks up.
            ("one letter, most combining marks", "e" + String(String.UnicodeScalarView(fill("\u{301}").unicodeScalars.dropFirst()))),
            ("mixed scripts", fill("я ж你好 ال אש😀ab ")),
        ]
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: Character) -> String {
        var text = self
        while text.last == suffix { text.removeLast() }
        return text
    }
}
