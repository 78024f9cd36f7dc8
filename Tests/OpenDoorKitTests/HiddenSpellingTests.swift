import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// QA23 O1: the look-alikes and separators round 22's folding missed still get the crisis reply: Cyrillic `м` and
/// Greek `μ` for m, small capitals, `I` and `ǀ` for l, Hangul fillers and zero-width spaces as the only separators,
/// right-to-left-override text; and normal Russian, Greek and Korean sentences are not changed into a crisis.
@Suite("Look-alikes and hidden separators (QA23 O1)")
struct HiddenSpellingTests {
    static let assistant = ShippedKnowledge.assistant

    static let hiddenCrises = [
        "i want to kill \u{043C}yself",  // Cyrillic м
        "i want to kill \u{03BC}yself",  // Greek μ
        "i want to kill \u{00B5}yself",  // the micro sign, NFKC's μ
        "i\u{3164}want\u{3164}to\u{3164}kill\u{3164}myself",  // Hangul filler as every space
        "i\u{FFA0}want\u{FFA0}to\u{FFA0}kill\u{FFA0}myself",  // halfwidth Hangul filler
        "i\u{3164}took\u{3164}too\u{3164}many\u{3164}pills",
        "i\u{200B}want\u{200B}to\u{200B}end\u{200B}my\u{200B}life",  // zero-width space as the only separator
        "i want to \u{1D0B}\u{026A}\u{029F}\u{029F} \u{1D0D}\u{028F}s\u{1D07}\u{029F}\u{0493}",  // small capitals
        "i want to kiII myself",  // capital I for l
        "i want to ki\u{01C0}\u{01C0} myself",  // ǀ (U+01C0) for l
        "\u{202E}fles ym llik ot tnaw i\u{202C}",  // right-to-left override: shows as "i want to kill myself"
        "sui\u{200B}ci\u{200B}de",  // two invisible characters inside one word (QA29 S1-2)
        "su\u{00AD}ic\u{00AD}ide",  // soft hyphens
        "over\u{2060}do\u{2060}se",  // word joiners
        "i want to d , i , e",  // commas between letters spelled out (QA29 S1-4)
        "k ; i ; l ; l myself",  // semicolons
    ]

    @Test("a crisis hidden by look-alikes or invisible separators gets the crisis reply", arguments: hiddenCrises)
    func hiddenCrisis(message: String) {
        #expect(Self.assistant.safety.assess(message)?.level == .crisis, "\(message.debugDescription)")
    }

    @Test("invisible characters are separators only where they are the only ones; RLO text reads as shown")
    func spellings() {
        #expect(TextNormalizer.folded("i\u{3164}want\u{3164}to") == "i want to", "a Hangul filler shows as a blank")
        #expect(TextNormalizer.folded("i\u{200B}want\u{200B}to") == "i want to", "the only separators")
        #expect(TextNormalizer.folded("i want to ki\u{200B}ll") == "i want to kill", "inside a word, among spaces")
        #expect(TextNormalizer.folded("ki\u{200B}ll") == "kill", "one run in one word")
        #expect(TextNormalizer.hiddenSpellings("\u{202E}olleh\u{202C} there") == ["hello there"], "as shown (QA24 S1-2)")
        #expect(TextNormalizer.hiddenSpellings("what are your hours") == [], "ASCII: nothing to try")
        #expect(TextNormalizer.hiddenSpellings("I want to come back") == [], "a capital I at a word's start stays")
        #expect(TextNormalizer.hiddenSpellings("kiII") == ["kill"])
        #expect(TextNormalizer.hiddenSpellings("sui\u{200B}ci\u{200B}de") == ["suicide"], "two runs, one word")
        #expect(TextNormalizer.hiddenSpellings("ki\u{200B}ll") == [], "one run: folding already joins it")
        #expect(TextNormalizer.hiddenSpellings("i want\u{200B}to\u{200B}go") == [], "spaces: folding drops them")
    }

    /// Normal text in the scripts the new look-alikes come from, and Korean, with no crisis in it.
    static let foreign = [
        "Мама сказала, что мы можем прийти в понедельник",
        "Я сам позвоню вам завтра утром",
        "Μου αρέσει πολύ το πρόγραμμα, μπορώ να ξαναρθώ;",
        "μια μέρα θα τα καταφέρω",
        "안녕하세요, 다음 주에 다시 갈 수 있나요?",
        "오늘은 조금 힘든 하루였어요 그래도 괜찮아요",
        "McIntosh Street is where I live",
    ]

    @Test("Russian, Greek and Korean sentences find no crisis", arguments: foreign)
    func foreignTextStays(message: String) {
        #expect(Self.assistant.safety.assess(message) == nil, "\(message)")
    }

    @Test("the new look-alikes fold only in Latin words or mostly Latin text")
    func folding() {
        #expect(TextNormalizer.foldingConfusables("kill \u{043C}yself") == "kill myself")
        #expect(TextNormalizer.foldingConfusables("to \u{1D0B}\u{026A}\u{029F}\u{029F}") == "to kill")
        let russian = "Я сам позвоню вам завтра"
        #expect(TextNormalizer.foldingConfusables(russian) == russian)
    }
}

/// QA25 O S1-2: the usual ways of masking a word from a filter (digits for letters, marks or emoji inside a word, one
/// letter at a time) still get the crisis reply; the same marks in ordinary messages find nothing.
@Suite("Masked words (QA25 O S1-2)")
struct MaskedWordTests {
    static let assistant = ShippedKnowledge.assistant

