/// Crisis words with letters hidden behind `*` or `#` ("i want to k**l myself", "s**cide", "k#ll"; QA28), read as the
/// one crisis word they can be: one more reading for the crisis check (``CrisisDetector``), beside the text as typed.
///
/// A masked word is a run of letters and masks that starts with a letter, has one mask or more and at least as many
/// letters as masks. Each mask stands for one letter: the word is read as the crisis word of `split_words:` (the
/// words people hide) of the same length whose letters stand where the run's letters do, when exactly one does
/// ("k**l" is "kill"; "sh*t", "f**k" are none, so nothing changes). `*` alone between letters is already read as
/// "i" by ``TextNormalizer/unmasked(_:)`` ("k*ll"), which is close enough for typo tolerance with one mask only.
/// Cost: one pass over the bytes; a masked word is compared with each listed word of its length.
struct MaskedWords: Sendable {
    /// The crisis words, lowercase ASCII letters, by length.
    private let wordsByLength: [Int: [[UInt8]]]

    /// Masked runs longer than this are left as typed (no listed word is longer).
    private let longest: Int

    init(_ words: [String]) {
        var byLength: [Int: [[UInt8]]] = [:]
        for word in Set(words) where word.utf8.allSatisfy({ (0x61...0x7A).contains($0) }) {
            byLength[word.utf8.count, default: []].append(Array(word.utf8))
        }
        self.wordsByLength = byLength
        self.longest = byLength.keys.max() ?? 0
    }

    /// `text` with each masked word read as the one crisis word it fits, or nil when none is.
    func unmasked(_ text: String) -> String? {
        // Almost every message has no mask: look before copying it (this runs on every message the rules pass).
        guard text.utf8.contains(where: Self.isMask) else { return nil }
        let bytes = Array(text.utf8)
        var read: [UInt8] = []
        var copied = 0
        var start = 0
        while start < bytes.count {
            guard Self.isLetter(bytes[start]), start == 0 || !Self.isPart(bytes[start - 1]) else {
                start += 1
                continue
            }
            var end = start
            var masks = 0
            while end < bytes.count, Self.isPart(bytes[end]) {
                if Self.isMask(bytes[end]) { masks += 1 }
                end += 1
            }
            let length = end - start
            if masks > 0, masks * 2 <= length, length <= longest, let word = fitting(bytes[start..<end]) {
                read += bytes[copied..<start]
                read += word
                copied = end
            }
            start = end
        }
        guard copied > 0 else { return nil }
        read += bytes[copied...]
        return String(decoding: read, as: UTF8.self)
    }

    /// The one listed word `run` (letters and masks) fits, or nil when none or several do.
    private func fitting(_ run: ArraySlice<UInt8>) -> [UInt8]? {
        var found: [UInt8]? = nil
        for word in wordsByLength[run.count] ?? [] {
            let fits = zip(run, word).allSatisfy { typed, letter in Self.isMask(typed) || typed | 0x20 == letter }
            guard fits else { continue }
            if found != nil { return nil }
            found = word
        }
        return found
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(byte | 0x20) }
    private static func isMask(_ byte: UInt8) -> Bool { byte == 0x2A || byte == 0x23 }
    private static func isPart(_ byte: UInt8) -> Bool { isLetter(byte) || isMask(byte) }
}
