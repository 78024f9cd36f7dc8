extension Character {
    /// Whether this character is one of `marks` (ASCII punctuation, e.g. `",.;!\n"`): what `marks.contains(self)`
    /// says, without comparing strings.
    ///
    /// Comparing characters normalizes both; on a line of 1,300 accented letters written with combining marks that
    /// was most of answering it (5 ms, in the clause splits of the replies' checks). Only a character of one scalar
    /// can equal an ASCII mark, and of those, beside the mark itself, only U+037E GREEK QUESTION MARK, which is
    /// canonically a semicolon.
    func isOne(of marks: String) -> Bool {
        var scalars = unicodeScalars.makeIterator()
        guard let scalar = scalars.next(), scalars.next() == nil else { return false }
        let value = scalar.value == 0x037E ? 0x3B : scalar.value
        return value < 0x80 && marks.utf8.contains(UInt8(value))
    }
}
