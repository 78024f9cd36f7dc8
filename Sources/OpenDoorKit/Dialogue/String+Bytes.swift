#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension String {
    /// Whether `other` occurs in the string, byte for byte (UTF-8); true for an empty `other`.
    ///
    /// For looking up a phrase of words in a message's words joined by spaces (`" " + words + " "`), where
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
                return memmem(start, haystack.count, pattern, needle.count) != nil
            }
        }
    }
}
