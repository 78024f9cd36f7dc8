/// The analyzer's known words, as numbers: each word's stems, which stems are filler, and the synonym
/// phrases that start with each stem.
///
/// Stems and synonym tokens (`~name`) share one numbering. A known word costs one hash lookup to read
/// (none when it comes numbered from the word table), instead of one for shorthand, one for its stem,
/// one for phrases and one for filler.
struct Lexicon: Sendable {
    /// A synonym phrase as stems, and the token it stands for.
    private struct Phrase: Sendable {
        var stems: [Int32]
        var token: Int32
    }

    private let table: WordTable
    /// Every stem and synonym token, by number.
    let tokenNames: [String]
    private let tokenIDs: [String: Int32]
    /// Known word number `n` reads as `readingStems[readingStarts[n]..<readingStarts[n + 1]]`: its stem, or
    /// the stems of what it stands for when it is shorthand.
    private let readingStarts: [Int32]
    private let readingStems: [Int32]
    /// Per token: whether it is filler.
    private let isFiller: [Bool]
    /// The phrases that start with token `t`, longest first, are `phraseList[phraseStarts[t]..<phraseStarts[t + 1]]`;
    /// a phrase's stems are `phraseStems[first..<first + count]`. Flat arrays of plain values: reading an array of
    /// phrases that each hold an array cost a retain and a release per phrase tried, a quarter of reading the
    /// knowledge's examples into tokens.
    private let phraseStarts: [Int32]
    private let phraseList: [(first: Int32, count: Int32, token: Int32)]
    private let phraseStems: [Int32]

    /// A lexicon of the table's words with the vocabulary's synonyms, filler and shorthand; the table
    /// must hold every word of the vocabulary (`WordTable.add(_:)`).
    init(vocabulary: Vocabulary, table: WordTable) {
        self.init(vocabulary: vocabulary, table: table, stems: table.words.map(PorterStemmer.stem))
    }

    /// A lexicon whose words' stems are known already (`stems[n]` is the stem of the table's word `n`).
    init(vocabulary: Vocabulary, table: WordTable, stems wordStems: [String]) {
        self.table = table
        var names = TokenNames(capacity: table.words.count)
        let ownStems = wordStems.map { names.id(of: $0) }
        func stemmed(_ phrase: String) -> [Int32] {
            Self.split(phrase).map { word in
                table.id(of: word).map { ownStems[Int($0)] } ?? names.id(of: PorterStemmer.stem(word))
            }
        }
        var expansions = [String?](repeating: nil, count: table.words.count)
        for (short, long) in vocabulary.expansions {
            if let id = table.id(of: short) { expansions[Int(id)] = long }
        }
        var starts: [Int32] = [0]
        var stems: [Int32] = []
        starts.reserveCapacity(table.words.count + 1)
        stems.reserveCapacity(table.words.count + 64)
        for (word, long) in expansions.enumerated() {
            if let long { stems += stemmed(long) } else { stems.append(ownStems[word]) }
            starts.append(Int32(stems.count))
        }
        var groupPhrases: [Phrase] = []
        for group in vocabulary.synonyms {
            guard let head = group.first else { continue }
            let token = names.id(of: "~" + String(decoding: head.utf8.map { $0 == 0x20 ? 0x5F : $0 }, as: UTF8.self))
            for entry in group {
                let phrase = Phrase(stems: stemmed(entry), token: token)
                if !phrase.stems.isEmpty { groupPhrases.append(phrase) }
            }
        }
        let filler = vocabulary.filler.flatMap(stemmed)
        var isFiller = [Bool](repeating: false, count: names.names.count)
        for stem in filler { isFiller[Int(stem)] = true }
        var phrases = [[Phrase]](repeating: [], count: names.names.count)
        for phrase in groupPhrases { phrases[Int(phrase.stems[0])].append(phrase) }
        for first in phrases.indices where phrases[first].count > 1 {
            phrases[first].sort { $0.stems.count > $1.stems.count }
        }
        tokenNames = names.names
        tokenIDs = names.ids
        readingStarts = starts
        readingStems = stems
        self.isFiller = isFiller
        var listStarts: [Int32] = [0]
        var list: [(first: Int32, count: Int32, token: Int32)] = []
        var phraseStems: [Int32] = []
        listStarts.reserveCapacity(phrases.count + 1)
        for group in phrases {
            for phrase in group {
                list.append((Int32(phraseStems.count), Int32(phrase.stems.count), phrase.token))
                phraseStems += phrase.stems
            }
            listStarts.append(Int32(list.count))
        }
        phraseStarts = listStarts
        phraseList = list
        self.phraseStems = phraseStems
    }

