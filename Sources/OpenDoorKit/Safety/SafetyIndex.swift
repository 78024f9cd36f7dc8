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

    /// One position of a compiled pattern.
    struct Slot: Sendable {
        /// The choices; each is a run of consecutive words.
        var alternatives: [[Term]]
        /// The position may be left out.
        var isOptional: Bool
        /// Words allowed between the previous position and this one.
        var gapBefore: Int
    }

    /// What a pattern is for.
    enum Role: Sendable {
        /// Its words are ignored by crisis patterns.
        case exclusion
        /// It means "I'm not in crisis".
        case denial
        /// It points to a crisis, at the assessment's level.
        case crisis(CrisisAssessment)
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
        /// It cancels another pattern (an `unless:`).
        case condition
    }

    /// A compiled pattern.
    struct Pattern: Sendable {
        var role: Role
        var slots: [Slot]
        /// Indexes of the `unless` patterns that cancel this one.
        var unless: [Int]
    }

    /// The words of one message, with what each word is in the trie.
    struct Words {
        /// Per word, the ids it matches, as `id << 1 | 1` when only through a typo.
        var atoms: [Int32] = []
        /// Where each word's ids end in `atoms`.
        var ends: [Int32] = []
        /// Each word's number value, or -1.
        var numbers: [Int32] = []
        /// Words taken out by an exclusion or a denial.
        /// Empty until a word is masked: most messages never mask one, and then nothing is allocated.
        var masked: [Bool] = []
        /// Whether matching honours `masked` (conditions look at the whole message).
        var useMask = true
        /// The index of each word that starts a sentence after the first.
        var sentenceStarts: [Int32] = []

        var count: Int { numbers.count }

        init(capacity: Int) {
            atoms.reserveCapacity(capacity * 2)
            ends.reserveCapacity(capacity)
            numbers.reserveCapacity(capacity)
        }

        /// The words `range` of these, as words of their own.
        func slice(_ range: Range<Int>) -> Words {
            var part = Words(capacity: 0)
            let first = range.lowerBound == 0 ? 0 : Int(ends[range.lowerBound - 1])
            let last = Int(ends[range.upperBound - 1])
            part.atoms = Array(atoms[first..<last])
            part.ends = ends[range].map { $0 - Int32(first) }
            part.numbers = Array(numbers[range])
            return part
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
    /// Typo tolerance applies to pattern words this long or longer (a message word may be one letter shorter).
    static let minimumTypoTargetLength = 4
    private static let symbols = 36

    // The trie, one entry per node; node 0 is the root.
    /// While building: each node's child per symbol, `symbols` entries a node (-1: none). Emptied once
    /// built: messages walk ``nodes`` and ``childList`` instead, a tenth of the size, so that a walk stays
    /// in cache.
    private var next: [Int32] = Array(repeating: -1, count: symbols)
    /// Per node, which symbols have a child and where those children start in ``childList``.
    private var nodes: [Node] = []
    /// The children of every node, in symbol order, node after node.
    private var childList: [Int32] = []
    private var wordAt: [Int32] = [-1]
    private var prefixAt: [Int32] = [-1]
    private var numberAt: [Int32] = [-1]
    private var spellingAt: [Int32] = [-1]
    private var typoTargetAt: [Bool] = [false]
    /// Words that are never read as a typo of another (`never_correct:`).
    private var neverCorrectAt: [Bool] = [false]
    private var typoTargetBelow: [Bool] = [false]
    private var children: [[Int32]] = [[]]

    /// The ids and number of each spelling's words, by spelling index.
    private var spellingWords: [[(atoms: [Int32], number: Int32)]] = []
    private var anchored: [[Int32]] = []
    private(set) var patterns: [Pattern] = []

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
        var wordIDs: [String: Int32] = [:]
        var prefixIDs: [String: Int32] = [:]
        var atomCount: Int32 = 0

        func compile(_ term: SafetyPattern.Term) -> Term {
            switch term {
            case .word(let word, let typos):
                let node = insert(word)
                let atom = wordIDs[word] ?? atomCount
                if wordIDs[word] == nil {
                    wordIDs[word] = atom
                    atomCount += 1
                }
                wordAt[Int(node)] = atom
                let eligible = word.utf8.count >= Self.minimumTypoTargetLength && word.utf8.allSatisfy { $0 >= 97 }
                if typos && eligible { markTypoTarget(word) }
                return Term(kind: 0, atom: atom, typos: typos && eligible, minimum: 0)
            case .prefix(let prefix):
                let node = insert(prefix)
                let atom = prefixIDs[prefix] ?? atomCount
                if prefixIDs[prefix] == nil {
                    prefixIDs[prefix] = atom
                    atomCount += 1
                }
                prefixAt[Int(node)] = atom
                return Term(kind: 1, atom: atom, typos: false, minimum: 0)
            case .number(let minimum):
                return Term(kind: 2, atom: -1, typos: false, minimum: minimum)
            }
        }
        // The same choices (a list, `my_self|him_self`) come back in many patterns: each is compiled once.
        var compiledChoices: [[[SafetyPattern.Term]]: [[Term]]] = [:]
        func compile(_ pattern: SafetyPattern) -> [Slot] {
            pattern.slots.map { slot in
                let alternatives: [[Term]]
                if let known = compiledChoices[slot.alternatives] {
                    alternatives = known
                } else {
                    alternatives = slot.alternatives.map { $0.map(compile) }
                    compiledChoices[slot.alternatives] = alternatives
                }
                return Slot(alternatives: alternatives, isOptional: slot.isOptional, gapBefore: slot.gapBefore)
            }
        }

        // Patterns in the order `evaluate` needs them: exclusions, denials, then crises by priority.
        var conditions: [(owner: Int, pattern: SafetyPattern)] = []
        func add(_ pattern: SafetyRules.Pattern, role: Role) {
            patterns.append(Pattern(role: role, slots: compile(pattern.parsed), unless: []))
            for condition in pattern.parsedUnless { conditions.append((patterns.count - 1, condition)) }
        }
        for pattern in rules.exclusions { add(pattern, role: .exclusion) }
        for pattern in rules.denials { add(pattern, role: .denial) }
        // Crisis-level patterns before check-level ones: the first that matches is the strongest finding.
        for category in rules.categories {
            for pattern in category.patterns {
                let id = SafetyRuleID(rawValue: "\(category.id.rawValue)/\(pattern.source)")
                add(pattern, role: .crisis(CrisisAssessment(category: category.id, level: .crisis, ruleID: id)))
            }
        }
        for category in rules.categories {
            for pattern in category.checkPatterns {
                let id = SafetyRuleID(rawValue: "\(category.id.rawValue)/check/\(pattern.source)")
                add(pattern, role: .crisis(CrisisAssessment(category: category.id, level: .check, ruleID: id)))
            }
        }
        for pattern in rules.history { add(pattern, role: .history) }
        for pattern in rules.current { add(pattern, role: .current) }
        for pattern in rules.present { add(pattern, role: .present) }
        for pattern in rules.story { add(pattern, role: .story) }
        for pattern in rules.selfReference { add(pattern, role: .selfReference) }
        for (owner, condition) in conditions {
            patterns.append(Pattern(role: .condition, slots: compile(condition), unless: []))
            patterns[owner].unless.append(patterns.count - 1)
        }

        for (word, value) in Self.numberWords { numberAt[Int(insert(word))] = value }
        for word in rules.neverCorrect { neverCorrectAt[Int(insert(word))] = true }
        let spellings = rules.spellings.sorted { $0.key < $1.key }
        for (index, spelling) in spellings.enumerated() { spellingAt[Int(insert(spelling.key))] = Int32(index) }
        spellingWords = spellings.map { spelling in
            spelling.value.map { word in
                var atoms: [Int32] = []
                var number: Int32 = -1
                if word.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { number = Int32(word) ?? -1 }
                var node: Int32 = 0
                for byte in word.utf8 {
                    node = buildingStep(node, byte)
                    if node < 0 { break }
                    if prefixAt[Int(node)] >= 0 { atoms.append(prefixAt[Int(node)] << 1) }
                }
                if node >= 0 {
                    if wordAt[Int(node)] >= 0 { atoms.append(wordAt[Int(node)] << 1) }
                    if numberAt[Int(node)] >= 0 { number = numberAt[Int(node)] }
                }
                return (atoms, number)
            }
        }

        // Index each pattern (conditions too) under the choices of its rarest required position.
        var frequency = [Int](repeating: 0, count: Int(atomCount))
        for pattern in patterns {
            var seen = Set<Int32>()
            for slot in pattern.slots {
                for alternative in slot.alternatives {
                    for term in alternative where term.atom >= 0 { seen.insert(term.atom) }
                }
            }
            for atom in seen { frequency[Int(atom)] += 1 }
        }
        anchored = Array(repeating: [], count: Int(atomCount))
        for (index, pattern) in patterns.enumerated() {
            var best: (cost: Int, atoms: [Int32])?
            for slot in pattern.slots where !slot.isOptional {
                var atoms: [Int32] = []
                var cost = 0
                for alternative in slot.alternatives {
                    guard let term = alternative.filter({ $0.atom >= 0 }).min(by: {
                        frequency[Int($0.atom)] < frequency[Int($1.atom)]
                    }) else {
                        cost = .max
                        break
                    }
                    atoms.append(term.atom)
                    cost += frequency[Int(term.atom)]
                }
                if cost != .max, best == nil || cost < best!.cost { best = (cost, atoms) }
            }
            // The parser guarantees a required, wordy position.
            for atom in Set(best?.atoms ?? []) { anchored[Int(atom)].append(Int32(index)) }
        }

        // The compact trie messages are walked in: the same children, found by rank among the node's symbols.
        nodes.reserveCapacity(wordAt.count)
        for node in 0..<wordAt.count {
            var symbols: UInt64 = 0
            let first = Int32(childList.count)
            for symbol in 0..<Self.symbols where next[node * Self.symbols + symbol] >= 0 {
                symbols |= 1 << UInt64(symbol)
                childList.append(next[node * Self.symbols + symbol])
            }
            nodes.append(Node(symbols: symbols, firstChild: first, prefix: prefixAt[node]))
        }
        next = []
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

    /// The child of `node` for `byte`, or -1; while the trie is being built.
    private func buildingStep(_ node: Int32, _ byte: UInt8) -> Int32 {
        let symbol = Self.symbol(byte)
        return symbol < 0 ? -1 : next[Int(node) &* Self.symbols &+ symbol]
    }

    private mutating func insert(_ word: String) -> Int32 {
        var node: Int32 = 0
        for byte in word.utf8 {
            let symbol = Self.symbol(byte)
            precondition(symbol >= 0, "pattern words are checked to be a-z and 0-9")
            let slot = Int(node) * Self.symbols + symbol
            if next[slot] < 0 {
                let child = Int32(wordAt.count)
                next[slot] = child
                next += repeatElement(-1, count: Self.symbols)
                wordAt.append(-1)
                prefixAt.append(-1)
                numberAt.append(-1)
                spellingAt.append(-1)
                typoTargetAt.append(false)
                neverCorrectAt.append(false)
                typoTargetBelow.append(false)
                children.append([])
                children[Int(node)].append(child)
            }
            node = next[slot]
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
        typoTargetAt[Int(node)] = true
    }

    // MARK: Reading a message

    /// Reads `message` into words and what each word is.
    func words(of message: String) -> Words {
        var words = Words(capacity: message.utf8.count / 4 + 4)
        SafetyTokenizer.forEachWord(in: message) { word in
            if word.startsSentence && words.count > 0 { words.sentenceStarts.append(Int32(words.count)) }
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
            let spelling = spellingAt[Int(node)]
            if spelling >= 0 {
                words.atoms.removeSubrange(mark...)
                for canonical in spellingWords[Int(spelling)] {
                    words.atoms += canonical.atoms
                    words.ends.append(Int32(words.atoms.count))
                    words.numbers.append(canonical.number)
                }
                return
            }
            let exact = wordAt[Int(node)]
            if exact >= 0 { words.atoms.append(exact << 1) }
            if numberAt[Int(node)] >= 0 { number = numberAt[Int(node)] }
            if exact < 0 && !neverCorrectAt[Int(node)] && word.isPlainLetters
                && word.length >= Self.minimumTypoTargetLength - 1
            {
                appendTypoMatches(word.bytes, to: &words, from: mark)
            }
        } else if word.isPlainLetters && word.length >= Self.minimumTypoTargetLength - 1
            && word.length <= word.bytes.count
        {
            appendTypoMatches(word.bytes, to: &words, from: mark)
        }
        words.ends.append(Int32(words.atoms.count))
        words.numbers.append(number)
    }

    /// Adds the pattern words one edit (insert, delete, replace, swap neighbours) away from `bytes`,
    /// keeping the first letter, as typo matches.
    private func appendTypoMatches(_ bytes: UnsafeBufferPointer<UInt8>, to words: inout Words, from mark: Int) {
        let count = bytes.count

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
        @inline(__always)
        func found(_ node: Int32) {
            guard node >= 0, typoTargetAt[Int(node)] else { return }
            let entry = wordAt[Int(node)] << 1 | 1
            var index = mark
            while index < words.atoms.count {
                if words.atoms[index] == entry { return }
                index += 1
            }
            words.atoms.append(entry)
        }

        var node: Int32 = 0
        for position in 0...count {
            if position >= 1 && typoTargetBelow[Int(node)] {
                if position < count { found(walk(node, from: position + 1)) }  // an extra letter
                let here = position < count ? step(node, bytes[position]) : -1
                for child in children[Int(node)] where typoTargetBelow[Int(child)] {
                    if position < count && here != child {
                        found(walk(child, from: position + 1))  // a wrong letter
                    }
                    found(walk(child, from: position))  // a missing letter
                }
                if position + 1 < count && bytes[position] != bytes[position + 1] {
                    var swapped = step(node, bytes[position + 1])
                    if swapped >= 0 { swapped = step(swapped, bytes[position]) }
                    if swapped >= 0 { found(walk(swapped, from: position + 2)) }  // two letters swapped
                }
            }
            if position == count { break }
            node = step(node, bytes[position])
            if node < 0 { break }
        }
    }

    // MARK: Matching

    @inline(__always)
    private func matches(_ term: Term, _ index: Int, _ words: Words) -> Bool {
        if words.useMask && !words.masked.isEmpty && words.masked[index] { return false }
        if term.kind == 2 { return words.numbers[index] >= term.minimum }
        var position = index == 0 ? 0 : Int(words.ends[index - 1])
        let end = Int(words.ends[index])
        while position < end {
            let entry = words.atoms[position]
            if entry >> 1 == term.atom && (entry & 1 == 0 || term.typos) { return true }
            position += 1
        }
        return false
    }

    @inline(__always)
    private func matches(_ alternative: [Term], at index: Int, _ words: Words) -> Bool {
        guard index + alternative.count <= words.count else { return false }
        for (offset, term) in alternative.enumerated() where !matches(term, index + offset, words) {
            return false
        }
        return true
    }

    /// Where slots `slot...` match, the first at `position...position + window`; returns the end.
    private func match(_ slots: [Slot], _ slot: Int, _ position: Int, _ window: Int, _ words: Words) -> Int? {
        if slot == slots.count { return position }
        let current = slots[slot]
        let nextGap = slot + 1 < slots.count ? slots[slot + 1].gapBefore : 0
        var index = position
        let last = min(position + window, words.count - 1)
        while index <= last {
            for alternative in current.alternatives where matches(alternative, at: index, words) {
                if let end = match(slots, slot + 1, index + alternative.count, nextGap, words) { return end }
            }
            index += 1
        }
        if current.isOptional { return match(slots, slot + 1, position, window + nextGap, words) }
        return nil
    }

    /// The first place `pattern` matches in `words`.
    func firstMatch(_ pattern: Int, in words: Words) -> Range<Int>? {
        let slots = patterns[pattern].slots
        for start in 0..<words.count {
            if let end = match(slots, 0, start, 0, words) { return start..<max(end, start + 1) }
        }
        return nil
    }

    /// Masks every place `pattern` matches; true if it matched at all.
    private func maskMatches(_ pattern: Int, in words: inout Words) -> Bool {
        let slots = patterns[pattern].slots
        var start = 0
        var matched = false
        while start < words.count {
            if let end = match(slots, 0, start, 0, words) {
                let stop = max(end, start + 1)
                if words.masked.isEmpty { words.masked = Array(repeating: false, count: words.count) }
                for index in start..<stop { words.masked[index] = true }
                matched = true
                start = stop
            } else {
                start += 1
            }
        }
        return matched
    }

    /// Whether one of the pattern's `unless` conditions is anywhere in the message (masked words
    /// included); only conditions whose rarest words are in the message (`candidates`) are tried.
    private func isCancelled(_ pattern: Int, in words: inout Words, candidates: [UInt64]) -> Bool {
        let conditions = patterns[pattern].unless
        if conditions.isEmpty { return false }
        words.useMask = false
        defer { words.useMask = true }
        return conditions.contains { condition in
            candidates[condition >> 6] & (1 << UInt64(condition & 63)) != 0 && firstMatch(condition, in: words) != nil
        }
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
    func evaluate(_ message: String, wholeMessageDenial: Bool = false) -> (crisis: CrisisAssessment?, denial: Bool) {
        let words = words(of: message)
        guard words.count > 0 else { return (nil, false) }
        if words.sentenceStarts.isEmpty && words.count <= Self.windowWords {
            let result = evaluateSegment(words, context: false)
            return (result.crisis, result.denial)
        }
        if wholeMessageDenial {
            let sentences = evaluate(message)
            guard sentences.crisis == nil else { return (sentences.crisis, false) }
            var whole = words
            whole.sentenceStarts = []
            if whole.count > Self.windowWords { whole = whole.slice(0..<Self.windowWords) }
            return (nil, evaluateSegment(whole, context: false).denial)
        }
        var denied = false
        var found: [Segment] = []
        var histories: [Int] = []
        var stories: [Int] = []
        var current = false
        // A window with the same words as one already checked has the same result: a line that repeats a phrase
        // (a flood, or a paste) costs one window per distinct phrase, not one per repetition.
        var checked = Set<Int>()
        for (number, segment) in segments(of: words).enumerated() {
            let part = words.slice(segment)
            var hasher = Hasher()
            hasher.combine(part.atoms)
            hasher.combine(part.ends)
            hasher.combine(part.numbers)
            guard checked.insert(hasher.finalize()).inserted else { continue }
            var result = evaluateSegment(part, context: true)
            result.number = number
            denied = denied || result.denial
            current = current || result.current
            if result.history { histories.append(number) }
            if result.story { stories.append(number) }
            if result.crisis != nil { found.append(result) }
        }
        var best: CrisisAssessment?
        for segment in found {
            guard var finding = segment.crisis else { continue }
            let elsewhere = stories.contains(segment.number + 1)
                || (!segment.selfReference && histories.contains { $0 != segment.number })
            if !segment.toldAsHistory && !segment.present && elsewhere {
                guard current else { continue }
                finding.level = .check
                finding.note = "another sentence tells it as a story, with something current"
            }
            if best == nil || finding.level > best!.level { best = finding }
        }
        return (best, best == nil && denied)
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
        /// Its place in the message.
        var number = 0
    }

    /// Checks one sentence (or window); with `context`, also whether it tells a story or something current
    /// whether or not it has a finding, for the sentences around it.
    private func evaluateSegment(_ input: Words, context: Bool) -> Segment {
        var words = input
        var candidates = [UInt64](repeating: 0, count: (patterns.count + 63) / 64)
        for entry in words.atoms {
            for pattern in anchored[Int(entry >> 1)] {
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
        scan: for block in candidates.indices {
            var bits = candidates[block]
            while bits != 0 {
                let pattern = block << 6 | bits.trailingZeroBitCount
                bits &= bits - 1
                switch patterns[pattern].role {
                case .exclusion:
                    _ = maskMatches(pattern, in: &words)
                case .denial:
                    if !isCancelled(pattern, in: &words, candidates: candidates) && maskMatches(pattern, in: &words) {
                        denied = true
                    }
                case .crisis(let assessment):
                    if found == nil && firstMatch(pattern, in: words) != nil
                        && !isCancelled(pattern, in: &words, candidates: candidates)
                    {
                        found = assessment
                    }
                case .history:
                    if found == nil && !context { break scan }
                    if !history && firstMatch(pattern, in: words) != nil { history = true }
                case .current:
                    if !context && (found == nil || !history) { break scan }
                    if !current && firstMatch(pattern, in: words) != nil { current = true }
                case .present:
                    if !context { break scan }
                    if found != nil && !present && firstMatch(pattern, in: words) != nil { present = true }
                case .story:
                    if !context { break scan }
                    if !story && firstMatch(pattern, in: words) != nil { story = true }
                case .selfReference:
                    if !context { break scan }
                    if found != nil && !selfReference && firstMatch(pattern, in: words) != nil { selfReference = true }
                case .condition:
                    break scan  // conditions come after every other pattern
                }
            }
        }
        var segment = Segment(
            denial: denied, history: history, story: story, current: current, present: present,
            selfReference: selfReference)
        guard var finding = found else { return segment }
        if history {
            segment.toldAsHistory = true
            guard current else { return segment }
            finding.level = .check
            finding.note = "told as history, with something current"
        }
        segment.crisis = finding
        segment.denial = false
        return segment
    }
}
