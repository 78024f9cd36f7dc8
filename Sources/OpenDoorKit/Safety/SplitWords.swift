/// The crisis words the check reads when a space splits them in two ("i want to kil l myself", "k ill myself",
/// "su icide"; `split_words:` in `Knowledge/safety.yaml`), as the pairs of halves that are read joined.
///
/// A split is read joined only where a half is no ordinary word in that place (`isOrdinary`, given the half and the
/// word split): "kil l", "ki ll", "k ill" (one letter is no word, so "ill" is no "I'll" there) and "su icide" are;
/// "over dose", both of whose halves are words, is not, and "s kill" makes "skill", no crisis word. The joined text
/// is one more reading for the check (``CrisisDetector``), beside the text as typed, so a split can add a finding
/// and never take one away.
struct SplitWords: Sendable {
    /// "first second" for every split read joined.
    private let pairs: Set<String>
    /// The first halves, to look up a pair only after one.
    private let firstHalves: Set<String>
    /// The longest crisis word listed, in bytes: two words longer than it together are no split of one.
    private let longest: Int

    /// The splits of `entries` (`split_words:`) with a half that `isOrdinary(half, entry)` says is no ordinary word.
    init(_ entries: [String], isOrdinary: (String, String) -> Bool) {
        var pairs = Set<String>()
        for entry in entries {
            let bytes = Array(entry.utf8)
            guard bytes.count >= 3 else { continue }
            for cut in 1..<bytes.count {
                let first = String(decoding: bytes[..<cut], as: UTF8.self)
                let second = String(decoding: bytes[cut...], as: UTF8.self)
                if !(isOrdinary(first, entry) && isOrdinary(second, entry)) { pairs.insert(first + " " + second) }
            }
        }
        self.pairs = pairs
        self.firstHalves = Set(pairs.map { String($0.prefix { $0 != " " }) })
        self.longest = pairs.map { $0.utf8.count - 1 }.max() ?? 0
    }

    /// Whether no split is read.
    var isEmpty: Bool { pairs.isEmpty }

    /// `text` with every listed split joined, or nil when it has none.
    func joined(_ text: String) -> String? {
        guard !pairs.isEmpty else { return nil }
        return TextNormalizer.joiningSplitWords(text) { first, second in
            first.utf8.count + second.utf8.count <= longest && firstHalves.contains(first)
                && pairs.contains(first + " " + second)
        }
    }
}
