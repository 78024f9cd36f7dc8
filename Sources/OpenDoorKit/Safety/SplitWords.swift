/// The crisis words the check reads when a space splits them in two ("i want to kil l myself", "k ill myself",
/// "su icide"; `split_words:` in `Knowledge/safety.yaml`), as the pairs of halves that are read joined.
///
/// A split is read joined only where a half is no ordinary word in that place (`isOrdinary`, given the half and the
/// word split): "kil l", "ki ll", "k ill" (one letter is no word, so "ill" is no "I'll" there) and "su icide" are;
/// "over dose", both of whose halves are words, is not, and "s kill" makes "skill", no crisis word. The joined text
/// is one more reading for the check (``CrisisDetector``), beside the text as typed, so a split can add a finding
/// and never take one away.
struct SplitWords: Sendable {
    /// Every split read joined, as ``key(_:_:)`` of its two halves: no text is built for a pair of words that is none.
    private let pairs: Set<UInt64>

    /// The splits of `entries` (`split_words:`) with a half that `isOrdinary(half, entry)` says is no ordinary word.
    init(_ entries: [String], isOrdinary: (String, String) -> Bool) {
        var pairs = Set<UInt64>()
        for entry in entries {
            let bytes = Array(entry.utf8)
            guard bytes.count >= 3 else { continue }
            for cut in 1..<bytes.count {
                let first = String(decoding: bytes[..<cut], as: UTF8.self)
                let second = String(decoding: bytes[cut...], as: UTF8.self)
                guard !(isOrdinary(first, entry) && isOrdinary(second, entry)),
                    let key = Self.key(bytes[..<cut], bytes[cut...])
                else { continue }
                pairs.insert(key)
            }
        }
        self.pairs = pairs
    }

    /// Whether no split is read.
    var isEmpty: Bool { pairs.isEmpty }

    /// `text` with every listed split joined, or nil when it has none.
    func joined(_ text: String) -> String? {
        guard !pairs.isEmpty else { return nil }
        return TextNormalizer.joiningSplitWords(text) { first, second in contains(first, second) }
    }

    /// `text` with every listed split joined, and every pair of words `alsoJoins` says is one word split, or nil when
    /// it has none.
    func joined(
        _ text: String, alsoJoining alsoJoins: (ArraySlice<UInt8>, ArraySlice<UInt8>) -> Bool
    ) -> String? {
        TextNormalizer.joiningSplitWords(text) { first, second in
            contains(first, second) || alsoJoins(first, second)
        }
    }

    /// Whether `first` and `second` are the halves of a listed split.
    func contains(_ first: ArraySlice<UInt8>, _ second: ArraySlice<UInt8>) -> Bool {
        Self.key(first, second).map(pairs.contains) ?? false
    }

    /// The two halves' letters, lowercased, five bits each, and where the cut is: one number for a split of a word of
    /// up to 11 letters (nil for a longer one, or for anything but ASCII letters).
    static func key<First: Collection<UInt8>, Second: Collection<UInt8>>(_ first: First, _ second: Second) -> UInt64? {
        guard first.count + second.count <= 11 else { return nil }
        var key = UInt64(first.count)
        for byte in first {
            let letter = byte | 0x20
            guard letter >= 0x61, letter <= 0x7A else { return nil }
            key = key << 5 | UInt64(letter - 0x60)
        }
        for byte in second {
            let letter = byte | 0x20
            guard letter >= 0x61, letter <= 0x7A else { return nil }
            key = key << 5 | UInt64(letter - 0x60)
        }
        return key
    }
}
