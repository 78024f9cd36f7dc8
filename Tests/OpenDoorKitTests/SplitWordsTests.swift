import Testing

@testable import OpenDoorKit

/// Round 24 (QA26): a crisis word split by a space inside it ("kil l", "k ill", "su icide") is read joined, only where
/// a half is no word of its own, or where the file lists the split ("over dose"). Messages written for these tests.
@Suite("Split words")
struct SplitWordsTests {
    private var safety: CrisisDetector { ConversationTests.assistant.safety }

    /// A table where "ill", "over", "dose", "sui" and "cide" are ordinary words, "k", "kil", "ki", "su" are not.
    private static let table = SplitWords(["kill", "suicide", "overdose"]) { half, _ in
        ["ill", "over", "dose", "sui", "cide", "i", "want", "to", "myself", "s"].contains(half)
    }

    @Test(
        "Two halves of a listed word, one of them no word, are joined; the rest of the text is kept",
        arguments: [
            ("i want to kil l myself", "i want to kill myself"), ("ki ll myself", "kill myself"),
            ("K ill myself.", "Kill myself."), ("su icide", "suicide"), ("suic ide", "suicide"),
            ("kil l  myself", "kill  myself"),
        ])
    func joined(_ pair: (String, String)) {
        #expect(Self.table.joined(pair.0) == pair.1)
    }

    @Test(
        "Nothing is joined where the halves are both words, make no listed word, or are cut by more than spaces",
        arguments: [
            "i want to kill myself", "my s kill s", "went over dose amounts", "sui cide", "kil, l", "k1 ll", "don't ill",
            "nothing here", "kill",
        ])
    func notJoined(_ text: String) {
        #expect(Self.table.joined(text) == nil, "\(text)")
    }

    @Test(
        "The crisis check reads a split crisis word as the word (round 27: also beside a lone letter, or a misspelled stem)",
        arguments: [
            "i want to kil l myself", "ki ll myself", "k ill myself", "i just want to kil l my self",
            "gonna e nd it all tonight", "gonna e nd it al l tonight",
            "i keep thinking about kil ling myself", "i o d'd on my moms pills an hour ago",
            "i think i o d’d, my chest feels weird",
        ])
    func crisisFound(_ message: String) throws {
        let found = try #require(safety.assess(message), "\(message)")
        #expect(found.level == .crisis, "\(message)")
    }

    @Test(
        "A split that makes no crisis word stays calm; ordinary words split or spelled out too (round 27)",
        arguments: [
            "i want to work on my s kill s in group", "o k ill be there at 5", "k ill be there at 6, save me a seat",
            "k ill try to make it tuesday", "s kill issue lol, can i come back",
            "got an o d d schedule this week, is there a late group", "is the e nd of the month ok for intake",
            "pill ow fight at sober living last night lol", "my d i e t is going well, can i still come to group",
            "we had a s u i c i d e prevention talk in group",
        ])
    func calm(_ message: String) {
        #expect(safety.assess(message) == nil, "\(message)")
    }
}
