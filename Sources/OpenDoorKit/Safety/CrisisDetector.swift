/// Checks every visitor message for a crisis before anything else sees it.
///
/// Built once from `SafetyRules` (the patterns are compiled into an index then); `assess` costs a
/// few microseconds, so it runs on every message. It keeps no state between messages and never
/// stores what the visitor wrote.
public struct CrisisDetector: Sendable {
    /// The rules this detector was built from.
    public let rules: SafetyRules
    private let index: SafetyIndex
    private let splitWords: SplitWords
    private let maskedWords: MaskedWords
    private let replies: [CrisisCategory: String]
    private let checkIns: [CrisisCategory: String]
    private let model: SafetyModel?
    /// The rules' word classes that back the model's vote to the full crisis reply (``SafetyModel/evidenceClasses``),
    /// when the model's lift asks for them.
    private let evidence: SafetyIndex?
    private let emojiWords: [UInt32: String]
    private let recentAssessments = RecentReadings<CrisisAssessment?>()
    /// Who drives, for an impaired driver's reply (`ImpairedDriver`).
    let driverReading: ImpairedDriverReading?

    /// Compiles the rules.
    public init(rules: SafetyRules) {
        self.rules = rules
        let index = SafetyIndex(rules: rules)
        self.index = index
        // A half is an ordinary word where the rules know it as a word of two letters or more ("ill", "over"; "a" and
        // "i" too), other than a spelling of the word split or of its stem ("kil" is read as "kill", so "kil ling" is
        // "killing"; round 27): one letter ("k", "l") is no word in the middle of another.
        self.splitWords = SplitWords(rules.splitWords) { half, word in
            guard (half.utf8.count > 1 || half == "a" || half == "i") && index.knows(half) else { return false }
            guard let spelled = rules.spellings[half], spelled.count == 1 else { return true }
            return !word.hasPrefix(spelled[0])
        }
        // The words people hide behind `*` or `#` are the words they split: `split_words:`.
        self.maskedWords = MaskedWords(rules.splitWords)
        self.model = rules.model?.isEnabled == true ? rules.model : nil
        if let model, model.crisisLift == .withEvidence, let evidenceRules = rules.evidenceRules(model.evidenceClasses) {
            self.evidence = SafetyIndex(rules: evidenceRules)
        } else {
            self.evidence = nil
        }
        self.emojiWords = rules.emojiWords
        self.driverReading = ImpairedDriverReading(rules: rules)
        var replies: [CrisisCategory: String] = [:]
        var checkIns: [CrisisCategory: String] = [:]
        for category in rules.categories {
            replies[category.id] = category.reply
            if !category.checkReply.isEmpty { checkIns[category.id] = category.checkReply }
        }
        self.replies = replies
        self.checkIns = checkIns
    }

    /// The crisis `message` points to and how clearly (crisis reply or check-in), or nil when it doesn't.
    ///
    /// Each sentence is checked on its own; the strongest finding wins, and among equals the first category
    /// in the file. Denials ("i'm not suicidal") and crises told as history find nothing.
    /// Unless the rules give the full crisis reply, the learned model (`SafetyModel`) is asked too: it can only
    /// add (a check-in or the crisis reply where the rules find nothing, the crisis reply where they give a
    /// check-in), never lower or remove what the rules find.
    public func assess(_ message: String) -> CrisisAssessment? {
        // A long message is checked again by the replies that read it in parts ("is the crisis someone else's?",
        // its first sentence being the whole of it): once per reading is enough.
        recentAssessments.reading(message) { assessNow($0) }
    }

