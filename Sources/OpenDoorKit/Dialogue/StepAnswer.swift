import Foundation

/// Reads an answer at a callback step as a sentence, not only by its first word: "voicemail is fine"
/// is yes, "thats not ok" is no, "nah never mind, forget the whole thing" cancels.
///
/// The phrases of each kind are `dialogue.yaml`'s `words`. Every phrase is looked for wherever it
/// stands, the longest first at each word ("dont mind" before "dont"); a phrase right after "not",
/// "dont", "isnt" or "never" counts as its opposite ("not okay" is no). When a sentence holds both
/// a yes and a no, it isn't clear, and the step is asked again.
struct StepAnswer {
    /// The phrases of each kind, their words joined by single spaces: what ``isOnly(_:_:)`` compares a message's
    /// normalized words with, in one set lookup (it runs for every message).
    /// Indexed by ``AnswerWord/ordinal``, as every table of kinds here: a dictionary keyed by the kind hashed its raw
    /// string on every lookup (a String-backed enum hashes its `rawValue`), some 3% of answering a question. Nil for a
    /// kind `dialogue.yaml` has no `words` for.
    private let wholePhrases: [Set<String>?]
    /// The phrases of each kind by their first word, in their order: at each word of a message only the phrases
    /// that start with it are tried (one lookup instead of comparing every phrase: a 4,000-byte line at a callback
    /// step took milliseconds).
    private let phrasesByFirstWord: [[Substring: [[Substring]]]]
    /// `digit_words` in their order, zero to nine.
    private let digitNames: [String]
    /// Each of `digitNames` with its first place: `digitNames.firstIndex(of:)` in one lookup.
    private let digitIndex: [String: Int]
    /// `teen_words` (ten to nineteen) and `tens_words` (twenty to ninety), in their order.
    private let teenNames: [String]
    private let tensNames: [String]
    /// What each word that starts a phrase, or is one, says (see ``WordKinds``).
    private let kindsByWord: [Substring: WordKinds]
    /// The ``WordKinds`` of each word of the long texts read lately: a message is read by a dozen checks in one
    /// reply, and looking up each of 2,000 words in every one of them was most of the reply's time.
    private let recentKinds = RecentReadings<[WordKinds]>(keepsShortInScope: true, capacity: RecentText.shortCapacity)
    /// Whether a long text looks like a question (`Conversation.looksLikeQuestion`), which several replies ask
    /// of the same message; kept here, as the answer depends on this knowledge's filler words.
    let recentAsking = RecentReadings<Bool>()

    /// The kinds of phrase a word starts, and the kinds it is a phrase of on its own, one bit per kind
    /// (``bit(_:)``).
    struct WordKinds: Sendable {
        var starts = KindBits()
        var alone = KindBits()
    }

    /// A set of kinds of answer word, one bit each (up to ``capacity`` kinds; a test checks `AnswerWord` fits, since
    /// a kind past it would have no bit and never be found).
    struct KindBits: Sendable {
        static let capacity = 192
        var low: UInt64 = 0
        var middle: UInt64 = 0
        var high: UInt64 = 0

        init() {}

        /// The set of the kind numbered `index`.
        init(_ index: Int) {
            precondition(index < Self.capacity, "more answer-word kinds than KindBits holds")
            switch index {
            case ..<64: low = 1 << UInt64(index)
            case ..<128: middle = 1 << UInt64(index - 64)
            default: high = 1 << UInt64(index - 128)
            }
        }

        /// Whether the two sets share a kind.
        @inline(__always)
        func intersects(_ other: KindBits) -> Bool {
            low & other.low != 0 || middle & other.middle != 0 || high & other.high != 0
        }

        static func |= (set: inout KindBits, other: KindBits) {
            set.low |= other.low
            set.middle |= other.middle
            set.high |= other.high
        }
    }

    /// Each kind's bit in ``WordKinds``: its place in `AnswerWord.allCases`.
    @inline(__always)
    private static func bit(_ kind: AnswerWord) -> KindBits { KindBits(kind.ordinal) }

    private static func bits(_ kinds: [AnswerWord]) -> KindBits {
        var set = KindBits()
        for kind in kinds { set |= bit(kind) }
        return set
    }

    /// Words that turn the phrase right after them around.
    private static let negations: Set<Substring> = [
        "not", "dont", "isnt", "never", "doesnt", "wont", "aint", "didnt", "havent", "cant", "wouldnt",
    ]

