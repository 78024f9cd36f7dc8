/// `SafetyRules` compiled for speed: a byte trie of every word the patterns name, and the patterns
/// as word ids, each indexed under its rarest word so a message only tries the few patterns
/// whose words it contains.
///
/// A message is read once into words; each word is looked up in the trie by walking its bytes
/// (exact words, prefixes, spellings and number words in one walk), and a word with no exact
/// match is searched for one edit away (typo tolerance) in the same trie.
struct SafetyIndex: Sendable {
    /// What one word of the message must be, compiled.
    struct Term: Sendable {
        /// 0: a word, 1: a prefix, 2: a number.
        var kind: UInt8
        /// The word or prefix id; -1 for numbers.
        var atom: Int32
        /// A word one edit away counts too.
        var typos: Bool
        /// The smallest number that counts.
        var minimum: Int32
    }

    /// One choice of a position: `terms[firstTerm..<firstTerm + termCount]`, consecutive words.
    struct Alternative: Sendable {
        var firstTerm: Int32
        var termCount: Int32
    }

    /// One position of a compiled pattern: its choices are `alternatives[firstAlternative..<endAlternative]`.
    ///
    /// Patterns, positions, choices and terms each live in one flat array of plain values, so that matching
    /// reads them by index without reference counting (nested arrays cost a retain and a release per read).
    struct Slot: Sendable {
        var firstAlternative: Int32
        var endAlternative: Int32
        /// Words allowed between the previous position and this one.
        var gapBefore: Int32
        /// The position may be left out.
        var isOptional: Bool
        /// The ids the choices' first words can be, sorted: `openers[firstOpener..<endOpener]`; a word with none
        /// of them can't start a choice, and the choices aren't tried there. `firstOpener` is -1 when a choice
        /// starts with a number, which any word with digits can be.
        var firstOpener: Int32
        var endOpener: Int32
        /// The end of a sentence or clause (`$`), not a word.
        var isEnd: Bool
        /// The openers as bits `1 << (id & 63)`: a word whose ids share none of these bits (``Words/masks``) opens no
        /// choice, which one AND says before `mayOpen` compares ids.
        var openerMask: UInt64 = 0
    }

    /// What a pattern is for.
    enum Kind: UInt8, Sendable {
        /// Its words are ignored by crisis patterns.
        case exclusion
        /// It means "I'm not in crisis".
        case denial
        /// It points to a crisis (its finding is in `assessments`).
        case crisis
        /// It tells a crisis as past.
        case history
        /// It makes a crisis told as past current again.
        case current
        /// It tells a sentence as the visitor's present.
        case present
        /// It tells another sentence as a story.
        case story
        /// The visitor speaks of themself.
        case selfReference
        /// It opens a new clause inside a sentence.
        case clause
        /// It undoes a denial said just after it in the same clause.
        case doubt
        /// It cancels another pattern (an `unless:`).
        case condition
    }

    /// A compiled pattern: its positions are `slots[firstSlot..<endSlot]`, its `unless` conditions
    /// `unlessList[firstUnless..<endUnless]`.
    struct Pattern: Sendable {
        var kind: Kind
        var firstSlot: Int32
        var endSlot: Int32
        var firstUnless: Int32
        var endUnless: Int32
        /// The ids its required positions open with, one ``AtomBits`` per such position:
        /// `requiredOpeners[firstRequired..<endRequired]` (see ``mayMatch(_:in:)``).
        var firstRequired: Int32 = 0
        var endRequired: Int32 = 0
    }

    /// A set of ids folded into 256 bits (`id & 255`): what a passage's words are (``Passage/atomBits``), or what one
    /// of a pattern's required positions can open with.
    struct AtomBits: Sendable {
        var a: UInt64 = 0
        var b: UInt64 = 0
        var c: UInt64 = 0
        var d: UInt64 = 0

        @inline(__always)
        mutating func insert(_ atom: Int32) {
            let bit: UInt64 = 1 << UInt64(truncatingIfNeeded: atom & 63)
            switch (atom >> 6) & 3 {
            case 0: a |= bit
            case 1: b |= bit
            case 2: c |= bit
            default: d |= bit
            }
        }

        /// Whether the two sets share a bit.
        @inline(__always)
        func intersects(_ other: AtomBits) -> Bool {
            (a & other.a) | (b & other.b) | (c & other.c) | (d & other.d) != 0
        }
    }

    /// The words of one message, with what each word is in the trie.
    struct Words {
        /// Per word, the ids it matches, as `id << 1 | 1` when only through a typo.
        var atoms: [Int32] = []
        /// Where each word's ids end in `atoms`.
        var ends: [Int32] = []
        /// Each word's number value, or -1.
        var numbers: [Int32] = []
        /// Per word, its ids as bits `1 << (id & 63)` (see ``Slot/openerMask``).
        var masks: [UInt64] = []
        /// The index of each word that starts a sentence after the first.
        var sentenceStarts: [Int32] = []
        /// The index of each word after a comma, colon, bracket or dash inside a sentence.
        var clauseStarts: [Int32] = []

        var count: Int { numbers.count }

        init(capacity: Int) {
            atoms.reserveCapacity(capacity * 2)
            ends.reserveCapacity(capacity)
            numbers.reserveCapacity(capacity)
            masks.reserveCapacity(capacity)
        }

        /// Ends the word whose ids were appended to `atoms` since the last one ended.
        @inline(__always)
        mutating func endWord(number: Int32) {
            var mask: UInt64 = 0
            for position in (ends.last.map(Int.init) ?? 0)..<atoms.count {
                mask |= 1 << UInt64(truncatingIfNeeded: (atoms[position] >> 1) & 63)
            }
            ends.append(Int32(atoms.count))
            numbers.append(number)
            masks.append(mask)
        }

        /// Where word `index`'s ids start in `atoms`.
        @inline(__always)
        func firstAtom(_ index: Int) -> Int { index == 0 ? 0 : Int(ends[index - 1]) }

        /// Whether the words `range` and `other` hold the same words (ids, typo marks and numbers).
        func same(_ range: Range<Int>, as other: Range<Int>) -> Bool {
            guard range.count == other.count else { return false }
            let shift = other.lowerBound - range.lowerBound
            let atomShift = firstAtom(other.lowerBound) - firstAtom(range.lowerBound)
            let base = firstAtom(range.lowerBound)
            for index in range {
                if numbers[index] != numbers[index + shift] { return false }
                if Int(ends[index]) - base != Int(ends[index + shift]) - base - atomShift { return false }
            }
            let atomEnd = Int(ends[range.upperBound - 1])
            for position in base..<atomEnd where atoms[position] != atoms[position + atomShift] { return false }
            return true
        }

        /// A hash of the words `range` (ids, typo marks and numbers), the same for the same words anywhere.
        func hash(_ range: Range<Int>) -> Int {
            var hasher = Hasher()
            let base = firstAtom(range.lowerBound)
            for index in range {
                hasher.combine(numbers[index])
                hasher.combine(Int(ends[index]) - base)
            }
            for position in base..<Int(ends[range.upperBound - 1]) { hasher.combine(atoms[position]) }
            return hasher.finalize()
        }
    }

    /// One sentence (or window) of a message while it is checked: the words `lower..<upper` of the message,
    /// and which of them an exclusion or a denial took out.
    struct Passage {
        let words: Words
        let lower: Int
        let upper: Int
        /// `upper` ends a clause (a `clauses:` phrase follows), so `$` may match there; the end of a sentence is
        /// found from the words.
        var closes = false
        /// Per word from `lower`, whether it is taken out. Empty until a word is masked: most messages never
        /// mask one, and then nothing is allocated.
        var masked: [Bool] = []
        /// Whether matching honours `masked` (conditions look at the whole passage).
        var useMask = true
        /// Every id of the passage's words (typos included).
        let atomBits: AtomBits

        init(_ words: Words, _ range: Range<Int>) {
            self.words = words
            self.lower = range.lowerBound
            self.upper = range.upperBound
            var bits = AtomBits()
            if range.upperBound > range.lowerBound {
                for position in words.firstAtom(range.lowerBound)..<Int(words.ends[range.upperBound - 1]) {
                    bits.insert(words.atoms[position] >> 1)
                }
            }
            self.atomBits = bits
        }
    }

    /// A sentence longer than this is checked in overlapping windows of this many words, so that the cost of a
    /// message grows with its length, never with its length squared (one long run-on line stays cheap).
    static let windowWords = 48
    /// How far one window starts after the previous one; the overlap keeps a phrase at the seam whole.
    static let windowStep = 24