    /// What ``assess(_:)`` finds, checked now.
    private func assessNow(_ message: String) -> CrisisAssessment? {
        var found = assessReading(message)
        // A message hiding its words (invisible separators, `kiII`, right-to-left override; QA23 O1) is read each
        // way it may show on screen too; the strongest finding wins, so another reading can only add.
        let spellings = TextNormalizer.hiddenSpellings(message)
        for spelling in spellings where found?.level != .crisis {
            guard let other = assessReading(spelling) else { continue }
            if found == nil || other.level == .crisis { found = other }
        }
        // A crisis word split by a space ("i want to kil l myself", "su icide"; QA26): read joined too, as typed and
        // in each hidden spelling ("k1ll mys elf" read "kill mys elf"; QA28).
        // QA28: a split with a short half that is no word where it stands ("end my li fe", "i want to o d") makes any
        // word the rules know, not only the listed ones.
        for text in [message] + spellings where found?.level != .crisis {
            guard let joined = joiningSplits(text), let other = assessReading(joined),
                found == nil || other.level == .crisis
            else { continue }
            found = other
        }
        // QA28: letters hidden behind `*` or `#` ("k**l", "s**cide"), and words run together ("iwanttodieiwanttodie",
        // "imgoingtokillmyselftonight"): read as the words they hide, each also with its splits joined.
        guard found?.level != .crisis else { return found }
        let hidden = [maskedWords.unmasked(message), RunTogetherWords.separated(message, index: index)]
        for text in hidden.compactMap({ $0 }) where found?.level != .crisis {
            for reading in [text, joiningSplits(text)].compactMap({ $0 })
            where found?.level != .crisis {
                guard let other = assessReading(reading), found == nil || other.level == .crisis else { continue }
                found = other
            }
        }
        return found
    }

    /// `text` with its words split by a space joined (`split_words:`, and a short half:
    /// ``joinsShortHalf(_:_:index:)``), or nil when none is.
    private func joiningSplits(_ text: String) -> String? {
        // The short-half test is a closure written here, passed on without escaping: it reads the index where it is.
        // A closure kept in a variable (round 29: capturing `[index]`) copied the whole index into a heap box, every
        // array of it retained and released, on every message (round 30's `perf record`); a method of `self` as the
        // closure copied the whole detector.
        splitWords.joined(text) { first, second in Self.joinsShortHalf(first, second, index: index) }
    }

    /// Whether two words with only a space between them are one word split, not listed in `split_words:`: one half of
    /// one or two letters that the rules know as no word ("li", "fe", "o", "d"; never "a", "i", "im", "od"), joined
    /// into a word of theirs ("life", "od"). Beside a lone letter that is no word in texting ("e", "l", "d"; never
    /// "u", "r", "k", "o" and the like), the other half may be a short word the rules know ("e nd", "en d", "al l";
    /// round 27, QA30): a stray letter is part of a word.
    private static func joinsShortHalf(
        _ first: ArraySlice<UInt8>, _ second: ArraySlice<UInt8>, index: SafetyIndex
    ) -> Bool {
        let total = first.count + second.count
        guard first.count <= 2 || second.count <= 2, total >= 3, total <= 24 else { return false }
        // The halves and the joined word are walked in the trie as bytes: a String and an array built for each pair of
        // words was a twentieth of the crisis check (round 27). `knows` of the text decoded from these bytes is the
        // same: a byte other than a–z and 0–9 (a repaired one included) is in no word the trie holds.
        func isWord(_ half: ArraySlice<UInt8>) -> Bool {
            if half.count == 1, half.first! | 0x20 == 0x61 || half.first! | 0x20 == 0x69 { return true }  // "a", "i"
            return index.knows(lowercasing: half)
        }
        func isStray(_ half: ArraySlice<UInt8>) -> Bool {
            half.count == 1 && !Self.singleLetterWords.contains(half[half.startIndex] | 0x20)
        }
        let strayLetter = (isStray(first) && second.count > 1) || (isStray(second) && first.count > 1)
        for half in [first, second] where half.count <= 2 && !(strayLetter && half.count == 2) {
            if isWord(half) { return false }
        }
        return index.knows(lowercasing: first, then: second)
    }

    /// The letters that are words alone in texting ("a", "i", "u" for you, "r" for are, "k" for ok, "o" for oh…).
    private static let singleLetterWords = Set("aiurnkbcyxow".utf8)

