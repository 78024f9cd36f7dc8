/// A pattern from `Knowledge/safety.yaml`, parsed: word positions, in order, with gaps between them.
///
/// The syntax (documented for staff at the top of `safety.yaml`):
/// - words in order, next to each other: `kill myself`
/// - `*` lets up to 3 other words come between two positions, `*N` up to N (1–9): `took * pills`
/// - `a|b|c` is any one of these at that position; an alternative may be a phrase: `dont|do not`
/// - `word*` is any word starting with `word` (3+ letters): `suicid*`
/// - `word?` (or `a|b?`) makes that position optional
/// - `N+` is a number of at least N, in digits or words ("twenty"); `0+` is any number
/// - `@name` is any entry of the list `name` under `lists:`
/// - `=word` turns off typo tolerance for that word
/// - `$` (last) is the end of the sentence or clause; `*N $` lets up to N words come before it: `cant go_on *1 $`
struct SafetyPattern: Sendable, Hashable {
    /// What one word of the message must be.
    enum Term: Sendable, Hashable {
        /// This word; with `typos`, also a word one edit away when both have 6+ letters.
        case word(String, typos: Bool)
        /// Any word that starts with this.
        case prefix(String)
        /// A number, digits or a number word, no smaller than this.
        case number(atLeast: Int32)
    }

    /// One position: any of its alternatives (each a run of consecutive words).
    struct Slot: Sendable, Hashable {
        /// The choices; each is one word or a phrase of consecutive words.
        var alternatives: [[Term]]
        /// The position may be left out.
        var isOptional: Bool
        /// How many other words may come between the previous position and this one.
        var gapBefore: Int
        /// The end of the sentence or clause (`$`), not a word; always the last position.
        var isEnd = false
    }

    /// What patterns can refer to: staff word lists and spelling groups.
    struct Vocabulary: Sendable {
        /// `@name` lists, each entry already parsed into an alternative.
        var lists: [String: [[Term]]] = [:]
        /// A one-word spelling (`dont`) to the words it is read as (`do not`).
        var spellings: [String: [String]] = [:]

        /// The words `text` is read as, with spelling groups applied.
        func canonicalWords(in text: String) -> [String] {
            SafetyTokenizer.words(in: text).flatMap { spellings[$0] ?? [$0] }
        }
    }

    /// Why a pattern could not be read, in words for the person editing the file.
    struct Problem: Error, Sendable, Hashable {
        /// What is wrong and how to fix it.
        var message: String
    }

    /// Words allowed between two positions written with a bare `*`.
    static let defaultGap = 3
    /// The largest `*N`.
    static let maximumGap = 9
    /// The shortest prefix for `word*`; shorter ones would match far too much.
    static let minimumPrefixLength = 3

    /// The positions, in order.
    var slots: [Slot]

    /// Positions already parsed while loading one file, by their text (`kill|killing|killed`, `@drugs`): the
    /// same choices come back in many patterns, and parsing each once keeps loading fast.
    struct Cache {
        /// Positions by their text.
        var positions: [UTF8Key: [[Term]]] = [:]
        /// The choices of a position (`kill`, `my_self`, `@drugs`) by their text: they come back in positions
        /// that differ.
        var choices: [UTF8Key: [[Term]]] = [:]
        /// Whole patterns already parsed, by their text: the same `unless:` exceptions ("work", "lol", "group")
        /// come back hundreds of times, more than half of every pattern the file holds. Only patterns that parsed
        /// are kept; one with a problem is parsed again, and says the same.
        var patterns: [UTF8Key: SafetyPattern] = [:]
        /// How many positions were parsed.
        var count: Int { positions.count }

        /// Makes room for about `count` distinct patterns, positions and choices.
        mutating func reserve(_ count: Int) {
            patterns.reserveCapacity(count)
            positions.reserveCapacity(count)
            choices.reserveCapacity(count)
        }
    }