    /// Number words a `#` accepts, besides digits.
    static let numberWords: [(String, Int32)] = [
        ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7), ("eight", 8),
        ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12), ("thirteen", 13), ("fourteen", 14),
        ("fifteen", 15), ("sixteen", 16), ("seventeen", 17), ("eighteen", 18), ("nineteen", 19), ("twenty", 20),
        ("thirty", 30), ("forty", 40), ("fifty", 50), ("sixty", 60), ("seventy", 70), ("eighty", 80),
        ("ninety", 90), ("hundred", 100), ("dozen", 12),
    ]
    /// Typo tolerance applies to pattern words this long or longer.
    static let minimumTypoTargetLength = 3
    /// Pattern words this long or longer take any one edit; shorter ones only the slips a hand makes (see
    /// `appendTypoMatches`), since a short word is one letter away from many others.
    static let lenientTypoTargetLength = 6
    /// A pattern word's doubled letters typed once make an alias only when this many letters are left ("botle" for
    /// "bottle"; "pils" for "pills" is one slip anyway).
    static let shortestDoubledAlias = 5

    /// `word` with each doubled letter written once ("swallowed" → "swalowed"), or nil when it has none.
    static func collapsingDoubles(_ word: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(word.utf8.count)
        for byte in word.utf8 where bytes.last != byte { bytes.append(byte) }
        guard bytes.count < word.utf8.count, word.utf8.count >= lenientTypoTargetLength else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Message words shorter than this are never read as typos.
    static let minimumTypoWordLength = 3

    /// Per letter a–z, the letters next to it on a QWERTY keyboard, as bits.
    static let keyboardNeighbours: [UInt32] = {
        let near = [
            "qwsz", "ghvn", "dfxv", "ersfxc", "wrsd", "rtdgcv", "tyfhvb", "yugjbn", "uojk", "uihknm", "iojlm", "opk",
            "jkn", "hjbm", "ipkl", "ol", "wa", "etdf", "weadzx", "ryfg", "yihj", "fgcb", "qeas", "sdzc", "tugh", "asx",
        ]
        var bits = near.map { $0.utf8.reduce(UInt32(0)) { $0 | 1 << UInt32($1 - 97) } }
        for letter in 0..<26 {
            for other in 0..<26 where bits[letter] & (1 << UInt32(other)) != 0 { bits[other] |= 1 << UInt32(letter) }
        }
        return bits
    }()
    /// The vowels, as bits: one read for another is a slip of spelling, not of the hand ("xanex").
    static let vowels: UInt32 = [97, 101, 105, 111, 117].reduce(0) { $0 | 1 << UInt32($1 - 97) }

    /// How likely typing `byte` for the letter `symbol` (0–25) is a slip: 2 for a neighbouring key (a slip of the
    /// hand, which words of 3+ letters take), 1 for another vowel (of spelling, 4+ letters), 0 otherwise.
    @inline(__always)
    static func slip(_ byte: UInt8, for symbol: Int) -> UInt8 {
        guard byte >= 97 && byte <= 122 && symbol >= 0 && symbol < 26 else { return 0 }
        let typed = Int(byte - 97)
        if keyboardNeighbours[symbol] & (1 << UInt32(typed)) != 0 { return 2 }
        return vowels & (1 << UInt32(typed)) != 0 && vowels & (1 << UInt32(symbol)) != 0 ? 1 : 0
    }

    // The trie, one entry per node; node 0 is the root.
    /// While building: the trie's edges (see ``EdgeTable``). Emptied once built: messages walk ``nodes`` and
    /// ``childList`` instead, which the edges are laid out into in one pass.
    private var edges = EdgeTable()
    /// Per node, which symbols have a child and where those children start in ``childList``.
    private var nodes: [Node] = []
    /// The children of every node, in symbol order, node after node.
    private var childList: [Int32] = []
    private var wordAt: [Int32] = [-1]
    private var prefixAt: [Int32] = [-1]
    private var numberAt: [Int32] = [-1]
    private var spellingAt: [Int32] = [-1]
    /// Per node, which typos a pattern word ending there takes: 0 none, 1 a hand's slips (3 letters), 2 a hand's
    /// or a vowel's (4–5 letters), 3 any one edit (`lenientTypoTargetLength` letters or more).
    private var typoTargetAt: [UInt8] = [0]
    /// Words that are never read as a typo of another (`never_correct:`).
    private var neverCorrectAt: [Bool] = [false]
    private var typoTargetBelow: [Bool] = [false]
    /// Per node, the pattern word whose doubled letters typed once end here ("swalowed" for "swallowed"), or -1: a
    /// message word ending here is read as a typo of it.
    private var aliasAt: [Int32] = [-1]

    /// What each spelling is read as: spelling `s` is the words `spellingWords[spellingStart[s]..<spellingStart[s + 1]]`.
    private var spellingStart: [Int32] = [0]
    /// One word a spelling is read as: its ids are `spellingAtoms[firstAtom..<endAtom]`.
    private var spellingWords: [(firstAtom: Int32, endAtom: Int32, number: Int32)] = []
    private var spellingAtoms: [Int32] = []
    /// The patterns indexed under id `a` are `anchoredList[anchoredStart[a]..<anchoredStart[a + 1]]`, in order.
    private var anchoredStart: [Int32] = [0]
    private var anchoredList: [Int32] = []

    /// The patterns, in the order `evaluate` tries them: exclusions, denials, crises by level and priority,
    /// history, current, present, story, self, and last the `unless` conditions.
    private var patterns: [Pattern] = []
    /// The finding of each crisis pattern (nil for the others).
    private var assessments: [CrisisAssessment?] = []
    private var slots: [Slot] = []
    private var alternatives: [Alternative] = []
    private var terms: [Term] = []
    /// The ids each position's choices start with (see `Slot.firstOpener`).
    private var openers: [Int32] = []
    /// The `unless` conditions of every pattern, pattern after pattern.
    private var unlessList: [Int32] = []
    /// What each pattern's required positions open with (see ``Pattern/firstRequired``).
    private var requiredOpeners: [AtomBits] = []
    /// The patterns that open a clause (`clauses:`).
    private var clausePatterns: Range<Int> = 0..<0
    /// The patterns of doubt that undo a denial just after them (`doubts:`).
    private var doubtPatterns: Range<Int> = 0..<0

    /// A node of the built trie.
    struct Node: Sendable {
        /// Bit `symbol` is set when the node has a child for it.
        var symbols: UInt64
        /// Where the node's children start in `childList`.
        var firstChild: Int32
        /// The prefix id ending here, or -1 (as `prefixAt`, next to what the walk reads anyway).
        var prefix: Int32
    }

    init(rules: SafetyRules) {
        var atomCount: Int32 = 0
        reserveCapacity(for: rules)
        // Per id: whether its word can be a typo target, and whether it is marked as one (false for prefixes). A
        // word is known by the trie node it ends at (`wordAt`), found by walking its bytes: a dictionary of strings
        // hashed every word of every choice, a tenth of compiling the rules.
        var typoFlags: [(eligible: Bool, marked: Bool)] = []
        // The typo targets of `lenientTypoTargetLength` letters or more that have a doubled letter, for their aliases.
        var doubled: [(word: String, atom: Int32)] = []

        func compile(_ term: SafetyPattern.Term) -> Term {
            switch term {
            case .word(let word, let typos):
                // Each word is put in the trie once; the same word comes back in many choices.
                let node = Int(insert(word))
                let known = wordAt[node]
                if known >= 0 {
                    let flags = typoFlags[Int(known)]
                    if typos && flags.eligible && !flags.marked {
                        markTypoTarget(word)
                        typoFlags[Int(known)].marked = true
                        if Self.collapsingDoubles(word) != nil { doubled.append((word, known)) }
                    }
                    return Term(kind: 0, atom: known, typos: typos && flags.eligible, minimum: 0)
                }
                let atom = atomCount
                atomCount += 1
                wordAt[node] = atom
                let eligible = word.utf8.count >= Self.minimumTypoTargetLength && word.utf8.allSatisfy { $0 >= 97 }
                if typos && eligible {
                    markTypoTarget(word)
                    if Self.collapsingDoubles(word) != nil { doubled.append((word, atom)) }
                }
                typoFlags.append((eligible, typos && eligible))
                return Term(kind: 0, atom: atom, typos: typos && eligible, minimum: 0)
            case .prefix(let prefix):
                let node = Int(insert(prefix))
                var atom = prefixAt[node]
                if atom < 0 {
                    atom = atomCount
                    atomCount += 1
                    prefixAt[node] = atom
                    typoFlags.append((false, false))
                }
                return Term(kind: 1, atom: atom, typos: false, minimum: 0)
            case .number(let minimum):
                return Term(kind: 2, atom: -1, typos: false, minimum: minimum)
            }
        }
        // The same choices (a list, `my_self|him_self`) come back in many patterns, and the parser hands each
        // one out as the same array: each is compiled once, found by where the array keeps its elements (the
        // rules hold every array while this runs, so an address can't be reused for other choices).
        typealias Choices = (first: Int32, end: Int32, firstOpener: Int32, endOpener: Int32, openerMask: UInt64)
        var compiledChoices = AddressTable<Choices>(capacity: 1 << 11)
        // A choice's words, too, are one array the parser hands out wherever the choice is said (`kill` in
        // `kill|killing` and in `kill|murder`, each entry of a list in every `@list`): its terms are compiled once,
        // and every alternative that is that array points to them. Positions differ far more often than their
        // choices do: this compiles a third of the terms it did per position. The first time a term is compiled is
        // where it was before, so its id and its typo marking are the same.
        var compiledTerms = AddressTable<Int32>(capacity: 1 << 11)
        func compileChoices(_ choices: [[SafetyPattern.Term]]) -> Choices {
            let address = choices.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
            if let address, let known = compiledChoices[address] { return known }
            let first = Int32(alternatives.count)
            var opening: [Int32] = []
            opening.reserveCapacity(choices.count)
            var anyNumber = false
            for choice in choices {
                let words = choice.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
                let firstTerm: Int32
                if let words, let known = compiledTerms[words] {
                    firstTerm = known
                } else {
                    firstTerm = Int32(terms.count)
                    for term in choice { terms.append(compile(term)) }
                    if let words { compiledTerms[words] = firstTerm }
                }
                alternatives.append(Alternative(firstTerm: firstTerm, termCount: Int32(choice.count)))
                let opener = terms[Int(firstTerm)]
                if opener.kind == 2 { anyNumber = true } else { opening.append(opener.atom) }
            }
            var compiled: Choices = (first, Int32(alternatives.count), -1, -1, 0)
            if !anyNumber {
                compiled.firstOpener = Int32(openers.count)
                // Sorted without repeats (as `Set(opening).sorted()`, without a set for every choice).
                opening.sort()
                for opener in opening where openers.count == Int(compiled.firstOpener) || openers.last != opener {
                    openers.append(opener)
                }
                compiled.endOpener = Int32(openers.count)
                for opener in opening { compiled.openerMask |= 1 << UInt64(truncatingIfNeeded: opener & 63) }
            }
            if let address { compiledChoices[address] = compiled }
            return compiled
        }

        // Patterns in the order `evaluate` needs them: exclusions, denials, then crises by priority.
        var conditions: [(owner: Int, source: String, pattern: SafetyPattern)] = []
        func appendPattern(_ pattern: SafetyPattern, kind: Kind, assessment: CrisisAssessment? = nil) {
            let firstSlot = Int32(slots.count)
            for slot in pattern.slots {
                let choices = compileChoices(slot.alternatives)
                slots.append(
                    Slot(
                        firstAlternative: choices.first, endAlternative: choices.end,
                        gapBefore: Int32(slot.gapBefore), isOptional: slot.isOptional,
                        firstOpener: choices.firstOpener, endOpener: choices.endOpener, isEnd: slot.isEnd,
                        openerMask: choices.openerMask))
            }
            patterns.append(
                Pattern(kind: kind, firstSlot: firstSlot, endSlot: Int32(slots.count), firstUnless: 0, endUnless: 0))
            assessments.append(assessment)
        }
        func add(_ pattern: SafetyRules.Pattern, kind: Kind, assessment: CrisisAssessment? = nil) {
            appendPattern(pattern.parsed, kind: kind, assessment: assessment)
            for (source, condition) in zip(pattern.unless, pattern.parsedUnless) {
                conditions.append((patterns.count - 1, source, condition))
            }
        }
        // An exclusion with `check_in:` carries the check-in its match gives where nothing else is found.
        for pattern in rules.exclusions {
            add(
                pattern, kind: .exclusion,
                assessment: pattern.checkIn.map {
                    CrisisAssessment(
                        category: $0, level: .check, ruleID: .exclusionCheckIn(pattern.source),
                        note: "someone else's words, set aside; a check-in")
                })
        }
        for pattern in rules.denials { add(pattern, kind: .denial) }
        // Crisis-level patterns before check-level ones: the first that matches is the strongest finding.
        for category in rules.categories {
            for pattern in category.patterns {
                let id = SafetyRuleID(rawValue: "\(category.id.rawValue)/\(pattern.source)")
                add(pattern, kind: .crisis, assessment: CrisisAssessment(category: category.id, level: .crisis, ruleID: id))
            }
        }
        for category in rules.categories {
            for pattern in category.checkPatterns {
                let id = SafetyRuleID(rawValue: "\(category.id.rawValue)/check/\(pattern.source)")
                add(pattern, kind: .crisis, assessment: CrisisAssessment(category: category.id, level: .check, ruleID: id))
            }
        }
        for pattern in rules.history { add(pattern, kind: .history) }
        for pattern in rules.current { add(pattern, kind: .current) }
        for pattern in rules.present { add(pattern, kind: .present) }
        for pattern in rules.story { add(pattern, kind: .story) }
        for pattern in rules.selfReference { add(pattern, kind: .selfReference) }
        clausePatterns = patterns.count..<patterns.count + rules.clauses.count
        for pattern in rules.clauses { add(pattern, kind: .clause) }
        doubtPatterns = patterns.count..<patterns.count + rules.doubts.count
        for pattern in rules.doubts { add(pattern, kind: .doubt) }
        // The same exception ("work", "lol") is under hundreds of patterns: it is compiled once, and every owner
        // points to it (found by its text's bytes, which are what the parser read).
        // The conditions were listed owner by owner, in the owners' order: each owner's exceptions are one run of
        // `unlessList`, written as they are compiled (no list per pattern to join afterwards).
        // The parser hands out an exception it read before as the same pattern, whose positions are the same array:
        // that array's address finds it without hashing the text (the text is hashed once per array; each half of
        // the file parsed on its own core has arrays of its own).
        var compiledConditions: [UTF8Key: Int32] = [:]
        var conditionsByAddress = AddressTable<Int32>(capacity: 1 << 11)
        unlessList.reserveCapacity(conditions.count)
        var previousOwner = -1
        for (owner, source, condition) in conditions {
            if owner != previousOwner {
                patterns[owner].firstUnless = Int32(unlessList.count)
                previousOwner = owner
            }
            let address = condition.slots.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
            if let address, let known = conditionsByAddress[address] {
                unlessList.append(known)
            } else {
                let key = UTF8Key(source)
                let compiled: Int32
                if let known = compiledConditions[key] {
                    compiled = known
                } else {
                    appendPattern(condition, kind: .condition)
                    compiled = Int32(patterns.count - 1)
                    compiledConditions[key] = compiled
                }
                unlessList.append(compiled)
                if let address { conditionsByAddress[address] = compiled }
            }
            patterns[owner].endUnless = Int32(unlessList.count)
        }

        for (word, value) in Self.numberWords { numberAt[Int(insert(word))] = value }
        for word in rules.neverCorrect { neverCorrectAt[Int(insert(word))] = true }
        let spellings = rules.spellings.sorted { $0.key < $1.key }
        for (index, spelling) in spellings.enumerated() { spellingAt[Int(insert(spelling.key))] = Int32(index) }
        for spelling in spellings {
            for word in spelling.value {
                let firstAtom = Int32(spellingAtoms.count)
                var number: Int32 = -1
                if word.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { number = Int32(word) ?? -1 }
                var node: Int32 = 0
                for byte in word.utf8 {
                    node = buildingStep(node, byte)
                    if node < 0 { break }
                    if prefixAt[Int(node)] >= 0 { spellingAtoms.append(prefixAt[Int(node)] << 1) }
                }
                if node >= 0 {
                    if wordAt[Int(node)] >= 0 { spellingAtoms.append(wordAt[Int(node)] << 1) }
                    if numberAt[Int(node)] >= 0 { number = numberAt[Int(node)] }
                }
                spellingWords.append((firstAtom, Int32(spellingAtoms.count), number))
            }
            spellingStart.append(Int32(spellingWords.count))
        }

        // A doubled letter typed once is no edit: "swalowed" is read as a typo of "swallowed", and one edit more
        // ("swalowd") still is. Only where the shortened word is no other word the trie knows (a pattern word, a
        // spelling, a number, a word never corrected).
        for (word, atom) in doubled {
            guard let alias = Self.collapsingDoubles(word), alias.utf8.count >= Self.shortestDoubledAlias else { continue }
            let node = Int(insert(alias))
            guard wordAt[node] < 0, prefixAt[node] < 0, spellingAt[node] < 0, numberAt[node] < 0, !neverCorrectAt[node],
                aliasAt[node] < 0
            else { continue }
            aliasAt[node] = atom
            markTypoTarget(alias)
        }

        // Index each pattern (conditions too) under the choices of its rarest required position.
        var frequency = [Int](repeating: 0, count: Int(atomCount))
        var seen = [Int](repeating: -1, count: Int(atomCount))
        for (index, pattern) in patterns.enumerated() {
            for slot in slots[Int(pattern.firstSlot)..<Int(pattern.endSlot)] {
                for alternative in alternatives[Int(slot.firstAlternative)..<Int(slot.endAlternative)] {
                    for term in terms[Int(alternative.firstTerm)..<Int(alternative.firstTerm + alternative.termCount)]
                    where term.atom >= 0 && seen[Int(term.atom)] != index {
                        seen[Int(term.atom)] = index
                        frequency[Int(term.atom)] += 1
                    }
                }
            }
        }
        // Each pattern's anchors as (atom, pattern) pairs in pattern order, then sorted by atom with a count per atom
        // (a stable counting sort): the lists come out in pattern order, as they were when each atom had an array
        // of its own, without an array for each of the atoms.
        var anchors: [(atom: Int32, pattern: Int32)] = []
        anchors.reserveCapacity(patterns.count * 2)
        var atoms: [Int32] = []
        var anchoredBy = [Int32](repeating: -1, count: Int(atomCount))
        for (index, pattern) in patterns.enumerated() {
            var best: (cost: Int, first: Int, end: Int)?
            atoms.removeAll(keepingCapacity: true)
            for slot in slots[Int(pattern.firstSlot)..<Int(pattern.endSlot)] where !slot.isOptional && !slot.isEnd {
                let first = atoms.count
                var cost = 0
                for alternative in alternatives[Int(slot.firstAlternative)..<Int(slot.endAlternative)] {
                    // The first of the rarest words of the choice.
                    var rarest: Int32 = -1
                    for term in terms[Int(alternative.firstTerm)..<Int(alternative.firstTerm + alternative.termCount)]
                    where term.atom >= 0 && (rarest < 0 || frequency[Int(term.atom)] < frequency[Int(rarest)]) {
                        rarest = term.atom
                    }
                    guard rarest >= 0 else {
                        cost = .max
                        break
                    }
                    atoms.append(rarest)
                    cost += frequency[Int(rarest)]
                }
                if cost != .max, best == nil || cost < best!.cost { best = (cost, first, atoms.count) }
            }
            // The parser guarantees a required, wordy position. Each atom anchors the pattern once.
            guard let best else { continue }
            for atom in atoms[best.first..<best.end] where anchoredBy[Int(atom)] != Int32(index) {
                anchoredBy[Int(atom)] = Int32(index)
                anchors.append((atom, Int32(index)))
            }
        }
        anchoredStart = [Int32](repeating: 0, count: Int(atomCount) + 1)
        for anchor in anchors { anchoredStart[Int(anchor.atom) + 1] += 1 }
        for atom in 0..<Int(atomCount) { anchoredStart[atom + 1] += anchoredStart[atom] }
        anchoredList = [Int32](repeating: 0, count: anchors.count)
        var filled = anchoredStart
        for anchor in anchors {
            anchoredList[Int(filled[Int(anchor.atom)])] = anchor.pattern
            filled[Int(anchor.atom)] += 1
        }

        // Per pattern, the ids each of its required positions can open with (a position that may open with a number
        // can open on any word, and tells nothing).
        for index in patterns.indices {
            patterns[index].firstRequired = Int32(requiredOpeners.count)
            for slot in slots[Int(patterns[index].firstSlot)..<Int(patterns[index].endSlot)]
            where !slot.isOptional && !slot.isEnd && slot.firstOpener >= 0 {
                var bits = AtomBits()
                for opener in openers[Int(slot.firstOpener)..<Int(slot.endOpener)] { bits.insert(opener) }
                requiredOpeners.append(bits)
            }
            patterns[index].endRequired = Int32(requiredOpeners.count)
        }

        // The compact trie messages are walked in: the same children, found by rank among the node's symbols.
        (nodes, childList) = edges.laidOut(prefixAt: prefixAt)
        edges = EdgeTable()
    }

    /// Makes room in the pattern tables for every pattern of `rules` and each of its exceptions (as many as there
    /// can be), so that they are never copied while they grow.
    private mutating func reserveCapacity(for rules: SafetyRules) {
        var patternCount = 0
        var slotCount = 0
        func count(_ list: [SafetyRules.Pattern]) {
            for pattern in list {
                patternCount += 1 + pattern.parsedUnless.count
                slotCount += pattern.parsed.slots.count
                for condition in pattern.parsedUnless { slotCount += condition.slots.count }
            }
        }
        for list in [rules.exclusions, rules.denials, rules.history, rules.current, rules.present, rules.story] {
            count(list)
        }
        count(rules.selfReference)
        count(rules.clauses)
        count(rules.doubts)
        for category in rules.categories {
            count(category.patterns)
            count(category.checkPatterns)
        }
        patterns.reserveCapacity(patternCount)
        assessments.reserveCapacity(patternCount)
        slots.reserveCapacity(slotCount)
    }

    // MARK: Building the trie

    @inline(__always)
    private static func symbol(_ byte: UInt8) -> Int {
        if byte >= 97 && byte <= 122 { return Int(byte - 97) }
        if byte >= 48 && byte <= 57 { return Int(byte - 48) + 26 }
        return -1
    }

    /// The child of `node` for `byte`, or -1; once the trie is built.
    @inline(__always)
    private func step(_ node: Int32, _ byte: UInt8) -> Int32 {
        let symbol = Self.symbol(byte)
        guard symbol >= 0 else { return -1 }
        let entry = nodes[Int(node)]
        let bit: UInt64 = 1 << UInt64(symbol)
        guard entry.symbols & bit != 0 else { return -1 }
        return childList[Int(entry.firstChild) &+ (entry.symbols & (bit &- 1)).nonzeroBitCount]
    }

    /// Whether the rules know `word` as a word of its own (a pattern's or a list's word, a spelling, a number, a word
    /// never corrected): for ``SplitWords``, a half of a split that is such a word may be meant as typed.
    func knows(_ word: String) -> Bool {
        var node: Int32 = 0
        for byte in word.utf8 {
            node = step(node, byte)
            if node < 0 { return false }
        }
        let at = Int(node)
        return wordAt[at] >= 0 || spellingAt[at] >= 0 || numberAt[at] >= 0 || neverCorrectAt[at]
    }

    /// ``knows(_:)`` of the text `first` then `second` spell with each byte ORed with 0x20 (A–Z read as a–z).
    func knows(lowercasing first: ArraySlice<UInt8>, then second: ArraySlice<UInt8> = []) -> Bool {
        var node: Int32 = 0
        for byte in first {
            node = step(node, byte | 0x20)
            if node < 0 { return false }
        }
        for byte in second {
            node = step(node, byte | 0x20)
            if node < 0 { return false }
        }
        let at = Int(node)
        return wordAt[at] >= 0 || spellingAt[at] >= 0 || numberAt[at] >= 0 || neverCorrectAt[at]
    }

    /// Calls `body` with the length of each word the rules know (as ``knows(_:)``, numbers aside) that `letters`
    /// (lowercase a–z) starts with, shortest first: one walk down the trie, at most `letters.count` steps.
    /// For ``RunTogetherWords``.
    func forEachKnownPrefix(of letters: ArraySlice<UInt8>, _ body: (Int) -> Void) {
        var node: Int32 = 0
        var length = 0
        for byte in letters {
            node = step(node, byte)
            if node < 0 { return }
            length += 1
            let at = Int(node)
            if wordAt[at] >= 0 || spellingAt[at] >= 0 || neverCorrectAt[at] { body(length) }
        }
    }

    /// The child of `node` for `byte`, or -1; while the trie is being built.
    private func buildingStep(_ node: Int32, _ byte: UInt8) -> Int32 {
        let symbol = Self.symbol(byte)
        return symbol < 0 ? -1 : edges.child(of: node, symbol)
    }

    private mutating func insert(_ word: String) -> Int32 {
        var node: Int32 = 0
        for byte in word.utf8 {
            let symbol = Self.symbol(byte)
            precondition(symbol >= 0, "pattern words are checked to be a-z and 0-9")
            let known = edges.child(of: node, symbol, orAdd: Int32(wordAt.count))
            if known >= 0 {
                node = known
            } else {
                node = Int32(wordAt.count)
                wordAt.append(-1)
                prefixAt.append(-1)
                numberAt.append(-1)
                spellingAt.append(-1)
                typoTargetAt.append(0)
                neverCorrectAt.append(false)
                typoTargetBelow.append(false)
                aliasAt.append(-1)
            }
        }
        return node
    }

    private mutating func markTypoTarget(_ word: String) {
        var node: Int32 = 0
        typoTargetBelow[0] = true
        for byte in word.utf8 {
            node = buildingStep(node, byte)
            typoTargetBelow[Int(node)] = true
        }
        let length = word.utf8.count
        let level: UInt8 = length >= Self.lenientTypoTargetLength ? 3 : length >= 4 ? 2 : 1
        // Round 20 (QA22 W9): a word with no vowel is an abbreviation ("kms", "kys", "ctb"), typed letter by letter; a
        // vowel in its place makes another word or a name ("Kim's", "Kims"), never a slip of it.
        let abbreviation = !word.utf8.contains { $0 >= 97 && $0 <= 122 && Self.vowels & (1 << UInt32($0 - 97)) != 0 }
        typoTargetAt[Int(node)] = level | (abbreviation ? Self.abbreviationFlag : 0)
    }

    /// Set in ``typoTargetAt`` beside the level for a pattern word with no vowel: read only from message words that
    /// have none either.
    static let abbreviationFlag: UInt8 = 4

    /// Whether `bytes` hold a vowel (a, e, i, o, u).
    @inline(__always)
    static func hasVowel(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.contains { $0 >= 97 && $0 <= 122 && vowels & (1 << UInt32($0 - 97)) != 0 }
    }

    /// What the index holds, every id named by its word (`word:kill`, `prefix:suicid`), one line per trie node,
    /// pattern, anchor list and spelling: two indexes that read every message alike give the same lines, however
    /// their tables are laid out (tests compare an index built as loading builds it with one built without sharing).
    func layoutLines() -> [String] {
        var names = [String](repeating: "?", count: anchoredStart.count - 1)
        var lines: [String] = []
        var path: [(node: Int32, text: String)] = [(0, "")]
        var trie: [String] = []
        while let (node, text) = path.popLast() {
            let index = Int(node)
            if wordAt[index] >= 0 { names[Int(wordAt[index])] = "word:" + text }
            if prefixAt[index] >= 0 { names[Int(prefixAt[index])] = "prefix:" + text }
            trie.append(
                "node \(text) word \(wordAt[index] >= 0) prefix \(prefixAt[index] >= 0) number \(numberAt[index]) "
                    + "spelling \(spellingAt[index]) typo \(typoTargetAt[index]) never \(neverCorrectAt[index]) "
                    + "below \(typoTargetBelow[index]) alias \(aliasAt[index])")
            let entry = nodes[index]
            var symbols = entry.symbols
            var child = Int(entry.firstChild)
            while symbols != 0 {
                let symbol = symbols.trailingZeroBitCount
                symbols &= symbols - 1
                let byte = symbol < 26 ? UInt8(97 + symbol) : UInt8(48 + symbol - 26)
                path.append((childList[child], text + String(UnicodeScalar(byte))))
                child += 1
            }
        }
        let name = { (atom: Int32) in atom < 0 ? "-" : names[Int(atom)] }
        // Aliases name the word they stand for.
        lines += trie.sorted().map { line in
            guard let range = line.range(of: " alias "), let atom = Int32(line[range.upperBound...]) else {
                return line
            }
            return String(line[..<range.upperBound]) + name(atom)
        }
        for (number, pattern) in patterns.enumerated() {
            var line = "pattern \(number) \(pattern.kind) \(assessments[number].map(String.init(describing:)) ?? "-")"
            line += " unless \(unlessList[Int(pattern.firstUnless)..<Int(pattern.endUnless)].map { Int($0) })"
            for slot in slots[Int(pattern.firstSlot)..<Int(pattern.endSlot)] {
                let choices = alternatives[Int(slot.firstAlternative)..<Int(slot.endAlternative)].map { alternative in
                    terms[Int(alternative.firstTerm)..<Int(alternative.firstTerm + alternative.termCount)].map { term in
                        "\(term.kind):\(name(term.atom)):\(term.typos):\(term.minimum)"
                    }.joined(separator: "+")
                }
                let opening =
                    slot.firstOpener < 0
                    ? ["any number"] : openers[Int(slot.firstOpener)..<Int(slot.endOpener)].map(name)
                line += " | gap \(slot.gapBefore) optional \(slot.isOptional) end \(slot.isEnd) \(choices)"
                line += " openers \(opening) mask \(slot.openerMask)"
            }
            lines.append(line)
        }
        for atom in names.indices {
            let anchors = anchoredList[Int(anchoredStart[atom])..<Int(anchoredStart[atom + 1])].map { Int($0) }
            lines.append("anchors \(names[atom]) \(anchors)")
        }
        for spelling in 0..<(spellingStart.count - 1) {
            let words = spellingWords[Int(spellingStart[spelling])..<Int(spellingStart[spelling + 1])].map { word in
                "\(spellingAtoms[Int(word.firstAtom)..<Int(word.endAtom)].map { name($0 >> 1) }) \(word.number)"
            }
            lines.append("spelling \(spelling) \(words)")
        }
        lines.append("clauses \(clausePatterns)")
        return lines
    }

    // MARK: Reading a message

    /// Reads `message` into words and what each word is.
    func words(of message: String) -> Words {
        var words = Words(capacity: message.utf8.count / 4 + 4)
        SafetyTokenizer.forEachWord(in: message) { word in
            if word.startsSentence && words.count > 0 { words.sentenceStarts.append(Int32(words.count)) }
            if word.startsClause && words.count > 0 { words.clauseStarts.append(Int32(words.count)) }
            append(word, to: &words)
        }
        return words
    }

    @inline(__always)
    private func append(_ word: SafetyTokenizer.Word, to words: inout Words) {
        let mark = words.atoms.count
        var node: Int32 = 0
        for byte in word.bytes {
            node = step(node, byte)
            if node < 0 { break }
            let prefix = nodes[Int(node)].prefix
            if prefix >= 0 { words.atoms.append(prefix << 1) }
        }
        if word.length > word.bytes.count { node = -1 }
        var number = word.number
        if node >= 0 {
            let spelling = Int(spellingAt[Int(node)])
            if spelling >= 0 {
                words.atoms.removeSubrange(mark...)
                for canonical in spellingWords[Int(spellingStart[spelling])..<Int(spellingStart[spelling + 1])] {
                    words.atoms += spellingAtoms[Int(canonical.firstAtom)..<Int(canonical.endAtom)]
                    words.endWord(number: canonical.number)
                }
                return
            }
            let exact = wordAt[Int(node)]
            if exact >= 0 { words.atoms.append(exact << 1) }
            if exact < 0 && aliasAt[Int(node)] >= 0 && word.isPlainLetters && !neverCorrectAt[Int(node)] {
                words.atoms.append(aliasAt[Int(node)] << 1 | 1)
            }
            if numberAt[Int(node)] >= 0 { number = numberAt[Int(node)] }
            if exact < 0 && !neverCorrectAt[Int(node)] && word.isPlainLetters
                && word.length >= Self.minimumTypoWordLength
            {
                appendTypoMatches(word.bytes, to: &words, from: mark)
            }
        } else if word.isPlainLetters && word.length >= Self.minimumTypoWordLength
            && word.length <= word.bytes.count
        {
            appendTypoMatches(word.bytes, to: &words, from: mark)
        }
        // A plural written with z ("pilz", "barz", "perkz"): a word of 4+ letters that found nothing at all is read
        // with s in its place, as a typo (so never for `=word`), unless it is a word never corrected.
        if words.atoms.count == mark && word.isPlainLetters && word.length >= Self.minimumPluralZLength
            && word.length <= word.bytes.count && word.bytes[word.length - 1] == 122 && word.bytes[word.length - 2] != 122
            && (node < 0 || !neverCorrectAt[Int(node)])
        {
            appendPluralWithZ(word.bytes, to: &words, from: mark)
        }
        words.endWord(number: number)
    }

    /// Message words this long or longer that end in z are read with s too ("pilz" as "pils").
    static let minimumPluralZLength = 4

    /// Reads `bytes`, which end in z, with s in its place: its pattern word, or those one edit away, as typo matches.
    private func appendPluralWithZ(_ bytes: UnsafeBufferPointer<UInt8>, to words: inout Words, from mark: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count) { buffer in
            _ = buffer.initialize(from: bytes)
            buffer[bytes.count - 1] = 115  // s
            let plural = UnsafeBufferPointer(buffer)
            var node: Int32 = 0
            for byte in plural {
                node = step(node, byte)
                if node < 0 { break }
            }
            if node >= 0 {
                if neverCorrectAt[Int(node)] || spellingAt[Int(node)] >= 0 { return }
                let exact = wordAt[Int(node)] >= 0 ? wordAt[Int(node)] : aliasAt[Int(node)]
                if exact >= 0 {
                    words.atoms.append(exact << 1 | 1)
                    return
                }
            }
            appendTypoMatches(plural, to: &words, from: mark)
        }
    }

    /// Adds the pattern words one edit (insert, delete, replace, swap neighbours) away from `bytes`,
    /// keeping the first letter, as typo matches.
    ///
    /// A pattern word of `lenientTypoTargetLength` letters or more takes any such edit. A shorter one takes only
    /// the slips a hand makes, since a short word is one letter away from many others: a letter left out ("pil"),
    /// two swapped ("tkae"), a letter doubled or hit with its neighbour ("diee", "wsant"), or a letter replaced by
    /// a neighbouring key ("cit" for cut); a word of 4–5 letters also another vowel ("xanex" for xanax).
    private func appendTypoMatches(_ bytes: UnsafeBufferPointer<UInt8>, to words: inout Words, from mark: Int) {
        let count = bytes.count
        let typedVowel = Self.hasVowel(bytes)

        @inline(__always)
        func walk(_ start: Int32, from position: Int) -> Int32 {
            var node = start
            var index = position
            while index < count && node >= 0 {
                node = step(node, bytes[index])
                index += 1
            }
            return node
        }
        /// Records the pattern word at `node`; `slip` is how natural the edit is (see `slip(_:for:)`): short words
        /// take only natural ones.
        @inline(__always)
        func found(_ node: Int32, slip: UInt8) {
            guard node >= 0 else { return }
            let flags = typoTargetAt[Int(node)]
            if flags & Self.abbreviationFlag != 0 && typedVowel { return }
            let target = flags & 3
            guard target == 3 || (target == 2 && slip >= 1) || (target == 1 && slip == 2) else { return }
            // Through an alias, an edit more is two from the word itself: only for a message word of six letters or
            // more ("swalowd"), never a short one ("taped" is not "trapped").
            let atom = wordAt[Int(node)] >= 0 ? wordAt[Int(node)] : count >= Self.lenientTypoTargetLength ? aliasAt[Int(node)] : -1
            guard atom >= 0 else { return }
            let entry = atom << 1 | 1
            var index = mark
            while index < words.atoms.count {
                if words.atoms[index] == entry { return }
                index += 1
            }
            words.atoms.append(entry)
        }
        /// 2 when the extra letter at `position` is doubled or next on the keyboard to a letter beside it, else 0.
        @inline(__always)
        func stray(_ position: Int) -> UInt8 {
            let byte = bytes[position]
            let before = bytes[position - 1]
            if before == byte || Self.slip(byte, for: Int(before) &- 97) == 2 { return 2 }
            guard position + 1 < count else { return 0 }
            let after = bytes[position + 1]
            return after == byte || Self.slip(byte, for: Int(after) &- 97) == 2 ? 2 : 0
        }

        var node: Int32 = 0
        for position in 0...count {
            if position >= 1 && typoTargetBelow[Int(node)] {
                if position < count { found(walk(node, from: position + 1), slip: stray(position)) }  // an extra letter
                let here = position < count ? step(node, bytes[position]) : -1
                let entry = nodes[Int(node)]
                var childIndex = Int(entry.firstChild)
                var symbols = entry.symbols
                while symbols != 0 {
                    let symbol = symbols.trailingZeroBitCount
                    symbols &= symbols - 1
                    let child = childList[childIndex]
                    childIndex += 1
                    guard typoTargetBelow[Int(child)] else { continue }
                    if position < count && here != child {
                        found(walk(child, from: position + 1), slip: Self.slip(bytes[position], for: symbol))  // a wrong letter
                    }
                    found(walk(child, from: position), slip: 2)  // a missing letter
                }
                if position + 1 < count && bytes[position] != bytes[position + 1] {
                    var swapped = step(node, bytes[position + 1])
                    if swapped >= 0 { swapped = step(swapped, bytes[position]) }
                    if swapped >= 0 { found(walk(swapped, from: position + 2), slip: 2) }  // two letters swapped
                }
            }
            if position == count { break }
            node = step(node, bytes[position])
            if node < 0 { break }
        }
    }

    // MARK: Matching

    @inline(__always)
    private func matches(_ term: Term, _ index: Int, _ passage: Passage) -> Bool {
        if passage.useMask && !passage.masked.isEmpty && passage.masked[index - passage.lower] { return false }
        if term.kind == 2 { return passage.words.numbers[index] >= term.minimum }
        var position = passage.words.firstAtom(index)
        let end = Int(passage.words.ends[index])
        while position < end {
            let entry = passage.words.atoms[position]
            if entry >> 1 == term.atom && (entry & 1 == 0 || term.typos) { return true }
            position += 1
        }
        return false
    }

    @inline(__always)
    private func matches(_ alternative: Alternative, at index: Int, _ passage: Passage) -> Bool {
        let count = Int(alternative.termCount)
        guard index + count <= passage.upper else { return false }
        let first = Int(alternative.firstTerm)
        for offset in 0..<count where !matches(terms[first + offset], index + offset, passage) {
            return false
        }
        return true
    }

    /// Whether word `index` has one of the ids `openers[first..<end]` (sorted), so a choice may start there.
    @inline(__always)
    private func mayOpen(_ index: Int, _ first: Int, _ end: Int, _ words: Words) -> Bool {
        var position = words.firstAtom(index)
        let stop = Int(words.ends[index])
        while position < stop {
            let atom = words.atoms[position] >> 1
            position += 1
            if end - first <= 8 {
                for opener in first..<end where openers[opener] == atom { return true }
            } else {
                var low = first
                var high = end
                while low < high {
                    let middle = (low + high) >> 1
                    if openers[middle] < atom { low = middle + 1 } else { high = middle }
                }
                if low < end && openers[low] == atom { return true }
            }
        }
        return false
    }

    /// Where slots `slot..<end` match, the first at `position...position + window`; returns where the match ends.
    private func match(_ slot: Int, _ end: Int, _ position: Int, _ window: Int, _ passage: Passage) -> Int? {
        if slot == end { return position }
        let current = slots[slot]
        if current.isEnd {
            var index = position
            while index <= min(position + window, passage.upper) {
                if isEnd(index, passage) { return index }
                index += 1
            }
            return nil
        }
        let nextGap = slot + 1 < end ? Int(slots[slot + 1].gapBefore) : 0
        var index = position
        let last = min(position + window, passage.upper - 1)
        let filtered = current.firstOpener >= 0
        while index <= last {
            if filtered
                && (passage.words.masks[index] & current.openerMask == 0
                    || !mayOpen(index, Int(current.firstOpener), Int(current.endOpener), passage.words))
            {
                index += 1
                continue
            }
            var choice = Int(current.firstAlternative)
            while choice < Int(current.endAlternative) {
                let alternative = alternatives[choice]
                if matches(alternative, at: index, passage),
                    let stop = match(slot + 1, end, index + Int(alternative.termCount), nextGap, passage)
                {
                    return stop
                }
                choice += 1
            }
            index += 1
        }
        if current.isOptional { return match(slot + 1, end, position, window + nextGap, passage) }
        return nil
    }

    /// Whether a sentence or clause ends just before word `index` (or the message ends there).
    private func isEnd(_ index: Int, _ passage: Passage) -> Bool {
        if index == passage.words.count || (index == passage.upper && passage.closes) { return true }
        return Self.sortedContains(passage.words.sentenceStarts, index) || Self.sortedContains(passage.words.clauseStarts, index)
    }

    /// Whether the sorted `list` holds `value`.
    private static func sortedContains(_ list: [Int32], _ value: Int) -> Bool {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) >> 1
            if Int(list[middle]) < value { low = middle + 1 } else { high = middle }
        }
        return low < list.count && Int(list[low]) == value
    }

    /// Where `pattern` matches when its first position is at `start`: the end of the match, or nil.
    @inline(__always)
    private func match(_ pattern: Int, at start: Int, in passage: Passage) -> Int? {
        let entry = patterns[pattern]
        return match(Int(entry.firstSlot), Int(entry.endSlot), start, 0, passage)
    }

    /// Whether each required position of `pattern` can open on a word of the passage: a position is tried only on a
    /// word with one of its opening ids (`mayOpen`), so a pattern with a position none of the passage's words can open
    /// never matches there. Most candidate patterns (anchored on one common word) fail this, in a few ANDs, where
    /// trying them walked their positions from every word: a third of the crisis check (round 27).
    @inline(__always)
    private func mayMatch(_ pattern: Int, in passage: Passage) -> Bool {
        let entry = patterns[pattern]
        var required = Int(entry.firstRequired)
        while required < Int(entry.endRequired) {
            if !requiredOpeners[required].intersects(passage.atomBits) { return false }
            required += 1
        }
        return true
    }

    /// Whether `pattern` matches anywhere in the passage.
    private func isFound(_ pattern: Int, in passage: Passage) -> Bool {
        guard mayMatch(pattern, in: passage) else { return false }
        let opening = openingMask(of: pattern)
        for start in passage.lower..<passage.upper
        where (opening == nil || passage.words.masks[start] & opening! != 0)
            && match(pattern, at: start, in: passage) != nil
        {
            return true
        }
        return false
    }

    /// The bits a word must share (``Words/masks``) for `pattern` to match from it: its first position's openers,
    /// when that position must be there and starts with words (else nil: any word may start a match). A word
    /// without them can't start a match, and is passed over without trying one.
    @inline(__always)
    private func openingMask(of pattern: Int) -> UInt64? {
        let first = slots[Int(patterns[pattern].firstSlot)]
        return first.firstOpener >= 0 && !first.isOptional && !first.isEnd ? first.openerMask : nil
    }

    /// Whether a denial stays inside one clause: one written with no gap wider than `*` (3 words). "never, i'm
    /// ending it tonight" is then no denial, while "everyone thinks i'm suicidal *6 but i'm not" reaches across.
    @inline(__always)
    private func staysInClause(_ pattern: Int) -> Bool {
        let entry = patterns[pattern]
        return slots[Int(entry.firstSlot)..<Int(entry.endSlot)].allSatisfy { $0.gapBefore <= SafetyPattern.defaultGap }
    }

    /// Whether a clause (or sentence) starts inside the words `start + 1..<end`.
    @inline(__always)
    private func crossesClause(_ start: Int, _ end: Int, _ words: Words) -> Bool {
        words.clauseStarts.contains { Int($0) > start && Int($0) < end }
            || words.sentenceStarts.contains { Int($0) > start && Int($0) < end }
    }

    /// Masks every place `pattern` matches; true if it matched at all. With `withinClause`, a match that runs
    /// across a comma (a clause start) doesn't count. With `candidates` (a denial's), a match said just after a
    /// doubt in its own clause doesn't count either ("im not sure im safe"): a denial protects only what it says.
    private func maskMatches(
        _ pattern: Int, in passage: inout Passage, withinClause: Bool = false, candidates: [UInt64]? = nil
    ) -> Bool {
        guard mayMatch(pattern, in: passage) else { return false }
        var start = passage.lower
        var matched = false
        let opening = openingMask(of: pattern)
        while start < passage.upper {
            if let opening, passage.words.masks[start] & opening == 0 {
                start += 1
            } else if let end = match(pattern, at: start, in: passage),
                !withinClause || !crossesClause(start, end, passage.words),
                candidates.map({ !isDoubted(start, in: &passage, candidates: $0) }) ?? true
            {
                let stop = max(end, start + 1)
                if passage.masked.isEmpty { passage.masked = Array(repeating: false, count: passage.upper - passage.lower) }
                for index in start..<stop { passage.masked[index - passage.lower] = true }
                matched = true
                start = stop
            } else {
                start += 1
            }
        }
        return matched
    }

    /// Whether a `doubts:` phrase ends at most `*` (3 words) before `start`, in the same clause: the denial that starts
    /// there is doubted, not said ("i dont think im ok", "not sure if im safe").
    private func isDoubted(_ start: Int, in passage: inout Passage, candidates: [UInt64]) -> Bool {
        guard !doubtPatterns.isEmpty, start > passage.lower else { return false }
        passage.useMask = false
        defer { passage.useMask = true }
        let earliest = max(passage.lower, start - 8)
        for pattern in doubtPatterns where candidates[pattern >> 6] & (1 << UInt64(pattern & 63)) != 0 {
            for from in earliest..<start {
                // A clause may not start after the doubt's first word, up to the denial's first word included.
                if let end = match(pattern, at: from, in: passage), end <= start,
                    start - end <= SafetyPattern.defaultGap, !crossesClause(from, start + 1, passage.words)
                {
                    return true
                }
            }
        }
        return false
    }

    /// Whether one of the pattern's `unless` conditions is anywhere in the passage (masked words
    /// included); only conditions whose rarest words are in the passage (`candidates`) are tried.
    private func isCancelled(_ pattern: Int, in passage: inout Passage, candidates: [UInt64]) -> Bool {
        let entry = patterns[pattern]
        if entry.firstUnless == entry.endUnless { return false }
        passage.useMask = false
        defer { passage.useMask = true }
        for index in Int(entry.firstUnless)..<Int(entry.endUnless) {
            let condition = Int(unlessList[index])
            if candidates[condition >> 6] & (1 << UInt64(condition & 63)) != 0 && isFound(condition, in: passage) {
                return true
            }
        }
        return false
    }

    /// Whether the crisis-level `pattern` matches in a clause (opened by a `clauses:` phrase) after every one of its
    /// `unless` conditions: an exception said before a clear danger cancels it only in its own clause ("group
    /// covered overdose signs and i think im overdosing right now": "signs" cancels the first "overdose", not the
    /// second), while one said after it, a correction ("i said i was done but i meant with drinking"), cancels it in
    /// the whole sentence. Check-in patterns keep the sentence's scope. `bounds` holds the clause starts once found.
    private func matchesInUncancelledClause(
        _ pattern: Int, in passage: inout Passage, candidates: [UInt64], bounds: inout [Int]?
    ) -> Bool {
        guard assessments[pattern]?.level == .crisis else { return false }
        if bounds == nil { bounds = clauseBounds(in: &passage, candidates: candidates) }
        guard let cuts = bounds, !cuts.isEmpty else { return false }
        let opening = openingMask(of: pattern)
        for start in passage.lower..<passage.upper where opening == nil || passage.words.masks[start] & opening! != 0 {
            guard match(pattern, at: start, in: passage) != nil, let lower = cuts.last(where: { $0 <= start })
            else { continue }
            var rest = Passage(passage.words, lower..<passage.upper)
            rest.closes = passage.closes
            if !isCancelled(pattern, in: &rest, candidates: candidates) { return true }
        }
        return false
    }

    /// The parts of a message checked on their own: each sentence, and long sentences in overlapping windows.
    func segments(of words: Words) -> [Range<Int>] {
        var bounds = words.sentenceStarts.map(Int.init)
        bounds.append(words.count)
        var segments: [Range<Int>] = []
        var start = 0
        for end in bounds where end > start {
            var window = start
            while true {
                let stop = min(window + Self.windowWords, end)
                segments.append(window..<stop)
                if stop == end { break }
                window += Self.windowStep
            }
            start = end
        }
        return segments
    }

    /// Checks a message sentence by sentence: the strongest finding (crisis before check-in, then the
    /// first by priority), and whether it is a denial (a denial phrase somewhere, and no finding anywhere).
    ///
    /// Denial phrases are set aside before the crisis patterns run, so "i'm not going to kill myself" finds
    /// nothing while "jk i want to die" still does. A finding in a sentence that tells it as history ("two
    /// years ago", "that's why i started") counts only as a check-in, and only when something in the same
    /// sentence makes it current ("again", "lately"). Another sentence can excuse a finding too, but only in a
    /// sentence with nothing of the visitor's present in it (`present:`, "i want", "right now"): the sentence
    /// just after telling it as a story (`story:`, "i overdosed on fentanyl. that was what got me into
    /// treatment"), or, when the finding's sentence doesn't speak of the visitor (`self:`), a history phrase
    /// anywhere ("just watched a film. the guy overdoses"). Then something current anywhere in the message
    /// leaves the check-in.
    ///
    /// With `wholeMessageDenial`, the denial is judged on the message as a whole (up to one window), so that a
    /// later sentence can take back an earlier one: "i'm ok. i'm not ok actually" is no denial.
    ///
    /// `excused` tells that a finding was there but told as history or as a story, so that the message is not read
    /// again as one sentence (where a story in the next sentence would no longer excuse it). `setAside` tells that
    /// an exclusion took words of the message out as a look-alike ("dying my hair", "how do i know if my friend is
    /// suicidal"): the learned model is then not asked about those sentences (`CrisisDetector.sentencesNotSetAside`).
    /// A pattern's `unless`, a denial or a history phrase doesn't set a sentence aside: their words are broad ("video",
    /// "years ago"), and a crisis told beside them ("he hit me years ago and hes outside with a knife") is the model's
    /// to catch.
    func evaluate(
        _ message: String, wholeMessageDenial: Bool = false
    ) -> (crisis: CrisisAssessment?, denial: Bool, excused: Bool, setAside: Bool) {
        let words = words(of: message)
        guard words.count > 0 else { return (nil, false, false, false) }
        var candidates = [UInt64](repeating: 0, count: (patterns.count + 63) / 64)
        if words.sentenceStarts.isEmpty && words.count <= Self.windowWords {
            let result = evaluateSegment(words, 0..<words.count, context: false, candidates: &candidates)
            return (result.crisis, result.denial, result.excused, result.setAside)
        }
        let sentences = evaluateSentences(words, candidates: &candidates)
        guard wholeMessageDenial else { return sentences }
        guard sentences.crisis == nil else { return (sentences.crisis, false, sentences.excused, sentences.setAside) }
        let whole = 0..<min(words.count, Self.windowWords)
        return (
            nil, evaluateSegment(words, whole, context: false, candidates: &candidates).denial, sentences.excused,
            sentences.setAside
        )
    }

    /// Checks each sentence (and window) of a message of several, then weighs their findings together.
    private func evaluateSentences(
        _ words: Words, candidates: inout [UInt64]
    ) -> (crisis: CrisisAssessment?, denial: Bool, excused: Bool, setAside: Bool) {
        var denied = false
        var excused = false
        var setAside = false
        var found: [Segment] = []
        var histories: [Int] = []
        var stories: [Int] = []
        var current = false
        // QA37 S1-3: the findings told as a topic or as history in their own sentence, for a topic the visitor takes up
        // as their own in the next sentence.
        var toldAsTopic: [Segment] = []
        let ranges = segments(of: words)
        // A window with the same words as one already checked has the same result: a line that repeats a phrase
        // (a flood, or a paste) costs one window per distinct phrase, not one per repetition.
        var checked: [Int: [Range<Int>]] = [:]
        for (number, segment) in ranges.enumerated() {
            let hash = words.hash(segment)
            if let same = checked[hash], same.contains(where: { words.same($0, as: segment) }) { continue }
            checked[hash, default: []].append(segment)
            var result = evaluateSegment(words, segment, context: true, candidates: &candidates)
            result.number = number
            denied = denied || result.denial
            excused = excused || result.excused
            setAside = setAside || result.setAside
            current = current || result.current
            if result.history { histories.append(number) }
            if result.story { stories.append(number) }
            if result.crisis != nil { found.append(result) }
            if result.excusedFinding != nil { toldAsTopic.append(result) }
        }
        // "do groups ever talk about wanting to die? because thats me every day lately", "…? cuz same", "…? i think
        // about it a lot": the topic asked about, read with the very next sentence, is no topic any more when the
        // phrase that told it as one has an exception there (`unless: ["@taken_up"]`): the check-in. Told as history
        // with that sentence too ("years ago i wanted to die. now i just want structure again"), it stays excused.
        for told in toldAsTopic where told.number + 1 < ranges.count {
            let pair = ranges[told.number].lowerBound..<ranges[told.number + 1].upperBound
            guard pair.count <= Self.windowWords else { continue }
            let read = evaluateSegment(words, pair, context: true, candidates: &candidates)
            // The same finding only: a pattern reaching over the two sentences ("this time i want to do it right. how
            // soon can i start") is no topic taken up.
            guard var finding = read.crisis, !read.toldAsHistory, !read.excused,
                finding.ruleID == told.excusedFinding?.ruleID
            else { continue }
            finding.level = .check
            finding.note = "told as a topic, taken up as the visitor's own in the next sentence"
            found.append(Segment(crisis: finding, toldAsHistory: true, number: told.number))
        }
        var best: CrisisAssessment?
        for segment in found {
            guard var finding = segment.crisis else { continue }
            let elsewhere = stories.contains(segment.number + 1)
                || (!segment.selfReference && histories.contains { $0 != segment.number })
            if !segment.toldAsHistory && !segment.present && elsewhere {
                guard current else {
                    excused = true
                    continue
                }
                finding.level = .check
                finding.note = "another sentence tells it as a story, with something current"
            }
            if best == nil || finding.level > best!.level { best = finding }
        }
        return (best, best == nil && denied, excused, setAside)
    }

    /// Where new clauses start inside the passage, for the scope of history phrases: where a `clauses:` phrase
    /// ("but", "and tonight") begins. Commas alone don't split here ("i have had 3 overdoses in my life, the last
    /// one was 2020" is one story); they end a clause for `$` only. Only patterns in `candidates` are tried.
    private func clauseBounds(in passage: inout Passage, candidates: [UInt64]) -> [Int] {
        var bounds: [Int] = []
        passage.useMask = false
        for pattern in clausePatterns where candidates[pattern >> 6] & (1 << UInt64(pattern & 63)) != 0 {
            for start in passage.lower + 1..<passage.upper where match(pattern, at: start, in: passage) != nil {
                bounds.append(start)
            }
        }
        passage.useMask = true
        return Set(bounds).sorted()
    }

    /// The strongest finding of a clause of the sentence `range` that speaks of the visitor's present and isn't
    /// told as history in that clause: "i od'd back in 2019, and tonight i took all my pills". A history, film or
    /// group-topic phrase then excuses only its own clause.
    private func presentClauseFinding(
        _ words: Words, _ range: Range<Int>, _ bounds: [Int], candidates: inout [UInt64], requireCurrent: Bool = false
    ) -> CrisisAssessment? {
        var best: CrisisAssessment?
        var start = range.lowerBound
        for end in bounds + [range.upperBound] where end > start {
            let clause = evaluateSegment(words, start..<end, context: true, candidates: &candidates, isClause: true)
            start = end
            guard let finding = clause.crisis, !clause.toldAsHistory, clause.present, !requireCurrent || clause.current
            else { continue }
            if best == nil || finding.level > best!.level { best = finding }
        }
        return best
    }

    /// What one sentence (or window) says.
    struct Segment {
        /// The finding, after this sentence's own history and current phrases.
        var crisis: CrisisAssessment?
        /// A denial phrase is in it.
        var denial = false
        /// A history phrase is in it (past, someone else's, a film, a group topic).
        var history = false
        /// A story phrase is in it: it tells the sentence (or window) before as a story.
        var story = false
        /// A current phrase is in it.
        var current = false
        /// A present phrase is in it (looked for only when there is a finding).
        var present = false
        /// A self phrase is in it (looked for only when there is a finding).
        var selfReference = false
        /// The finding was told as history in this very sentence.
        var toldAsHistory = false
        /// A finding was there, and told as history in this very sentence with nothing current: no finding is left.
        var excused = false
        /// The finding `excused` left out, for a next sentence that takes it up as the visitor's own.
        var excusedFinding: CrisisAssessment?
        /// An exclusion took words out: a look-alike.
        var setAside = false
        /// Its place in the message.
        var number = 0
    }

    /// Checks the words `range` of a message, one sentence (or window); with `context`, also whether it tells a
    /// story or something current whether or not it has a finding, for the sentences around it. `candidates` is
    /// scratch space, one bit per pattern.
    private func evaluateSegment(
        _ words: Words, _ range: Range<Int>, context: Bool, candidates: inout [UInt64], isClause: Bool = false
    ) -> Segment {
        var passage = Passage(words, range)
        passage.closes = isClause
        for block in candidates.indices { candidates[block] = 0 }
        for position in words.firstAtom(range.lowerBound)..<Int(words.ends[range.upperBound - 1]) {
            let atom = Int(words.atoms[position] >> 1)
            for anchored in Int(anchoredStart[atom])..<Int(anchoredStart[atom + 1]) {
                let pattern = anchoredList[anchored]
                candidates[Int(pattern) >> 6] |= 1 << UInt64(pattern & 63)
            }
        }

        var denied = false
        var found: CrisisAssessment?
        var history = false
        var current = false
        var present = false
        var story = false
        var selfReference = false
        var setAside = false
        // Whether `found` is the check-in of an exclusion with `check_in:` that took words out: any crisis pattern
        // that matches the rest of the sentence is found instead.
        var lowered = false
        // Where `clauses:` phrases open a clause, found only when an `unless` cancels a crisis pattern.
        var bounds: [Int]?
        scan: for block in candidates.indices {
            var bits = candidates[block]
            while bits != 0 {
                let pattern = block << 6 | bits.trailingZeroBitCount
                bits &= bits - 1
                switch patterns[pattern].kind {
                case .exclusion:
                    // An exclusion with `unless:` (round 26: "thinking about going back", unless to the bridge) sets
                    // nothing aside when one of its exceptions is in the sentence (asked first: a match masks words).
                    if mayMatch(pattern, in: passage) && !isCancelled(pattern, in: &passage, candidates: candidates)
                        && maskMatches(pattern, in: &passage)
                    {
                        setAside = true
                        // Round 28: "my ex told me to kys": the words are theirs (set aside), and being told it gets
                        // a kind check-in where no crisis pattern finds anything else (exclusions come first).
                        if found == nil, let check = assessments[pattern] {
                            found = check
                            lowered = true
                        }
                    }
                case .denial:
                    if mayMatch(pattern, in: passage) && !isCancelled(pattern, in: &passage, candidates: candidates)
                        && maskMatches(
                            pattern, in: &passage, withinClause: staysInClause(pattern), candidates: candidates)
                    {
                        denied = true
                    }
                case .crisis:
                    if (found == nil || lowered) && isFound(pattern, in: passage)
                        && (!isCancelled(pattern, in: &passage, candidates: candidates)
                            || matchesInUncancelledClause(pattern, in: &passage, candidates: candidates, bounds: &bounds))
                    {
                        found = assessments[pattern]
                        lowered = false
                    }
                case .history:
                    if found == nil && !context { break scan }
                    if !history && isFound(pattern, in: passage)
                        && !isCancelled(pattern, in: &passage, candidates: candidates)
                    {
                        history = true
                    }
                case .current:
                    if !context && (found == nil || !history) { break scan }
                    if !current && isFound(pattern, in: passage)
                        && !isCancelled(pattern, in: &passage, candidates: candidates)
                    {
                        current = true
                    }
                case .present:
                    if !context { break scan }
                    if found != nil && !present && isFound(pattern, in: passage)
                        && !isCancelled(pattern, in: &passage, candidates: candidates)
                    {
                        present = true
                    }
                case .story:
                    if !context { break scan }
                    if !story && isFound(pattern, in: passage)
                        && !isCancelled(pattern, in: &passage, candidates: candidates)
                    {
                        story = true
                    }
                case .selfReference:
                    if !context { break scan }
                    if found != nil && !selfReference && isFound(pattern, in: passage) { selfReference = true }
                case .clause, .doubt, .condition:
                    break scan  // conditions come after every other pattern
                }
            }
        }
        var segment = Segment(
            denial: denied, history: history, story: story, current: current, present: present,
            selfReference: selfReference, setAside: setAside)
        guard var finding = found else { return segment }
        if history && !isClause {
            let phrases = bounds ?? clauseBounds(in: &passage, candidates: candidates)
            // Commas split too, for a clause that says when it is now ("i overdosed last year, tonight i took 20"):
            // a comma alone doesn't end a story ("3 overdoses, the last one in 2020"), a current phrase does.
            let commas = words.clauseStarts.lazy.map(Int.init).filter { $0 > range.lowerBound && $0 < range.upperBound }
            var own: CrisisAssessment?
            if !phrases.isEmpty { own = presentClauseFinding(words, range, phrases, candidates: &candidates) }
            if own == nil, !commas.isEmpty {
                own = presentClauseFinding(
                    words, range, Set(phrases + commas).sorted(), candidates: &candidates, requireCurrent: true)
            }
            if let own {
                segment.crisis = own
                segment.present = true
                segment.denial = false
                return segment
            }
        }
        if history {
            segment.toldAsHistory = true
            guard current else {
                segment.excused = true
                segment.excusedFinding = finding
                return segment
            }
            finding.level = .check
            finding.note = "told as history, with something current"
        }
        segment.crisis = finding
        segment.denial = false
        return segment
    }
}
