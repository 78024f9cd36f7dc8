/// The distinct words the knowledge matches against, numbered in order of first appearance, with how
/// often each occurs: the dictionary typos are corrected to, and what the lexicon reads.
struct WordTable: Sendable {
    private(set) var ids: [String: Int32] = [:]
    private(set) var words: [String] = []
    private(set) var counts: [Int] = []

    init(capacity: Int) {
        ids.reserveCapacity(capacity)
        words.reserveCapacity(capacity)
        counts.reserveCapacity(capacity)
    }

    /// Counts one occurrence of a word; returns its number.
    @discardableResult
    mutating func add(_ word: String) -> Int32 {
        if let id = ids[word] {
            counts[Int(id)] += 1
            return id
        }
        let id = Int32(words.count)
        ids[word] = id
        words.append(word)
        counts.append(1)
        return id
    }

    /// Counts the words of the synonym groups, of shorthand and what it stands for, and each filler entry
    /// as written.
    mutating func add(_ vocabulary: Vocabulary) {
        for group in vocabulary.synonyms {
            for phrase in group {
                for word in Lexicon.split(phrase) { add(word) }
            }
        }
        for word in vocabulary.filler { add(word) }
        for (short, long) in vocabulary.expansions {
            add(short)
            for word in Lexicon.split(long) { add(word) }
        }
    }

    /// The number of a word, if the table has it.
    @inline(__always)
    func id(of word: String) -> Int32? {
        ids[word]
    }
}
