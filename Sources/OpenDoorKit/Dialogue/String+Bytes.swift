#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension String {
    /// Whether `other` occurs in the string, byte for byte (UTF-8); true for an empty `other`.
    ///
    /// For looking up a phrase of a few words in a message's words joined by spaces (`" " + words + " "`), where
    /// Foundation's `contains` compares characters and converts to UTF-16 on every call: on a 4 KB line of
    /// random two-letter words, which has the first word of most phrases, those searches were a third of the
    /// reply's time (QA20). The words are the normalizer's, so comparing bytes finds the same phrases.
    func containsBytes(of other: String) -> Bool {
        var text = self
        var other = other
        return text.withUTF8 { haystack in
            other.withUTF8 { needle in
                guard !needle.isEmpty else { return true }
                guard needle.count <= haystack.count, let start = haystack.baseAddress, let pattern = needle.baseAddress
                else { return false }
                // The needles are a few words: a scan for the first byte, then memcmp, is linear enough.
                let first = pattern.pointee
                var i = 0
                while i <= haystack.count - needle.count {
                    if start[i] == first, memcmp(start + i, pattern, needle.count) == 0 { return true }
                    i += 1
                }
                return false
            }
        }
    }
}