    static let maskedCrises = [
        "i want to k1ll myself", "i want to d1e", "i want to ki11 myself", "i want to k!ll myself",
        "i want to k i l l myself", "i want to d.i.e", "I want to k-i-l-l myself", "k.i.l.l myself tonight",
        "i want to k\u{1F52A}ill myself", "im going to k_i_l_l my$elf", "i w4nt t0 d13", "thinking about $uicide",
        "i want to d i e", "i took all my p1lls", "i want to k*ll myself", "thinking about s*icide a lot",
        "i took 4ll my pills", "i think i 0verd0sed",
        // QA27 ops S1-2: marks set off by blanks between single letters, full-width digits.
        "gonna d . i . e tonight", "k . i . l . l myself", "i want to d - i - e", "gonna k / i / l / l myself",
        "\u{FF4B}\u{FF11}\u{FF4C}\u{FF4C} myself", "i want to s . u . i . c . i . d . e",
        // QA28: marks attached to the letters, `*` between them, and a masked word split by a space.
        "i want to d- i- e", "i want to d. i. e.", "i want to d * i * e", "i wanna k1ll mys elf",
    ]

    @Test("a masked crisis gets a crisis finding", arguments: maskedCrises)
    func maskedCrisis(message: String) {
        #expect(Self.assistant.safety.assess(message) != nil, "\(message)")
    }

    static let ordinary = [
        "can i come back at 5pm on the 1st", "my number is 404-555-0123", "i take 2.5mg of it, is that ok",
        "i want to come back to IOP in the u.s.", "a b c easy as 1 2 3", "is the 7am group still on",
        "what's the e-mail for intake", "my kid's name is j.j. and he's 4", "help! can i come back",
        "don’t know if i can come back", "I’m 45 and i left in march", "i *really* want to come back",
        "im gonna sh*t myself waiting for this call lol", "see you at 5pm, 4ever grateful", "1st time back, 3rd try",
        "a - b - c, easy as that", "plan a / b / c for coming back", "group is m - w - f at 5pm",
        "\u{FF11}\u{FF53}\u{FF54} time back",
    ]

    @Test("ordinary messages with digits, marks and single letters find nothing", arguments: ordinary)
    func ordinaryStays(message: String) {
        #expect(Self.assistant.safety.assess(message) == nil, "\(message)")
    }

    @Test("the readings")
    func readings() {
        #expect(TextNormalizer.hiddenSpellings("i want to k1ll myself") == ["i want to kill myself"])
        #expect(TextNormalizer.hiddenSpellings("ki11") == ["kill"])
        #expect(TextNormalizer.hiddenSpellings("k i l l myself") == ["kill myself"])
        #expect(TextNormalizer.hiddenSpellings("d.i.e now") == ["die now"])
        #expect(TextNormalizer.hiddenSpellings("k\u{1F52A}ill") == ["kill"])
        #expect(TextNormalizer.hiddenSpellings("5pm on the 1st, 800mg") == [], "a word starting with digits keeps them")
        #expect(TextNormalizer.hiddenSpellings("call 404-555-0123 or 2.5") == [], "between digits marks stay")
        #expect(TextNormalizer.hiddenSpellings("help! can i come back") == [], "! ends a word")
        #expect(TextNormalizer.hiddenSpellings("hello. how are you") == [], "a sentence end is not inside a word")
        #expect(TextNormalizer.hiddenSpellings("we talked about self-harm") == [], "a compound is a word as usual")
        #expect(TextNormalizer.hiddenSpellings("s.u.i.c.i.d.e") == ["suicide"])
        #expect(
            TextNormalizer.hiddenSpellings("im gonna sh*t myself lol") == ["im gonna shit myself lol"],
            "* stands for a letter left out, never a mark to read through (\"sht\")")
        #expect(TextNormalizer.hiddenSpellings("i took 4ll my pills") == ["i took all my pills"])
        #expect(TextNormalizer.hiddenSpellings("i *really* want to come back") == [], "* around a word stays")
        #expect(TextNormalizer.hiddenSpellings("d . i . e") == ["die"], "marks set off by blanks")
        #expect(TextNormalizer.hiddenSpellings("k - i - l - l me") == ["kill me"])
        #expect(TextNormalizer.hiddenSpellings("\u{FF4B}\u{FF11}\u{FF4C}\u{FF4C}") == ["kill"], "full-width digits")
        #expect(TextNormalizer.hiddenSpellings("a b") == [], "two letters with only a blank are no word (\"u r\")")
        #expect(TextNormalizer.hiddenSpellings("o / d") == ["od"], "two letters with a mark between them (QA28)")
        #expect(TextNormalizer.hiddenSpellings("d , i , e") == ["die"], "commas between letters spelled out (QA29)")
        #expect(TextNormalizer.hiddenSpellings("d;i;e") == ["die"], "semicolons (QA29)")
        #expect(TextNormalizer.hiddenSpellings("a, b, or c") == [], "a list of options: the \"or\" ends the run")
        #expect(TextNormalizer.hiddenSpellings("to d- i- e") == ["to die"], "marks attached to the letters")
        #expect(TextNormalizer.hiddenSpellings("to d * i * e") == ["to die"], "* between single letters")
    }
}