    /// Parses a pattern.
    init(parsing source: String, vocabulary: Vocabulary) throws(Problem) {
        var cache = Cache()
        try self.init(parsing: source, vocabulary: vocabulary, cache: &cache)
    }

    /// Parses a pattern, reusing and filling `cache` (one per vocabulary).
    init(parsing source: String, vocabulary: Vocabulary, cache: inout Cache) throws(Problem) {
        let key = UTF8Key(source)
        if let known = cache.patterns[key] {
            self = known
            return
        }
        try self.init(parsingAnew: source, vocabulary: vocabulary, cache: &cache)
        cache.patterns[key] = self
    }

    private init(parsingAnew source: String, vocabulary: Vocabulary, cache: inout Cache) throws(Problem) {
        // Split on bytes, not Characters: splitting a String by Character runs grapheme breaking on every letter,
        // which was most of the cost of loading the rules. The parts and choices are read in place, as slices of
        // the source, with no array of them: a tenth of parsing the patterns went to building those arrays.
        var slots: [Slot] = []
        slots.reserveCapacity(4)
        var pendingGap: Int?
        var start = source.utf8.startIndex
        while let part = Self.nextPart(of: source, from: &start) {
            if let gap = try Self.gap(part) {
                if slots.isEmpty {
                    throw Problem(message: "“\(source)” starts with a gap (*); a gap goes between two words")
                }
                if pendingGap != nil { throw Problem(message: "“\(source)” has two gaps (*) in a row; use one, e.g. *5") }
                pendingGap = gap
                continue
            }
            if part.utf8.count == 1 && part.utf8.first == 36 {  // $
                guard !slots.isEmpty else {
                    throw Problem(message: "“\(source)” starts with $; $ marks the end of a sentence, after the words")
                }
                slots.append(Slot(alternatives: [], isOptional: false, gapBefore: pendingGap ?? 0, isEnd: true))
                pendingGap = nil
                continue
            }
            if slots.last?.isEnd == true {
                throw Problem(message: "“\(source)” has words after $; $ (the end of a sentence) goes last")
            }
            var text = part
            var isOptional = false
            if text.utf8.count > 1 && text.utf8.last == 63 {  // ?
                isOptional = true
                text = text.dropLast()
            }
            var alternatives: [[Term]] = []
            if let known = cache.positions[UTF8Key(text)] {
                alternatives = known
            } else {
                var choiceStart = text.startIndex
                var atEnd = false
                while !atEnd {
                    // The next choice: up to the next | or the end (an empty one between two |, or at either end).
                    var choiceEnd = choiceStart
                    while choiceEnd < text.endIndex && text.utf8[choiceEnd] != 124 {  // |
                        text.utf8.formIndex(after: &choiceEnd)
                    }
                    let alternative = Substring(text.utf8[choiceStart..<choiceEnd])
                    if choiceEnd < text.endIndex {
                        choiceStart = text.utf8.index(after: choiceEnd)
                    } else {
                        atEnd = true
                    }
                    guard !alternative.isEmpty else {
                        throw Problem(message: "“\(part)” has an empty choice; write words on both sides of each |")
                    }
                    if let known = cache.choices[UTF8Key(alternative)] {
                        alternatives += known
                    } else {
                        let parsed = try Self.alternatives(String(alternative), vocabulary: vocabulary)
                        cache.choices[UTF8Key(alternative)] = parsed
                        alternatives += parsed
                    }
                }
                cache.positions[UTF8Key(text)] = alternatives
            }
            slots.append(Slot(alternatives: alternatives, isOptional: isOptional, gapBefore: pendingGap ?? 0))
            pendingGap = nil
        }
        // Every part either throws or leaves a position (a gap needs one before it): no position is no part.
        guard !slots.isEmpty else {
            throw Problem(message: "the pattern is empty; write the words to look for")
        }
        if pendingGap != nil {
            throw Problem(message: "“\(source)” ends with a gap (*); a gap goes between two words")
        }
        let anchored = slots.contains { slot in
            !slot.isOptional && !slot.isEnd
                && slot.alternatives.allSatisfy { $0.contains { if case .number = $0 { false } else { true } } }
        }
        guard anchored else {
            throw Problem(message: "“\(source)” needs at least one word that is neither optional (?) nor a number (N+)")
        }
        self.slots = slots
    }