    /// Whether the word is known as written.
    @inline(__always)
    func isKnown(_ word: String) -> Bool {
        table.id(of: word) != nil
    }

    /// The tokens of a text's words, numbered by the word table: stems and synonym tokens, filler left out.
    func tokens(ofWords words: [Int32]) -> [Int32] {
        var stems: [Int32] = []
        stems.reserveCapacity(words.count + 4)
        for word in words { appendReading(of: word, to: &stems) }
        return joiningPhrases(stems)
    }

    /// The tokens of a text's words: stems and synonym tokens by number, filler left out.
    ///
    /// A word the lexicon doesn't know is stemmed on the spot; a stem the lexicon doesn't know either goes
    /// to `unknownStems` and is numbered `-(its position + 1)`.
    func tokens(of words: [String], unknownStems: inout [String]) -> [Int32] {
        var stems: [Int32] = []
        stems.reserveCapacity(words.count + 4)
        for word in words {
            if let id = table.id(of: word) {
                appendReading(of: id, to: &stems)
            } else {
                let stem = PorterStemmer.stem(word)
                if let id = tokenIDs[stem] {
                    stems.append(id)
                } else {
                    unknownStems.append(stem)
                    stems.append(-Int32(unknownStems.count))
                }
            }
        }
        return joiningPhrases(stems)
    }

    @inline(__always)
    private func appendReading(of word: Int32, to stems: inout [Int32]) {
        let start = Int(readingStarts[Int(word)])
        let end = Int(readingStarts[Int(word) + 1])
        if end == start + 1 { stems.append(readingStems[start]) } else { stems += readingStems[start..<end] }
    }

    /// Replaces synonym phrases by their token (the longest phrase first) and drops filler.
    private func joiningPhrases(_ stems: [Int32]) -> [Int32] {
        var tokens: [Int32] = []
        tokens.reserveCapacity(stems.count)
        var i = 0
        outer: while i < stems.count {
            let stem = stems[i]
            if stem >= 0 {
                for position in Int(phraseStarts[Int(stem)])..<Int(phraseStarts[Int(stem) + 1]) {
                    let phrase = phraseList[position]
                    let count = Int(phrase.count)
                    guard i + count <= stems.count else { continue }
                    // The first stem is `stem`: phrases are listed under their first.
                    var matched = 1
                    while matched < count && stems[i + matched] == phraseStems[Int(phrase.first) + matched] {
                        matched += 1
                    }
                    if matched == count {
                        tokens.append(phrase.token)
                        i += count
                        continue outer
                    }
                }
                if isFiller[Int(stem)] {
                    i += 1
                    continue
                }
            }
            tokens.append(stem)
            i += 1
        }
        return tokens
    }

    /// The name of a token from `tokens(of:unknownStems:)`.
    @inline(__always)
    func name(of token: Int32, unknownStems: [String]) -> String {
        token >= 0 ? tokenNames[Int(token)] : unknownStems[Int(-token) - 1]
    }

    /// The space-separated parts of a phrase (phrases are normalized: single spaces, no others).
    static func split(_ phrase: String) -> [String] {
        phrase.utf8.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Names numbered in order of first appearance.
private struct TokenNames {
    var names: [String] = []
    var ids: [String: Int32] = [:]

    init(capacity: Int) {
        names.reserveCapacity(capacity)
        ids.reserveCapacity(capacity)
    }

    mutating func id(of name: String) -> Int32 {
        if let id = ids[name] { return id }
        let id = Int32(names.count)
        ids[name] = id
        names.append(name)
        return id
    }
}
