/// Turns what a visitor typed into plain lowercase words.
///
/// Case is folded; straight, curly and backtick apostrophes are dropped inside a word so that
/// "don’t", "don't" and "dont" meet; every other mark (punctuation, emoji, dashes) separates words.
public enum TextNormalizer {
    /// The words of a text, lowercase, without punctuation.
    ///
    /// A long text's words are kept for a while (`RecentReadings`): one message is read by a dozen checks in a
    /// conversation's reply (the safety follow-ups, the answer kinds, the question test, the matcher), each asking
    /// for its words again; on a 4,000-byte line that was a large part of answering it.
    public static func words(_ text: String) -> [String] {
        recentWords.reading(text, computeWords)
    }

    private static let recentWords = RecentReadings<[String]>(keepsShortInScope: true, capacity: RecentText.shortCapacity)
    private static let recentNormalized = RecentReadings<String>()

    /// The words of a text, read now.
    static func computeWords(_ text: String) -> [String] {
        var words: [String] = []
        words.reserveCapacity(16)
        forEachWord(text) { words.append(String(decoding: $0, as: UTF8.self)) }
        return words
    }

    /// The words of a text joined by single spaces: the form used to compare phrases.
    public static func normalize(_ text: String) -> String {
        // The same bytes as joining `words(text)`, which a long text most likely has kept already.
        if text.utf8.count >= RecentText.shortest {
            return recentNormalized.reading(text) { words($0).joined(separator: " ") }
        }
        var joined: [UInt8] = []
        joined.reserveCapacity(text.utf8.count)
        forEachWord(text) { word in
            if !joined.isEmpty { joined.append(0x20) }
            joined.append(contentsOf: word)
        }
        return String(decoding: joined, as: UTF8.self)
    }

    /// Calls `body` with the UTF-8 bytes of each word in turn.
    ///
    /// Reads the text's UTF-8 bytes directly: ASCII, most of what is typed, needs no decoding, and only
    /// the other characters are decoded to look up their properties. Runs of bytes a word keeps as they are
    /// (a–z, 0–9) are copied into the word at once rather than byte by byte: most of an example's bytes are
    /// such runs, and appending them one at a time was most of this function's time in a knowledge load.
    @inline(__always)
    static func forEachWord(_ text: String, _ body: (ArraySlice<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var current: [UInt8] = []
            current.reserveCapacity(24)
            // Where the run of bytes kept as they are, not yet copied into `current`, starts; -1 when none.
            var run = -1
            func copyRun(upTo end: Int) {
                if run >= 0 {
                    current.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<end]))
                    run = -1
                }
            }
            func flush(at end: Int) {
                copyRun(upTo: end)
                if !current.isEmpty {
                    body(current[...])
                    current.removeAll(keepingCapacity: true)
                }
            }
            var i = 0
            while i < bytes.count {
                let byte = bytes[i]
                if byte < 0x80 {
                    switch byte {
                    case 0x61...0x7A, 0x30...0x39:  // a–z, 0–9
                        if run < 0 { run = i }
                    case 0x41...0x5A:  // A–Z
                        copyRun(upTo: i)
                        current.append(byte + 0x20)
                    case 0x27, 0x60:  // apostrophes join the word
                        copyRun(upTo: i)
                    default:
                        flush(at: i)
                    }
                    i += 1
                    continue
                }
                copyRun(upTo: i)
                let (scalar, length) = decode(bytes, at: i)
                i += length
                switch scalar.value {
                case 0x2018, 0x2019, 0x02BC:  // curly and modifier apostrophes join the word
                    continue
                default:
                    if isAlphabetic(scalar) {
                        // The same bytes as the mapping's scalars one by one, without a String for each.
                        current.append(contentsOf: scalar.properties.lowercaseMapping.utf8)
                    } else {
                        flush(at: i)
                    }
                }
            }
            flush(at: bytes.count)
        }
    }

    /// The scalar whose UTF-8 encoding starts at `i` (a lead byte of valid UTF-8), and its length.
    @inline(__always)
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(bytes[i])
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var value = lead & (lead >= 0xF0 ? 0x07 : lead >= 0xE0 ? 0x0F : 0x1F)
        for k in 1..<length { value = value << 6 | (UInt32(bytes[i + k]) & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }
}