    /// The next part of `source` (words, gaps and `$` are separated by spaces, tabs and line breaks) from `start`,
    /// which is moved past it; nil when only separators are left.
    @inline(__always)
    private static func nextPart(of source: String, from start: inout String.Index) -> Substring? {
        let utf8 = source.utf8
        let isSeparator = { (byte: UInt8) in byte == 32 || byte == 9 || byte == 10 }
        while start < utf8.endIndex && isSeparator(utf8[start]) { utf8.formIndex(after: &start) }
        guard start < utf8.endIndex else { return nil }
        var end = start
        while end < utf8.endIndex && !isSeparator(utf8[end]) { utf8.formIndex(after: &end) }
        defer { start = end }
        return Substring(utf8[start..<end])
    }

    /// The size of a gap if `part` is one (`*` or `*N`), nil if it is a word.
    private static func gap(_ part: Substring) throws(Problem) -> Int? {
        guard part.utf8.first == 42 else { return nil }  // *
        let digits = part.dropFirst()
        if digits.isEmpty { return defaultGap }
        guard let size = Int(digits), (1...maximumGap).contains(size) else {
            throw Problem(message: "“\(part)” is not a gap; write * (up to \(defaultGap) words) or *N with N from 1 to \(maximumGap)")
        }
        return size
    }

    /// Parses one choice of a position; a `@list` gives several.
    static func alternatives(_ text: String, vocabulary: Vocabulary) throws(Problem) -> [[Term]] {
        if text.hasPrefix("@") {
            let name = String(text.dropFirst())
            guard let list = vocabulary.lists[name] else {
                throw Problem(message: "there is no list named “\(name)” under lists:")
            }
            return list
        }
        return [try alternative(text, allowNumbers: true, vocabulary: vocabulary)]
    }

    /// A plain word split where letters and digits meet, as the tokenizer splits it ("800mg" is "800 mg").
    private static func splitDigits(_ word: String) -> [String] {
        var previous: Bool?
        for byte in word.utf8 {
            let digit = byte >= 48 && byte <= 57
            if let previous, previous != digit { return SafetyTokenizer.words(in: word) }
            previous = digit
        }
        return [word]
    }

