/// How many clauses of one message are read one by one (by the matcher, or by the crisis check).
///
/// A real message asks two to four questions; a line within the length limit can hold hundreds of short ones ("is
/// it ok? is it ok? …"). Each clause read costs a match or a check, so the clauses read are the first few that
/// would be, and a few thousand characters of them at most: the work per message stays a handful of matches
/// whatever the line holds.
extension Conversation {
    /// The most clauses of one message read one by one.
    static let mostClausesRead = 6
    /// The most characters (UTF-8 bytes) the clauses read may have together: a clause that would pass it is
    /// skipped, so a few clauses of a thousand characters each cost no more than a few short ones.
    static let mostClauseBytesRead = 1_200

    /// The first of `clauses` that `reads` accepts, in order: at most ``mostClausesRead`` of them, and
    /// ``mostClauseBytesRead`` bytes together. `reads` is asked only until that many are found.
    static func clausesRead(_ clauses: some Sequence<String>, where reads: (String) -> Bool) -> [String] {
        var read: [String] = []
        var bytes = 0
        for clause in clauses {
            guard read.count < mostClausesRead else { break }
            guard bytes + clause.utf8.count <= mostClauseBytesRead, reads(clause) else { continue }
            read.append(clause)
            bytes += clause.utf8.count
        }
        return read
    }
}
