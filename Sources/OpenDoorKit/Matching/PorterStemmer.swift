/// The Porter2 ("English Snowball") stemmer: "relapsed", "relapsing" and "relapses" all become "relaps".
///
/// A faithful implementation of the algorithm at snowballstem.org/algorithms/english/stemmer.html,
/// working on ASCII bytes; words with other characters are returned unchanged.
public enum PorterStemmer {
    /// The stem of one lowercase word.
    public static func stem(_ word: String) -> String {
        guard word.utf8.count > 2, word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        if word.utf8.count <= longestException, let exception = exceptions[word] { return exception }
        var w = Array(word.utf8)
        // Mark y as a consonant (Y) at the start and after a vowel.
        for i in w.indices where w[i] == y && (i == 0 || isVowel(w[i - 1])) { w[i] = Y }
        var r1 = region1(w)
        let r2 = regionAfter(w, start: r1)
        var r2Start = r2
        step1a(&w)
        if (6...7).contains(w.count) && invariantsAfter1a.contains(String(decoding: w, as: UTF8.self)) {
            return finished(w)
        }
        step1b(&w, r1: r1)
        step1c(&w)
        r1 = min(r1, w.count)
        r2Start = min(r2Start, w.count)
        step2(&w, r1: r1)
        step3(&w, r1: r1, r2: r2Start)
        step4(&w, r2: r2Start)
        step5(&w, r1: r1, r2: r2Start)
        return finished(w)
    }

    /// The word with its consonant Ys back to y.
    private static func finished(_ w: [UInt8]) -> String {
        var w = w
        for i in w.indices where w[i] == Y { w[i] = y }
        return String(decoding: w, as: UTF8.self)
    }

    // MARK: - Letters

    private static let y = UInt8(ascii: "y")
    private static let Y = UInt8(ascii: "Y")

