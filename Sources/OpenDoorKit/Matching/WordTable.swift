/// The distinct words the knowledge matches against, numbered in order of first appearance, with how
/// often each occurs: the dictionary typos are corrected to, and what the lexicon reads.
///
/// Words are looked up by their UTF-8 bytes in an open-addressing table (FNV-1a, linear probing), so the
/// knowledge's words are counted straight from the normalizer's bytes, without making a String for each
/// occurrence; a String is made once per distinct word.
struct WordTable: Sendable {
    private(set) var words: [String] = []
    private(set) var counts: [Int] = []
    /// Every word's bytes, one after the other; word `n`'s are `bytes[starts[n]..<starts[n + 1]]`.
    private var bytes: [UInt8] = []
    private var starts: [Int32] = [0]
    private var hashes: [UInt64] = []
    /// Word numbers by hash slot; -1 is an empty slot.
    private var slots: [Int32]

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: -1, count: size)
        words.reserveCapacity(capacity)
        counts.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
        starts.reserveCapacity(capacity + 1)
        bytes.reserveCapacity(capacity * 8)
    }

    var count: Int { words.count }

    /// Counts one occurrence of a word, given as UTF-8 bytes; returns its number.
    @discardableResult
    mutating func add(_ word: ArraySlice<UInt8>) -> Int32 {
        let hash = Self.hash(word)
        var slot = home(hash)
        while slots[slot] >= 0 {
            let id = Int(slots[slot])
            if hashes[id] == hash && bytes[Int(starts[id])..<Int(starts[id + 1])].elementsEqual(word) {
                counts[id] += 1
                return Int32(id)
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        let id = Int32(words.count)
        slots[slot] = id
        words.append(String(decoding: word, as: UTF8.self))
        counts.append(1)
        hashes.append(hash)
        bytes += word
        starts.append(Int32(bytes.count))
        if words.count * 2 > slots.count { grow() }
        return id
    }

    /// Counts one occurrence of a word; returns its number.
    @discardableResult
    mutating func add(_ word: String) -> Int32 {
        add(Array(word.utf8)[...])
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
    func id(of word: String) -> Int32? {
        var word = word
        return word.withUTF8 { id(of: $0) }
    }

    private func id(of word: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(word)
        var slot = home(hash)
        while slots[slot] >= 0 {
            let id = Int(slots[slot])
            if hashes[id] == hash && bytes[Int(starts[id])..<Int(starts[id + 1])].elementsEqual(word) {
                return Int32(id)
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        for id in hashes.indices {
            var slot = home(hashes[id])
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(id)
        }
    }

    /// The slot a hash starts probing at: its high bits, mixed, which FNV spreads better than its low bits.
    @inline(__always)
    private func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> 32) & (slots.count - 1)
    }

    /// FNV-1a over the bytes.
    @inline(__always)
    private static func hash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        return value
    }
}