    /// ``assess(_:)`` for one spelling of a message.
    private func assessReading(_ message: String) -> CrisisAssessment? {
        let message = reading(message)
        let sentences = index.evaluate(message)
        var found = sentences.crisis
        if found?.level != .crisis, found != nil || !sentences.excused, let joined = Self.joiningSentences(message),
            var across = index.evaluate(joined).crisis, found == nil || across.level == .crisis
        {
            // A finding spread over sentences is one message: the means in one sentence and the time in the next
            // ("i have all my pills saved up. tonight's the night"), a farewell over short sentences ("sorry for
            // everything. love you all. bye"). Where the sentences find only a check-in, the words read as one
            // sentence may give the crisis reply; where they find nothing, the check-in (the question asks, and a
            // yes gets the crisis reply), since words of different sentences may not belong together.
            if found == nil { across.level = .check }
            across.note = across.note ?? Self.acrossSentencesNote
            found = across
        }
        guard let model, found?.level != .crisis, found?.ruleID.isExclusionCheckIn != true else { return found }
        let judged = model.assess(message, after: found)
        // Words an exclusion set aside as a look-alike ("dying my hair", "ill handle the dishes by myself tonight") are
        // set aside for the model too: where the rules found nothing, the model reads only the other sentences.
        guard found == nil, judged != nil, sentences.setAside else {
            return backed(judged, after: found, in: message, by: model)
        }
        guard let rest = sentencesNotSetAside(message) else { return nil }
        return backed(model.assess(rest, after: nil), after: nil, in: rest, by: model)
    }

    /// `model.backed(judged, after: found)` with the rules' evidence in `message`; the model's check-ins and silences
    /// come back as they are without making the closure, which copied the whole detector (a retain and a release of
    /// each of its references: a third of the model's own time on every message, round 29's `perf record`).
    private func backed(
        _ judged: CrisisAssessment?, after found: CrisisAssessment?, in message: String, by model: SafetyModel
    ) -> CrisisAssessment? {
        guard judged?.level == .crisis else { return judged }
        return model.backed(judged, after: found) { evidence(in: message) }
    }

    /// The word class of the model's evidence the rules find in `message` (`@means`), or nil (round 27: the model may
    /// lift a message to the full crisis reply only where the rules see a crisis component in it).
    private func evidence(in message: String) -> String? {
        // An exclusion's check-in ("my ex told me to kys") is no crisis component: its words are someone else's.
        guard let evidence, let finding = evidence.evaluate(message).crisis, !finding.ruleID.isExclusionCheckIn
        else { return nil }
        let id = finding.ruleID.rawValue
        return id.firstIndex(of: "/").map { String(id[id.index(after: $0)...]) } ?? id
    }

    /// The sentences of `message` (split where the learned model splits them: . ! ? ; and line breaks) in which the
    /// rules, reading each sentence alone, set no words aside as a look-alike, or find something (excused by the
    /// message around it, but the model's to weigh), joined again; nil when no sentence is left.
    func sentencesNotSetAside(_ message: String) -> String? {
        var kept: [Substring] = []
        for sentence in message.split(whereSeparator: { ".!?;".contains($0) || $0.unicodeScalars.contains("\n") }) {
            guard sentence.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
            let verdict = index.evaluate(String(sentence))
            if verdict.crisis != nil || !verdict.setAside { kept.append(sentence) }
        }
        return kept.isEmpty ? nil : kept.joined(separator: ".")
    }

    /// Why a check-in became the crisis reply: the message's sentences read as one.
    static let acrossSentencesNote = "read across its sentences"