    /// Parses a word, prefix, number or phrase (no `@`, no `|`).
    static func alternative(_ text: String, allowNumbers: Bool, vocabulary: Vocabulary) throws(Problem) -> [Term] {
        if text.utf8.last == 43 {  // +
            guard let minimum = Int32(text.dropLast()), minimum >= 0, text.first?.isNumber == true else {
                throw Problem(message: "“\(text)” is not a number; write N+ for a number of at least N, e.g. 5+ (0+ is any)")
            }
            guard allowNumbers else { throw Problem(message: "“\(text)”: numbers (N+) go in patterns, not in lists") }
            return [.number(atLeast: minimum)]
        }
        var body = Substring(text)
        let typos = body.utf8.first != 61  // =
        if !typos { body = body.dropFirst() }
        let isPrefix = body.utf8.last == 42  // *
        if isPrefix { body = body.dropLast() }
        // Bytes, not `contains("#")`: a string searched for a string goes through Foundation, a hundred times slower.
        if body.utf8.contains(UInt8(ascii: "#")) {
            throw Problem(message: "“\(text)”: write numbers as N+ (5+, or 0+ for any number); # starts a YAML comment")
        }
        let isSyntax = { (byte: UInt8) -> Bool in
            switch byte {
            case 42, 64, 61, 63, 124, 43, 36: true  // * @ = ? | + $
            default: false
            }
        }
        if let bad = body.utf8.first(where: isSyntax) {
            throw Problem(
                message:
                    "“\(text)” has “\(Character(Unicode.Scalar(bad)))” inside a word; * goes at the end of a word (suicid*) or alone as a gap"
            )
        }
        // One word of plain lowercase letters (most choices): the word itself, with no arrays of words on the way
        // (the same as the general reading below, which splits it into that one word).
        if !body.isEmpty && body.utf8.allSatisfy({ $0 >= 97 && $0 <= 122 }) {
            let word = String(body)
            if isPrefix {
                guard word.utf8.count >= minimumPrefixLength else {
                    throw Problem(
                        message: "“\(text)”: a prefix needs at least \(minimumPrefixLength) letters, or it matches too much")
                }
                return [.prefix(word)]
            }
            guard let spelled = vocabulary.spellings[word] else { return [.word(word, typos: typos)] }
            return spelled.map { .word($0, typos: typos) }
        }
        // Plain lowercase words joined by _ are split on bytes; anything else goes through the tokenizer, which
        // reads it as messages are read.
        let words: [String]
        if body.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) {
            // Digits and letters are separate words to the tokenizer ("800mg" is "800 mg").
            words = body.utf8.split(separator: 95).flatMap { Self.splitDigits(String(Substring($0))) }
        } else {
            words = SafetyTokenizer.words(in: String(body))
        }
        guard !words.isEmpty else { throw Problem(message: "“\(text)” has no letters or digits") }
        if let word = words.first(where: { !$0.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) } }) {
            throw Problem(message: "“\(word)” has a letter outside a–z; write patterns in plain letters")
        }
        if isPrefix {
            guard words.count == 1 else {
                throw Problem(message: "“\(text)”: a prefix (*) must be one word, e.g. suicid*")
            }
            guard words[0].utf8.count >= minimumPrefixLength else {
                throw Problem(message: "“\(text)”: a prefix needs at least \(minimumPrefixLength) letters, or it matches too much")
            }
            return [.prefix(words[0])]
        }
        return words.flatMap { vocabulary.spellings[$0] ?? [$0] }.map { .word($0, typos: typos) }
    }
}

/// Text that is equal to another only when their UTF-8 bytes are, hashed from those bytes: what the pattern parser
/// reads. (A `String` key compares by Unicode equivalence, which may join texts of different bytes, and hashes
/// through normalization, a tenth of loading the rules when every position and choice was looked up that way.)
struct UTF8Key: Hashable {
    let text: Substring

    init(_ text: Substring) { self.text = text }
    init(_ text: String) { self.text = Substring(text) }

    static func == (left: UTF8Key, right: UTF8Key) -> Bool {
        let count = left.text.utf8.count
        guard count == right.text.utf8.count else { return false }
        // Compared in both texts' storage: `elementsEqual` on the views walked string indices byte by byte, a
        // twentieth of parsing the patterns (every cache hit compares its key).
        let compared = left.text.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.text.utf8.withContiguousStorageIfAvailable { rightBytes in
                UnsafeRawBufferPointer(leftBytes).elementsEqual(UnsafeRawBufferPointer(rightBytes))
            }
        }
        return (compared ?? nil) ?? left.text.utf8.elementsEqual(right.text.utf8)
    }

    /// The bytes are folded into one word eight at a time, and the hasher (seeded, as every dictionary's) mixes only
    /// that word: `combine(bytes:)` ran SipHash over every byte of every position, choice and pattern looked up, a
    /// sixth of parsing the patterns.
    func hash(into hasher: inout Hasher) {
        let folded = text.utf8.withContiguousStorageIfAvailable { Self.fold(UnsafeRawBufferPointer($0)) }
        hasher.combine(folded ?? Array(text.utf8).withUnsafeBytes(Self.fold))
    }

    /// A 64-bit mix of `bytes` (not cryptographic: the dictionary's seeded hasher mixes it again).
    @inline(__always)
    static func fold(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }
}
