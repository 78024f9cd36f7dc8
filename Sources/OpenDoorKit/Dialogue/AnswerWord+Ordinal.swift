extension AnswerWord {
    /// The kind's place in `allCases` (its declaration order), read from the enum's tag: what `StepAnswer` indexes its
    /// tables by. A dictionary keyed by the kind hashes its `rawValue` string on every lookup (a `String`-backed enum's
    /// `Hashable` is its raw value's), which cost ~3% of answering an ordinary question (round 27). `StepAnswer`'s
    /// initializer checks that this is the place in `allCases`, and a test does too.
    @inline(__always)
    var ordinal: Int {
        // A payload-free enum of up to 256 cases is stored as one byte holding its case's index.
        MemoryLayout<AnswerWord>.size == 1
            ? Int(unsafeBitCast(self, to: UInt8.self))
            : AnswerWord.allCases.firstIndex(of: self)!
    }
}