    private static func isVowel(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "u"),
            UInt8(ascii: "y"):
            return true
        default:
            return false
        }
    }

    private static func bytes(_ s: StaticString) -> [UInt8] {
        Array(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private static func ends(_ w: [UInt8], _ suffix: [UInt8]) -> Bool {
        w.count >= suffix.count && w[(w.count - suffix.count)...].elementsEqual(suffix)
    }

    private static func replace(_ w: inout [UInt8], suffixLength: Int, with replacement: [UInt8]) {
        w.removeLast(suffixLength)
        w.append(contentsOf: replacement)
    }

    private static func containsVowel(_ w: ArraySlice<UInt8>) -> Bool {
        w.contains(where: isVowel)
    }

    // MARK: - Regions

    private static let r1Prefixes: [[UInt8]] = ["gener", "commun", "arsen"].map { Array($0.utf8) }

    private static func region1(_ w: [UInt8]) -> Int {
        for prefix in r1Prefixes where w.starts(with: prefix) { return prefix.count }
        return regionAfter(w, start: 0)
    }

    /// The index after the first non-vowel that follows a vowel, from `start`.
    private static func regionAfter(_ w: [UInt8], start: Int) -> Int {
        var i = start + 1
        while i < w.count {
            if !isVowel(w[i]) && isVowel(w[i - 1]) { return i + 1 }
            i += 1
        }
        return w.count
    }

    /// A short syllable ends the word (or the part before `end`).
    private static func endsWithShortSyllable(_ w: [UInt8], end: Int? = nil) -> Bool {
        let n = end ?? w.count
        if n == 2 { return isVowel(w[0]) && !isVowel(w[1]) }
        guard n >= 3 else { return false }
        let c = w[n - 1]
        return !isVowel(w[n - 3]) && isVowel(w[n - 2]) && !isVowel(c) && c != UInt8(ascii: "w")
            && c != UInt8(ascii: "x") && c != Y
    }

    private static func isShort(_ w: [UInt8], r1: Int) -> Bool {
        r1 >= w.count && endsWithShortSyllable(w)
    }

    // MARK: - Steps

    private static func step1a(_ w: inout [UInt8]) {
        if ends(w, sses) {
            w.removeLast(2)
        } else if ends(w, ied) || ends(w, ies) {
            if w.count > 4 { replace(&w, suffixLength: 3, with: [UInt8(ascii: "i")]) }
            else { replace(&w, suffixLength: 3, with: Array("ie".utf8)) }
        } else if ends(w, us) || ends(w, ss) {
            return
        } else if w.last == UInt8(ascii: "s"), w.count >= 2 {
            // Delete if the part before the s has a vowel not immediately before the s.
            if w.count >= 3 && containsVowel(w[0..<(w.count - 2)]) { w.removeLast() }
        }
    }

    private static func step1b(_ w: inout [UInt8], r1: Int) {
        for suffix in step1bLong where ends(w, suffix) {
            if w.count - suffix.count >= r1 { replace(&w, suffixLength: suffix.count, with: Array("ee".utf8)) }
            return
        }
        for suffix in step1bShort where ends(w, suffix) {
            let stemEnd = w.count - suffix.count
            guard containsVowel(w[0..<stemEnd]) else { return }
            w.removeLast(suffix.count)
            if ends(w, at) || ends(w, bl) || ends(w, iz) {
                w.append(UInt8(ascii: "e"))
            } else if let last = w.last, w.count >= 2, w[w.count - 2] == last, isDouble(last) {
                w.removeLast()
            } else if isShort(w, r1: r1) {
                w.append(UInt8(ascii: "e"))
            }
            return
        }
    }

    private static func step1c(_ w: inout [UInt8]) {
        guard w.count > 2, let last = w.last, last == y || last == Y, !isVowel(w[w.count - 2]) else { return }
        w[w.count - 1] = UInt8(ascii: "i")
    }

    private static let step2Rules: [([UInt8], [UInt8])] = [
        ("ization", "ize"), ("ational", "ate"), ("fulness", "ful"), ("ousness", "ous"), ("iveness", "ive"),
        ("tional", "tion"), ("biliti", "ble"), ("lessli", "less"), ("entli", "ent"), ("ation", "ate"),
        ("alism", "al"), ("aliti", "al"), ("ousli", "ous"), ("iviti", "ive"), ("fulli", "ful"), ("enci", "ence"),
        ("anci", "ance"), ("abli", "able"), ("izer", "ize"), ("ator", "ate"), ("alli", "al"), ("bli", "ble"),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static func step2(_ w: inout [UInt8], r1: Int) {
        for (suffix, replacement) in step2Rules where ends(w, suffix) {
            if w.count - suffix.count >= r1 { replace(&w, suffixLength: suffix.count, with: replacement) }
            return
        }
        if ends(w, ogi) {
            if w.count - 3 >= r1, w.count >= 4, w[w.count - 4] == UInt8(ascii: "l") { w.removeLast() }
            return
        }
        if ends(w, li) {
            if w.count - 2 >= r1, w.count >= 3, isLiEnding(w[w.count - 3]) { w.removeLast(2) }
        }
    }

    private static let step3Rules: [([UInt8], [UInt8])] = [
        ("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"), ("ical", "ic"),
        ("ness", ""), ("ful", ""),
    ].map { (Array($0.0.utf8), Array($0.1.utf8)) }

    private static func step3(_ w: inout [UInt8], r1: Int, r2: Int) {
        if ends(w, ative) {
            if w.count - 5 >= r2 { w.removeLast(5) }
            return
        }
        for (suffix, replacement) in step3Rules where ends(w, suffix) {
            if w.count - suffix.count >= r1 { replace(&w, suffixLength: suffix.count, with: replacement) }
            return
        }
    }

    private static let step4Suffixes: [[UInt8]] = [
        "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize",
        "ion", "al", "er", "ic",
    ].map { Array($0.utf8) }

    private static func step4(_ w: inout [UInt8], r2: Int) {
        for suffix in step4Suffixes where ends(w, suffix) {
            let start = w.count - suffix.count
            guard start >= r2 else { return }
            if suffix == ion {
                if start >= 1, w[start - 1] == UInt8(ascii: "s") || w[start - 1] == UInt8(ascii: "t") {
                    w.removeLast(3)
                }
            } else {
                w.removeLast(suffix.count)
            }
            return
        }
    }

    private static func step5(_ w: inout [UInt8], r1: Int, r2: Int) {
        guard let last = w.last else { return }
        if last == UInt8(ascii: "e") {
            let start = w.count - 1
            if start >= r2 || (start >= r1 && !endsWithShortSyllable(w, end: start)) { w.removeLast() }
        } else if last == UInt8(ascii: "l") {
            if w.count - 1 >= r2, w.count >= 2, w[w.count - 2] == UInt8(ascii: "l") { w.removeLast() }
        }
    }

    // MARK: - Tables

    private static let sses = Array("sses".utf8), ied = Array("ied".utf8), ies = Array("ies".utf8)
    private static let us = Array("us".utf8), ss = Array("ss".utf8)
    private static let eedly = Array("eedly".utf8), eed = Array("eed".utf8), ingly = Array("ingly".utf8)
    private static let edly = Array("edly".utf8), ing = Array("ing".utf8), ed = Array("ed".utf8)
    private static let at = Array("at".utf8), bl = Array("bl".utf8), iz = Array("iz".utf8)
    private static let ogi = Array("ogi".utf8), li = Array("li".utf8), ative = Array("ative".utf8)
    private static let ion = Array("ion".utf8)
    private static let step1bLong = [eedly, eed]
    private static let step1bShort = [ingly, edly, ing, ed]

    /// A letter whose double is undoubled at the end ("hopp" → "hop"): b d f g m n p r t.
    private static func isDouble(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "b"), UInt8(ascii: "d"), UInt8(ascii: "f"), UInt8(ascii: "g"), UInt8(ascii: "m"),
            UInt8(ascii: "n"), UInt8(ascii: "p"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        default:
            return false
        }
    }

    /// A letter before which "li" is removed: c d e g h k m n r t.
    private static func isLiEnding(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "c"), UInt8(ascii: "d"), UInt8(ascii: "e"), UInt8(ascii: "g"), UInt8(ascii: "h"),
            UInt8(ascii: "k"), UInt8(ascii: "m"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        default:
            return false
        }
    }

    private static let exceptions: [String: String] = [
        "skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie", "idly": "idl",
        "gently": "gentl", "ugly": "ugli", "early": "earli", "only": "onli", "singly": "singl", "sky": "sky",
        "news": "news", "howe": "howe", "atlas": "atlas", "cosmos": "cosmos", "bias": "bias", "andes": "andes",
    ]

    private static let longestException = 6

    private static let invariantsAfter1a: Set<String> = [
        "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed",
    ]
}
