/// The analyzer's known words, as numbers: each word's stems, which stems are filler, and the synonym
/// phrases that start with each stem.
///
/// Stems and synonym tokens (`~name`) share one numbering. A known word costs one hash lookup to read,
/// instead of one for shorthand, one for its stem, one for phrases and one for filler.
struct Lexicon: Sendable {
    /// A synonym phrase as stems, and the token it stands for.
    private struct Phrase: Sendable {
        var stems: [Int32]
        var token: Int32
    }

    /// Every stem and synonym token, by number.
    private(set) var tokenNames: [String] = []
    private var tokenIDs: [String: Int32] = [:]
    /// Known word → its reading: `readingStems[readingStarts[n]..<readingStarts[n + 1]]`.
    private var readings: [String: Int32] = [:]
    private var readingStarts: [Int32] = [0]
    private var readingStems: [Int32] = []
    /// Per token: whether it is filler, and the phrases that start with it, longest first.
    private var isFiller: [Bool] = []
    private var phrases: [[Phrase]] = []

    /// A lexicon of `words` (every word the knowledge matches against, synonym and filler entries and
    /// shorthand), with the vocabulary's synonyms, filler and shorthand.
    init(vocabulary: Vocabulary, words: some Collection<String>) {
        var names = TokenNames(capacity: words.count)
        var stems: [String: Int32] = [:]
        stems.reserveCapacity(words.count)
        readings.reserveCapacity(words.count)
        readingStarts.reserveCapacity(words.count + 1)
        readingStems.reserveCapacity(words.count)
        for word in words {
            let stem = names.id(of: PorterStemmer.stem(word))
            stems[word] = stem
            if vocabulary.expansions[word] == nil {
                readingStems.append(stem)
                readingStarts.append(Int32(readingStems.count))
                readings[word] = Int32(readingStarts.count - 2)
            }
        }
        func stemmed(_ phrase: String) -> [Int32] {
            Self.split(phrase).map { stems[$0] ?? names.id(of: PorterStemmer.stem($0)) }
        }
        for (short, long) in vocabulary.expansions {
            readingStems += stemmed(long)
            readingStarts.append(Int32(readingStems.count))
            readings[short] = Int32(readingStarts.count - 2)
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
        tokenNames = names.names
        tokenIDs = names.ids
        isFiller = Array(repeating: false, count: tokenNames.count)
        for stem in filler { isFiller[Int(stem)] = true }
        phrases = Array(repeating: [], count: tokenNames.count)
        for phrase in groupPhrases { phrases[Int(phrase.stems[0])].append(phrase) }
        for first in phrases.indices where phrases[first].count > 1 {
            phrases[first].sort { $0.stems.count > $1.stems.count }
        }
    }

    /// Whether the word is known as written.
    @inline(__always)
    func isKnown(_ word: String) -> Bool {
        readings[word] != nil
    }

    /// The tokens of a text's words: stems and synonym tokens by number, filler left out.
    ///
    /// A word the lexicon doesn't know is stemmed on the spot; a stem the lexicon doesn't know either goes
    /// to `unknownStems` and is numbered `-(its position + 1)`.
    func tokens(of words: [String], unknownStems: inout [String]) -> [Int32] {
        var stems: [Int32] = []
        stems.reserveCapacity(words.count + 4)
        for word in words {
            if let reading = readings[word] {
                stems += readingStems[Int(readingStarts[Int(reading)])..<Int(readingStarts[Int(reading) + 1])]
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
        var tokens: [Int32] = []
        tokens.reserveCapacity(stems.count)
        var i = 0
        outer: while i < stems.count {
            let stem = stems[i]
            if stem >= 0 {
                for phrase in phrases[Int(stem)] where i + phrase.stems.count <= stems.count {
                    if phrase.stems.count == 1 || stems[i..<(i + phrase.stems.count)].elementsEqual(phrase.stems) {
                        tokens.append(phrase.token)
                        i += phrase.stems.count
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
