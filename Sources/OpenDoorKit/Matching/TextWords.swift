/// A text's words as `TextNormalizer` reads them, one after the other in one buffer.
///
/// Two texts have equal words exactly when their ``TextNormalizer/normalize(_:)`` forms are equal (words hold no
/// space, and the normalized form joins them with one), so the loader's duplicate check compares these.
struct TextWords: Sendable, Hashable {
    private var bytes: [UInt8] = []
    /// Where each word ends in `bytes`.
    private(set) var ends: [Int] = []

    init(_ text: String) {
        bytes.reserveCapacity(text.utf8.count)
        TextNormalizer.forEachWord(text) { word in
            bytes.append(contentsOf: word)
            ends.append(bytes.count)
        }
    }

    /// Calls `body` with each word's bytes, in order.
    func forEach(_ body: (ArraySlice<UInt8>) -> Void) {
        var start = 0
        for end in ends {
            body(bytes[start..<end])
            start = end
        }
    }
}

/// One intent's examples and their words, read by the loader (see ``Knowledge/exampleWords``).
struct ExampleWords: Sendable {
    /// The examples the words were read from.
    var examples: [String]
    /// Each example's words, in order.
    var words: [TextWords]
}