    init(_ dialogue: DialogueText) {
        var phrases: [AnswerWord: [[Substring]]] = [:]
        for (kind, list) in dialogue.words {
            phrases[kind] = list.map { $0.split(separator: " ") }.filter { !$0.isEmpty }
        }
        precondition(
            AnswerWord.allCases.enumerated().allSatisfy { $0.offset == $0.element.ordinal },
            "AnswerWord.ordinal is each kind's place in allCases")
        phrasesByFirstWord = AnswerWord.allCases.map { kind in
            phrases[kind].map { Dictionary(grouping: $0, by: { $0[0] }) } ?? [:]
        }
        wholePhrases = AnswerWord.allCases.map { kind in
            phrases[kind].map { Set($0.map { $0.joined(separator: " ") }) }
        }
        digitNames = dialogue.words[.digitWords] ?? []
        digitIndex = Dictionary(digitNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        teenNames = dialogue.words[.teenWords] ?? []
        tensNames = dialogue.words[.tensWords] ?? []
        precondition(AnswerWord.allCases.count <= KindBits.capacity, "one bit per kind of answer word")
        var kindsByWord: [Substring: WordKinds] = [:]
        for (kind, list) in phrases {
            for phrase in list {
                kindsByWord[phrase[0], default: WordKinds()].starts |= Self.bit(kind)
                if phrase.count == 1 { kindsByWord[phrase[0], default: WordKinds()].alone |= Self.bit(kind) }
            }
        }
        self.kindsByWord = kindsByWord
    }

    /// The ``WordKinds`` of each of the message's words (`TextNormalizer.words`), read once for a long text.
    private func wordKinds(of message: String) -> [WordKinds] {
        recentKinds.reading(message) { text in
            TextNormalizer.words(text).map { kindsByWord[Substring($0)] ?? WordKinds() }
        }
    }

    /// For each of the message's words (`TextNormalizer.words`), whether a phrase of one of `kinds` may start there:
    /// where none does, ``phraseLength(of:at:in:)`` is nil for each of them.
    func phraseStarts(of kinds: [AnswerWord], in message: String) -> [Bool] {
        let mask = Self.bits(kinds)
        return wordKinds(of: message).map { $0.starts.intersects(mask) }
    }

    /// Whether a phrase of `kind` starts at word `i` (``phraseLength(of:at:in:)`` is not nil), for the words of a
    /// message as they are.
    private func startsPhrase(of kind: AnswerWord, at i: Int, in words: [String]) -> Bool {
        let candidates = phrasesByFirstWord[kind.ordinal][Substring(words[i])] ?? []
        for phrase in candidates where i + phrase.count <= words.count {
            if zip(words[i..<(i + phrase.count)], phrase).allSatisfy({ $0 == $1 }) { return true }
        }
        return false
    }

    /// The kind of answer among `kinds`, or nil when the sentence gives none or gives opposite ones.
    ///
    /// `.noVoicemail` wins over everything (the most private answer is kept when a message holds several),
    /// `.discreet` over yes and no (it is a yes with a condition); yes against no is unclear.
    func read(_ message: String, among kinds: [AnswerWord]) -> AnswerWord? {
        let starts = wordKinds(of: message)
        let mask = Self.bits(kinds)
        // No phrase of the kinds asked for starts anywhere: nothing is found.
        guard starts.contains(where: { $0.starts.intersects(mask) }) else { return nil }
        let words = TextNormalizer.words(message).map { Substring($0) }
        let found = self.found(in: words, kinds: kinds, starts: starts, mask: mask)
        // The most private answers count wherever they stand, even inside a longer yes or no phrase: "please dont
        // say where youre calling from" holds "dont say where", though "please dont" (a no) starts there.
        for strongest in [AnswerWord.noVoicemail, .discreet]
        where kinds.contains(strongest) && (found.contains(strongest) || contains(message, strongest)) {
            return strongest
        }
        let answers = kinds.filter { $0 != .discreet && $0 != .noVoicemail && found.contains($0) }
        return answers.count == 1 ? answers[0] : nil
    }

    /// Whether a message cancels: it starts with a cancel phrase (after words that say nothing, like "ugh")
    /// and says little else ("eh cancel all of it" but not "stop by tomorrow after lunch"), or goes on to say
    /// what isn't wanted ("nevermind i dont want to"), or holds a cancel phrase of two words or more anywhere
    /// ("nah never mind, forget the whole thing", "scratch that, dont call me"), or is a short message with a
    /// cancel word in it ("ok cancel").
    func cancels(_ message: String) -> Bool {
        let words = TextNormalizer.words(message).map { Substring($0) }
        guard !words.isEmpty else { return false }
        let lead = leadingFillers(in: words)
        let cancelPhrases = phrasesByFirstWord[AnswerWord.cancel.ordinal]
        let starts = wordKinds(of: message)
        let cancel = Self.bit(.cancel)
        for start in words.indices where starts[start].starts.intersects(cancel) {
            for phrase in cancelPhrases[words[start]] ?? []
            where start + phrase.count <= words.count && words[start..<(start + phrase.count)].elementsEqual(phrase) {
                let after = words.count - start - phrase.count
                if start <= lead && after <= 3 { return true }
                if start <= lead, words[(start + phrase.count)...].contains(where: Self.negations.contains) {
                    return true
                }
                if phrase.count >= 2 || words.count <= 3 { return true }
            }
        }
        return false
    }

    /// How many words at the start of `words` say nothing on their own ("ugh", "ok so", "honestly").
    func leadingFillers(in words: [Substring]) -> Int {
        var i = 0
        while i < words.count, let length = phraseLength(of: .filler, at: i, in: words) { i += length }
        return i
    }

    /// The length of the longest phrase of `kind` at `i`, if one starts there.
    func phraseLength(of kind: AnswerWord, at i: Int, in words: [Substring]) -> Int? {
        var best: Int?
        for phrase in phrasesByFirstWord[kind.ordinal][words[i]] ?? []
        where phrase.count > (best ?? 0) && i + phrase.count <= words.count {
            if words[i..<(i + phrase.count)].elementsEqual(phrase) { best = phrase.count }
        }
        return best
    }

    /// The message without the phrases of `kind`, clause by clause with their punctuation ("nah dont call anyone. i
    /// have a plan" is "nah. i have a plan"); the words of what is kept are normalized.
    func removing(_ kind: AnswerWord, from message: String) -> String {
        var kept: [String] = []
        func close(_ clause: Substring, with mark: Character?) {
            let words = TextNormalizer.words(String(clause)).map { Substring($0) }
            var rest: [Substring] = []
            var i = 0
            while i < words.count {
                if let length = phraseLength(of: kind, at: i, in: words) {
                    i += length
                } else {
                    rest.append(words[i])
                    i += 1
                }
            }
            if !rest.isEmpty { kept.append(rest.joined(separator: " ") + (mark.map { String($0) } ?? "")) }
        }
        // The clauses as slices of the message, not built a character at a time: on a 4,000-byte line that was most
        // of reading it (QA: "someone else, most joiners").
        var start = message.startIndex
        for (mark, end) in message.marks(of: Self.removingMarks) {
            close(message[start..<mark], with: message[mark] == "\n" ? "." : message[mark])
            start = end
        }
        close(message[start...], with: nil)
        return kept.joined(separator: " ")
    }

    /// The marks ``removing(_:from:)`` ends a clause at.
    private static let removingMarks = ".,;!?\n"

    /// The kinds of phrase a message is made of when each of its words belongs to a phrase of one of `kinds` ("ok
    /// thanks bye" is thanks, filler and bye); nil when a word is left over or the message is empty.
    func kinds(in message: String, of kinds: [AnswerWord]) -> Set<AnswerWord>? {
        let words = TextNormalizer.words(message).map { Substring($0) }
        guard !words.isEmpty else { return nil }
        var found: Set<AnswerWord> = []
        var i = 0
        while i < words.count {
            guard let best = longestPhrase(at: i, in: words, of: kinds) else { return nil }
            found.insert(best.kind)
            i += best.length
        }
        return found
    }

    /// The longest phrase of one of `kinds` at `i` (the first kind listed wins a tie), with its length.
    private func longestPhrase(at i: Int, in words: [Substring], of kinds: [AnswerWord]) -> (kind: AnswerWord, length: Int)? {
        var best: (kind: AnswerWord, length: Int)?
        for kind in kinds {
            if let length = phraseLength(of: kind, at: i, in: words), length > (best?.length ?? 0) {
                best = (kind, length)
            }
        }
        return best
    }

    /// Whether every word of a message belongs to a phrase of one of `kinds` ("no wait" is wait and no).
    func consists(_ message: String, of kinds: [AnswerWord]) -> Bool {
        self.kinds(in: message, of: kinds) != nil
    }

    /// Whether a phrase of `kind` is anywhere in the message.
    func contains(_ message: String, _ kind: AnswerWord) -> Bool {
        let starts = wordKinds(of: message)
        let bit = Self.bit(kind)
        guard let first = starts.firstIndex(where: { $0.starts.intersects(bit) }) else { return false }
        // A word that is a phrase of the kind on its own is found without looking its phrases up.
        if starts[first...].contains(where: { $0.alone.intersects(bit) }) { return true }
        let words = TextNormalizer.words(message)
        return words.indices[first...].contains { starts[$0].starts.intersects(bit) && startsPhrase(of: kind, at: $0, in: words) }
    }

    /// Where the last phrase of `kind` in the message starts (a word index), if it has one.
    func lastPhrase(in message: String, _ kind: AnswerWord) -> Int? {
        let starts = wordKinds(of: message)
        let bit = Self.bit(kind)
        guard let last = starts.lastIndex(where: { $0.starts.intersects(bit) }) else { return nil }
        let words = TextNormalizer.words(message)
        return words.indices[...last].last { starts[$0].starts.intersects(bit) && startsPhrase(of: kind, at: $0, in: words) }
    }

    /// Whether most of the message's words (half or more) are phrases of `kind`, one word each: a message in
    /// Spanish ("quiero que me llamen", "en la tarde").
    func isMostly(_ message: String, _ kind: AnswerWord) -> Bool {
        let (kinds, words) = wordCount(of: kind, in: message)
        return words > 0 && kinds * 2 >= words
    }

    /// How many of the message's words are each a phrase of `kind` on its own, and how many words it has.
    func wordCount(of kind: AnswerWord, in message: String) -> (kind: Int, words: Int) {
        guard wholePhrases[kind.ordinal] != nil else { return (0, 0) }
        // A word is in `wholePhrases[kind]` exactly when it is a phrase of `kind` on its own.
        let words = wordKinds(of: message)
        let bit = Self.bit(kind)
        return (words.count(where: { $0.alone.intersects(bit) }), words.count)
    }

    /// Whether the message refuses a name in so many words ("im not giving my name", "none of your business"): a
    /// `skip` phrase of three words or more anywhere in it.
    func refusesName(_ message: String) -> Bool {
        let starts = wordKinds(of: message)
        let bit = Self.bit(.skip)
        guard starts.contains(where: { $0.starts.intersects(bit) }) else { return false }
        let words = TextNormalizer.words(message).map { Substring($0) }
        return words.indices.contains { starts[$0].starts.intersects(bit) && (phraseLength(of: .skip, at: $0, in: words) ?? 0) >= 3 }
    }

    /// The digits a number spelled out in words stands for ("four seven zero five five five zero one two three"
    /// is "4705550123"), when the message has seven digits or more that way; nil otherwise.
    func spelledDigits(in message: String) -> String? {
        guard digitNames.count == 10 else { return nil }
        var digits = ""
        // "double five" and "triple oh" say the next digit two or three times.
        var repeats = 1
        for word in TextNormalizer.words(message) {
            // "oh" and "o" are zero, as voice-to-text writes them ("four seven oh").
            // Not before the first digit: "oh its four seven…" starts no number with a zero.
            let digit = digitIndex[word] ?? ((word == "oh" || word == "o") && !digits.isEmpty ? 0 : nil)
            if let digit {
                digits += String(repeating: String(digit), count: repeats)
                repeats = 1
            } else if word == "double" || word == "triple" {
                repeats = word == "double" ? 2 : 3
            } else if Self.allNumbers(word) {
                digits += word
                repeats = 1
            }
        }
        return digits.count >= 7 ? digits : nil
    }

    /// An extension said after a number, in words or digits ("… extension twelve", "ext one two", "then press 3",
    /// "… ext 5" after a number spelled out): the text before its marker, and the extension's digits. Nil when the
    /// message has no marker, or what follows the last one is no number of 1 to 6 digits (QA37 S2-4).
    func spokenExtension(in message: String) -> (before: String, digits: String)? {
        let markers = wholePhrases[AnswerWord.extensionWords.ordinal] ?? []
        guard !markers.isEmpty else { return nil }
        let words = TextNormalizer.words(message)
        guard let marker = words.lastIndex(where: markers.contains), marker > 0 else { return nil }
        var digits = ""
        var tens: Int?
        for word in words[(marker + 1)...] {
            if let ten = tensNames.firstIndex(of: word) {
                if let pending = tens { digits += String(pending) + "0" }
                tens = ten + 2
                continue
            }
            let value: String?
            if let digit = digitIndex[word] ?? ((word == "oh" || word == "o") ? 0 : nil) {
                value = String(digit)
            } else if let teen = teenNames.firstIndex(of: word) {
                value = String(teen + 10)
            } else if Self.allNumbers(word) {
                value = word
            } else {
                value = nil
            }
            guard let value else { break }
            if let pending = tens {
                // "twenty three" is 23; "twenty twelve" is 20 then 12.
                digits += value.count == 1 && value != "0" ? String(pending) + value : String(pending) + "0" + value
                tens = nil
            } else {
                digits += value
            }
        }
        if let pending = tens { digits += String(pending) + "0" }
        guard (1...PhoneNumber.maximumExtensionLength).contains(digits.count) else { return nil }
        return (words[..<marker].joined(separator: " "), digits)
    }

    /// Whether words are digits spelled out ("four zero four", "oh one"): never a name (QA22 W3), as digits
    /// typed are not.
    func spellsDigits(_ words: [Substring]) -> Bool {
        !words.isEmpty && words.allSatisfy { digitIndex[String($0)] != nil || ["oh", "o", "double", "triple"].contains($0) }
            && words.contains { digitIndex[String($0)] != nil }
    }

    /// Whether every character of a word is a number: byte by byte for an ASCII word.
    private static func allNumbers(_ word: String) -> Bool {
        var word = word
        return word.withUTF8 { bytes in
            bytes.contains(where: { $0 >= 0x80 }) ? nil : bytes.allSatisfy { (0x30...0x39).contains($0) }
        } ?? word.allSatisfy(\.isNumber)
    }

    // MARK: - A name

    /// The name in an answer like "sam", "it's Sam", "my name is sam", "just call me Jay", "its Jo btw", "my
    /// name is Jo but dont tell anyone", "its his mom, maria": at most three words, no digits, none of `not_name`
    /// ("hello", "idk", "goodbye", "weekends"), not how the caller is related to someone ("his mom"), and not a
    /// time. Nil when the answer holds no name.
    func name(in text: String) -> String? {
        nameAnswer(in: text)?.name
    }

    /// A name found in an answer, and how it was said.
    struct NameAnswer: Equatable {
        /// How the name was introduced: not at all ("sam"), by a word that often says something else ("its sam",
        /// "im sam", "call me sam"), or plainly ("my name is sam", "i go by sam").
        enum Introduction: Equatable { case bare, loose, plain }

        var name: String
        var introduced: Introduction
        /// Whether it was typed with a capital ("Sam").
        var capitalized: Bool
    }

    /// The name in an answer, with how it was introduced (see ``name(in:)``). With `plainOnly`, for a reader that
    /// takes only a name said plainly: a clause that names nobody plainly is no name (nil where another reading would
    /// give a `.bare` or `.loose` name), read without the checks only a name kept needs (a time, a known word, the
    /// name's own normalizing).
    func nameAnswer(in text: String, plainOnly: Bool = false) -> NameAnswer? {
        guard !text.hasQuestionMark else { return nil }
        // The first clause that says something: "its Jo, thanks" and "hi, its Ana" are Jo and Ana; a clause that only
        // says who the caller is to someone ("its his mom, maria") leaves the name to the next.
        for clause in text.clauses(splitAt: ",.;!\n") {
            let words = TextNormalizer.words(String(clause)).map { Substring($0) }
            guard leadingFillers(in: words) < words.count else { continue }
            switch nameInClause(String(clause), plainOnly: plainOnly) {
            case .name(let answer): return answer
            case .relationOnly: continue
            case .noName: return nil
            }
        }
        return nil
    }

    private enum ClauseName {
        case name(NameAnswer)
        case relationOnly
        case noName
    }

    private func nameInClause(_ clause: String, plainOnly: Bool) -> ClauseName {
        var words = TimeAnswer.whitespaceWords(clause)
        var lowered = words.map { Substring(Self.lowercaseLetters(of: $0)) }
        // "my names DeShawn but everyone calls me Shawn": the name they go by, said after the "but", is the one to ask for.
        if let but = lowered.indices.dropFirst().first(where: { lowered[$0] == "but" }) {
            for phrase in Self.goesBy {
                guard let at = lowered.indices.dropFirst(but + 1).first(where: { lowered[$0...].starts(with: phrase) }),
                    at + phrase.count < lowered.count
                else { continue }
                words.removeSubrange(..<(at + phrase.count))
                lowered.removeSubrange(..<(at + phrase.count))
                words.insert(contentsOf: ["my", "name", "is"], at: 0)
                lowered.insert(contentsOf: ["my", "name", "is"], at: 0)
                break
            }
        }
        if let cut = lowered.indices.dropFirst().first(where: { Self.clauseBreaks.contains(lowered[$0]) }) {
            words.removeSubrange(cut...)
            lowered.removeSubrange(cut...)
        }
        func dropLeading() {
            let count = leadingFillers(in: lowered)
            words.removeFirst(count)
            lowered.removeFirst(count)
        }
        dropLeading()
        var introduced = NameAnswer.Introduction.bare
        for prefix in Self.namePrefixes where lowered.starts(with: prefix.words) {
            words.removeFirst(prefix.words.count)
            lowered.removeFirst(prefix.words.count)
            introduced = prefix.loose ? .loose : .plain
            break
        }
        dropLeading()
        // "his mom maria", "maria his mom", "its his mom": how the caller is related to someone is not a name.
        var relation = false
        var index = 0
        while index < lowered.count {
            let owned = index > 0 && Self.possessives.contains(lowered[index - 1])
            // "Tia", "my name is tia": a word that names a relation with nobody's before it, typed as a name or said
            // after "my name is", is the name (QA31 S2-8); "its his mom", "tia" are the relation.
            let named = !owned && lowered.count == 1 && (introduced == .plain || words[index].first?.isUppercase == true)
            if !named, phraseLength(of: .relation, at: index, in: lowered) != nil {
                relation = true
                let from = owned ? index - 1 : index
                words.removeSubrange(from...index)
                lowered.removeSubrange(from...index)
                index = from
            } else {
                index += 1
            }
        }
        while !lowered.isEmpty, phraseLength(of: .filler, at: lowered.count - 1, in: lowered) != nil {
            words.removeLast()
            lowered.removeLast()
        }
        // "Robert');" is Robert: quotes and brackets around a word are not part of a name; code-like words inside
        // ("=HYPERLINK(\"http://x\"") make no name at all.
        words = words.map(Self.trimmingNameEdges).filter { !$0.isEmpty }
        guard !words.contains(where: { $0.unicodeScalars.contains(where: Self.notInName.contains) }) else { return .noName }
        if words.isEmpty { return relation ? .relationOnly : .noName }
        if plainOnly, introduced != .plain { return .noName }
        guard (1...3).contains(words.count), !words.joined().contains(where: \.isNumber),
            !lowered.contains(where: { phraseLength(of: .notName, at: 0, in: [$0]) != nil }), !spellsDigits(lowered)
        else { return .noName }
        // "mornings" on its own is a time, not a name; "my name is Eve" is a name.
        // A short capitalized word is a name even if it reads as a time too ("Eve").
        let capitalized = words[0].first?.isUppercase == true
        let short = words.count == 1 && words[0].count <= 3 && capitalized
        if introduced == .bare, !short, BestTime.parse(words.joined(separator: " ")) != nil { return .noName }
        // "por la mañana", "en la noche", "si por favor": words of Spanish, none of them a name (QA26).
        if introduced == .bare, lowered.allSatisfy({ phraseLength(of: .spanish, at: 0, in: [$0]) != nil }) {
            return .noName
        }
        guard let name = CallbackDraft.normalizedName(words.joined(separator: " ")) else { return .noName }
        return .name(NameAnswer(name: name, introduced: introduced, capitalized: capitalized))
    }

    /// `word.lowercased().filter(\.isLetter)`, by bytes for an ASCII word (its letters are A–Z and a–z, lowercased
    /// alone): every word of every short sentence is read so for a name.
    static func lowercaseLetters(of word: String) -> String {
        guard word.utf8.allSatisfy({ $0 < 0x80 }) else { return word.lowercased().filter(\.isLetter) }
        var letters: [UInt8] = []
        letters.reserveCapacity(word.utf8.count)
        for byte in word.utf8 where (0x61...0x7A).contains(byte | 0x20) { letters.append(byte | 0x20) }
        return String(decoding: letters, as: UTF8.self)
    }

    /// `word.trimmingCharacters(in: nameEdges)`, without Foundation when the word starts and ends with an ASCII letter
    /// or digit: none of the edges, so nothing is trimmed (most words).
    private static func trimmingNameEdges(_ word: String) -> String {
        func plain(_ byte: UInt8?) -> Bool {
            guard let byte else { return false }
            return (0x61...0x7A).contains(byte | 0x20) || (0x30...0x39).contains(byte)
        }
        if plain(word.utf8.first), plain(word.utf8.last) { return word }
        return word.trimmingCharacters(in: nameEdges)
    }

    /// How the name someone goes by is said after a "but" ("but everyone calls me Shawn", "but i go by Shawn").
    private static let goesBy: [[Substring]] = [
        ["calls", "me"], ["call", "me"], ["go", "by"], ["goes", "by"], ["known", "as"],
    ]

    /// Words before a relation that go with it ("his mom", "the mother").
    private static let possessives: Set<Substring> = ["his", "her", "their", "my", "the", "a", "your", "our", "su"]
    /// Set aside at either end of a name's word: quotes, brackets, and punctuation a sentence puts there.
    private static let nameEdges = CharacterSet(charactersIn: "\"'’‘“”`()[]{}<>;:,!?*=-_")
    /// Never inside a name: the marks of code, addresses and formulas.
    private static let notInName = CharacterSet(charactersIn: "()[]{}<>=;:/\\\"@#$%^&*+|~`")

    /// Words after which a name answer says something else ("Jo but dont tell anyone", "dee not d").
    private static let clauseBreaks: Set<Substring> = ["but", "and", "btw", "though", "tho", "because", "cause", "not"]

    /// Ways of introducing a name, longest first where one starts another; `loose` for those that often say something
    /// else ("its late", "im down", "call me back"): a name after them is taken outside the name step only when typed
    /// with a capital or with other details.
    private static let namePrefixes: [(words: [Substring], loose: Bool)] = [
        (["my", "name", "is"], false), (["my", "names"], false), (["the", "name", "is"], false), (["name", "is"], false),
        (["names"], false), (["you", "can", "call", "me"], false), (["u", "can", "call", "me"], false),
        (["they", "can", "call", "me"], false), (["you", "can", "ask", "for"], false), (["u", "can", "ask", "for"], false),
        (["you", "could", "ask", "for"], false), (["they", "should", "ask", "for"], false),
        (["they", "could", "ask", "for"], false), (["tell", "them", "to", "ask", "for"], false),
        (["have", "them", "ask", "for"], false), (["people", "call", "me"], false), (["everyone", "calls", "me"], false),
        (["they", "can", "ask", "for"], false), (["ask", "for"], false), (["call", "me"], true), (["its"], true),
        (["im"], true), (["i", "am"], true), (["this", "is"], true), (["i", "go", "by"], false), (["it", "is"], true),
        (["me", "llamo"], false), (["mi", "nombre", "es"], false), (["soy"], false),
    ]

    // MARK: - The answer to a safety check-in

    /// How an answer to a safety check-in reads.
    enum CheckInReading: Equatable {
        /// A yes to "are you having thoughts…", a no to "are you safe", unsure, or anything alarming.
        case worrying
        /// The reassuring answer, with nothing alarming in the same message.
        case reassuring
        /// Neither (or both): the question is asked again.
        case unclear
    }

    /// Reads an answer to a check-in whose worrying answer is `worrying` (`.yes` for "are you having thoughts of
    /// ending your life?", `.no` for "are you safe right now?"), with the words around it: "honestly, yes",
    /// "all the time" and "its crossed my mind" are yes; "hell no" and "nah im ok just tired" are no; a no with
    /// something alarming ("no. i already took them all") is worrying; anything else is unclear.
    func checkIn(_ message: String, worrying: AnswerWord) -> CheckInReading {
        checkInWords(message).reading(worrying: worrying)
    }

    /// What an answer to a check-in says, before it is read against the question asked.
    struct CheckInWords: Equatable {
        var yes = false, no = false, reassured = false, unsure = false, alarm = false
        /// A yes said only as when or how often ("tonight", "all the time"): a yes to the question about thoughts of
        /// suicide, nothing to "are you safe right now?" ("tonight" there is no "I'm safe").
        var when = false
        /// A hedging no ("not really") said after a pause ("no... not really"): doubt, not a no (lead's list, QA36).
        var hedged = false

        /// What this and `other` hold together: each kind of word said in either (two clauses of one answer).
        func merging(_ other: CheckInWords) -> CheckInWords {
            CheckInWords(
                yes: yes || other.yes, no: no || other.no, reassured: reassured || other.reassured,
                unsure: unsure || other.unsure, alarm: alarm || other.alarm, when: when || other.when,
                hedged: hedged || other.hedged)
        }

        /// The reading after a question whose worrying answer is `worrying`.
        func reading(worrying: AnswerWord) -> CheckInReading {
            if alarm || unsure { return .worrying }
            if worrying == .yes {
                // "no... not really": the question is asked again; with an everyday reason it is a no.
                if hedged && !reassured && !yes && !when { return .unclear }
                let yes = yes || when
                if yes { return no || reassured ? .unclear : .worrying }
                return no || reassured ? .reassuring : .unclear
            }
            if no && !yes && !reassured { return .worrying }
            // "no she is safe", "no, the doctors say hes going to be ok": the no answers "is anything wrong?", the words
            // after it say safe (a reassurance negated, "she is not safe", is read as doubt above).
            if no && reassured && !yes { return .reassuring }
            return (yes || reassured) && !no ? .reassuring : .unclear
        }
    }

    /// The yes, no, reassurance, doubt and alarm an answer to a check-in holds, each read with the words before it in
    /// its own clause: in "no im not, just tired" the "not" answers the question and doesn't negate "just tired" (read
    /// as one run of words it was "not just tired", doubt, and the visitor got the crisis reply for a no).
    func checkInWords(_ message: String) -> CheckInWords {
        let clauses = message.split(whereSeparator: { ",;.!?".contains($0) })
        // A pause ("no... not really", "not really…") makes a hedge doubt.
        let paused = message.contains("..") || message.contains("…")
        guard clauses.count > 1 else {
            var words = clauseCheckInWords(message)
            words.hedged = words.hedged && paused
            return words
        }
        var read = clauses.reduce(CheckInWords()) { words, clause in words.merging(clauseCheckInWords(String(clause))) }
        read.hedged = read.hedged && paused
        return read
    }

    /// ``checkInWords(_:)`` of one clause.
    private func clauseCheckInWords(_ message: String) -> CheckInWords {
        let words = TextNormalizer.words(message).map { Substring($0) }
        let kinds: [AnswerWord] = [.alarm, .unsure, .reassure, .checkNo, .checkYes, .checkWhen]
        // Only the words a phrase of these kinds starts with are looked at for one.
        let starts = wordKinds(of: message)
        let mask = Self.bits(kinds)
        var yes = false, no = false, reassured = false, unsure = false, alarm = false, when = false, hedge = false
        var i = 0
        while i < words.count {
            guard starts[i].starts.intersects(mask), let best = longestPhrase(at: i, in: words, of: kinds) else {
                i += 1
                continue
            }
            let phrase = words[i..<(i + best.length)]
            let negated = i > 0 && Self.negations.contains(words[i - 1])
            switch best.kind {
            case .alarm:
                // "i dont have a plan", "i would never take the pills": set aside.
                if !words[max(0, i - 3)..<i].contains(where: Self.negations.contains) { alarm = true }
            case .unsure: unsure = true
            case .reassure:
                // "no im not just tired": the "not" answers the question ("no, im not"), it doesn't negate "just tired";
                // "im not just tired" alone still doubts.
                if negated && !Self.notOfDenial(words, before: i) { unsure = true } else { reassured = true }
            case .checkNo:
                no = true
                if Self.hedges.contains(Array(phrase)) { hedge = true }
            case .checkWhen where !negated: when = true
            default:
                // "i dont think about it" is no; "not all the time" still says it happens; "i am not" is no. "i do have
                // to start over" and "i have to work" say what must be done, no yes (QA37 S2-1).
                if Self.obliges(words, after: i + best.length) { break }
                let notAfter = i + best.length < words.count && words[i + best.length] == "not"
                if notAfter && phrase.count > 1 {
                    no = true
                } else if !negated {
                    yes = true
                } else if phrase.contains(where: Self.often.contains) {
                    unsure = true
                } else {
                    no = true
                }
            }
            i += best.length
        }
        return CheckInWords(
            yes: yes, no: no, reassured: reassured, unsure: unsure, alarm: alarm, when: when, hedged: hedge)
    }

    /// Whether the negation just before `index` is the "not" of a "no, im not" said first in the clause ("no im not
    /// just tired", "nah i am not just tired"): a no word, "im" or "i am", then "not".
    private static func notOfDenial(_ words: [Substring], before index: Int) -> Bool {
        guard index >= 3, words[index - 1] == "not" else { return false }
        let subject: Int
        if words[index - 2] == "im" {
            subject = index - 2
        } else if words[index - 2] == "am", words[index - 3] == "i" {
            subject = index - 3
        } else {
            return false
        }
        guard subject >= 1 else { return false }
        return words[..<subject].allSatisfy(Self.plainNoWords.contains)
    }

    /// The words of a plain no said before "im not" ("no", "nah", "nope").
    private static let plainNoWords: Set<Substring> = ["no", "nah", "naw", "nope", "nop", "n", "noo", "nooo"]

    /// The no phrases that hedge ("not really", "i guess not"): after a pause ("no... not really") the answer is asked
    /// again, as doubt; said plainly ("no not really, just tired") they are the no they say.
    private static let hedges: Set<[Substring]> = [
        ["not", "really"], ["not", "rly"], ["not", "exactly"], ["i", "guess", "not"], ["not", "really", "no"],
    ]

    /// Whether the words from `index` on say what must be done ("to", "have to", "need to", "got to"): after "i do"
    /// or "i have" they are no yes to a check-in ("i do have to start over though right", "i have to work at 5").
    static func obliges(_ words: [Substring], after index: Int) -> Bool {
        guard index < words.count else { return false }
        if words[index] == "to" || words[index] == "gotta" { return true }
        guard index + 1 < words.count, words[index + 1] == "to" else { return false }
        return ["have", "need", "got"].contains(words[index])
    }

    /// Words by which a yes says how often: negated, they still say it happens ("not every day").
    private static let often: Set<Substring> = [
        "all", "always", "constantly", "every", "everyday", "daily", "often", "lot", "alot", "lots", "most",
    ]

    /// Whether the whole message is one phrase of a kind ("thank you", "hi there").
    ///
    /// The same as comparing the message's words with each phrase's: words never hold a space nor are empty, so
    /// two lists of words are equal exactly when their words joined by spaces are.
    func isOnly(_ message: String, _ kind: AnswerWord) -> Bool {
        guard let whole = wholePhrases[kind.ordinal], !whole.isEmpty else { return false }
        // A message that is a phrase of the kind starts with the phrase's first word: most messages are passed on the
        // kinds of their words, read once for the reply, without normalizing them again for each kind asked.
        guard let first = wordKinds(of: message).first, first.starts.intersects(Self.bit(kind)) else { return false }
        return whole.contains(TextNormalizer.normalize(message))
    }

    /// The kinds of answer among `kinds` the words hold; `starts` are their ``WordKinds`` and `mask` the bits of
    /// `kinds`: a word that starts no phrase of them is passed at once.
    private func found(
        in words: [Substring], kinds: [AnswerWord], starts: [WordKinds], mask: KindBits
    ) -> Set<AnswerWord> {
        var found: Set<AnswerWord> = []
        var i = 0
        while i < words.count {
            guard starts[i].starts.intersects(mask) else {
                i += 1
                continue
            }
            var best: (kind: AnswerWord, length: Int)?
            for kind in kinds {
                let candidates = phrasesByFirstWord[kind.ordinal][words[i]] ?? []
                for phrase in candidates where phrase.count > (best?.length ?? 0) {
                    if i + phrase.count <= words.count, words[i..<(i + phrase.count)].elementsEqual(phrase) {
                        best = (kind, phrase.count)
                    }
                }
            }
            guard let best else {
                i += 1
                continue
            }
            // "please" says yes on its own ("please", "yes please"), not inside a sentence ("no voicemails please").
            if best.length == 1, words[i] == "please", words.count > 2 {
                i += 1
                continue
            }
            let negated = i > 0 && Self.negations.contains(words[i - 1])
            switch (best.kind, negated) {
            case (.yes, true): found.insert(.no)
            case (.no, true): found.insert(.yes)
            default: found.insert(best.kind)
            }
            i += best.length
        }
        return found
    }
}