    /// `message` with its sentence ends (. ! ? ; line breaks) turned into commas, or nil when it has no sentence end
    /// with words after it (one sentence, read the same either way).
    static func joiningSentences(_ message: String) -> String? {
        // The sentence ends are ASCII, so they are found and replaced byte by byte (an ASCII byte is never part of
        // another scalar); a letter after one is an ASCII letter, or a non-ASCII scalar asked for its property. Most
        // messages are one sentence: they are read once and nothing is built.
        var ended = false
        var changed = false
        scan: for scalar in message.unicodeScalars {
            switch scalar {
            case ".", "!", "?", ";", "\n", "\r":
                ended = true
            default:
                guard ended else { continue }
                if TextNormalizer.isAlphabetic(scalar) {
                    changed = true
                    break scan
                }
            }
        }
        guard changed else { return nil }
        var bytes = Array(message.utf8)
        for position in bytes.indices {
            switch bytes[position] {
            case 0x2E, 0x21, 0x3F, 0x3B, 0x0A, 0x0D: bytes[position] = 0x2C
            default: continue
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the learned model is asked when the rules find nothing.
    public var usesModel: Bool { model != nil }

    /// Whether `message` says "I'm not in crisis, you misunderstood" ("no i'm fine", "jk").
    ///
    /// The denial's own words are set aside and the rest is checked for a crisis:
    /// "i'm not going to kill myself" is a denial, "jk i want to die" is not. Meant for the
    /// message after a crisis reply; `assess` still flags both.
    public func isDenial(_ message: String) -> Bool {
        index.evaluate(reading(message), wholeMessageDenial: true).denial
    }

    /// `message` as the check reads it: full-width letters and invisible characters inside words as plain text
    /// (`TextNormalizer.folded`), Cyrillic and Greek look-alikes in Latin words as Latin letters
    /// (`TextNormalizer.foldingConfusables`), and the emoji of the rules' `emoji:` table as the words they stand for
    /// ("💊💊 all of them" as " pills  pills  all of them"); other emoji stay, and the tokenizer drops them.
    func reading(_ message: String) -> String {
        var folded = TextNormalizer.foldingConfusables(TextNormalizer.folded(message))
        // A quoted title by its maker is read as a song (round 26): "i love \"suicidal\" by ynw melly".
        if let titled = QuotedTitles.marked(folded) { folded = titled }
        guard !emojiWords.isEmpty, !folded.utf8.allSatisfy({ $0 < 0x80 }),
            folded.unicodeScalars.contains(where: { emojiWords[$0.value] != nil })
        else { return folded }
        var read = ""
        read.reserveCapacity(folded.utf8.count + 16)
        for scalar in folded.unicodeScalars {
            if let words = emojiWords[scalar.value] {
                read += words
            } else {
                read.unicodeScalars.append(scalar)
            }
        }
        // Round 28 (QA35 S1-5): a message of emoji alone ("💊💊💊⚰️", "🔫") says nothing else; the rules see it
        // by the word `emojionly` before the emoji's words, so that it may be a check-in where a typed "gun" isn't.
        if !folded.unicodeScalars.contains(where: { TextNormalizer.isAlphabetic($0) || ("0"..."9").contains($0) }) {
            return Self.emojiOnlyMark + read
        }
        return read
    }

    /// The word that opens the reading of a message of emoji alone (round 28); `safety.yaml` patterns name it.
    static let emojiOnlyMark = "emojionly "

    /// The check-in question for `category`, with `{center.name}` and `{center.phone}` left for the caller.
    public func checkIn(for category: CrisisCategory) -> String {
        checkIns[category] ?? Self.fallbackCheckIn
    }

    /// Used only if rules were built without a check-in question.
    static let fallbackCheckIn = """
        It sounds like you're carrying a lot right now. Are you having thoughts of ending your life? \
        If you are, you can call or text 988 right now, any hour.
        """

    /// The reply template for `category`, with `{center.name}` and `{center.phone}` left for the caller.
    public func reply(for category: CrisisCategory) -> String {
        replies[category] ?? Self.fallbackReply
    }

    /// Used only if rules were built without a category, which the loader doesn't allow.
    static let fallbackReply = """
        Call or text 988 (Suicide & Crisis Lifeline) now, any hour. If you are in immediate danger \
        or someone may have overdosed, call 911.
        SAMHSA National Helpline: 1-800-662-4357. {center.name}: {center.phone}.
        I'm still here, and I can ask {center.name} to call you back.
        """
}
