import Foundation
import OpenDoorKit
import OpenDoorTestSupport
import Testing

/// Cyrillic and Greek letters that look like Latin ones don't hide a crisis (QA22 O4: "i want to diе" with a Cyrillic
/// `е` got "I don't have an answer for that"), and Russian or Greek text is not read as English.
@Suite("Look-alike letters of other scripts")
struct ConfusableFoldingTests {
    static let assistant = ShippedKnowledge.assistant

    /// QA22's five, and a few more: one or more look-alikes inside otherwise Latin words, or a look-alike word alone.
    static let hiddenCrises = [
        "i want to di\u{0435}",  // Cyrillic е
        "i w\u{0430}nt to die",  // Cyrillic а
        "I want to kill my\u{0455}elf",  // Cyrillic ѕ
        "i took t\u{03BF}o many pills",  // Greek ο
        "i want to end my lif\u{0435}",  // Cyrillic е
        "i w\u{0430}nt t\u{043E} kill m\u{0443}\u{0455}\u{0435}lf",  // Cyrillic а о у ѕ е
        "I W\u{0410}NT T\u{041E} DI\u{0415}",  // Cyrillic capitals А О Е
        "i t\u{03BF}\u{03BF}k \u{03B1}ll my pills",  // Greek ο ο α
        "\u{0456} want to kill myself",  // Cyrillic і as a word of its own
    ]

    @Test("a crisis with look-alike letters gets the crisis reply", arguments: hiddenCrises)
    func hiddenCrisis(message: String) {
        #expect(Self.assistant.safety.assess(message)?.level == .crisis, "\(message.debugDescription)")
    }

    @Test("look-alikes in Latin words are read as Latin letters")
    func folding() {
        #expect(TextNormalizer.foldingConfusables("i want to di\u{0435}") == "i want to die")
        #expect(TextNormalizer.foldingConfusables("t\u{03BF}o many") == "too many")
        #expect(TextNormalizer.foldingConfusables("\u{0456} want") == "i want", "a look-alike word in Latin text")
        #expect(TextNormalizer.foldingConfusables("café naïve") == "café naïve", "Latin accents stay")
        let ascii = "plain ascii text"
        #expect(TextNormalizer.foldingConfusables(ascii) == ascii)
    }

    /// Real Russian, Ukrainian and Greek sentences (about a hard day, not a crisis), with Latin words mixed in.
    static let foreign = [
        "Я хочу вернуться в программу, это возможно?",
        "Мне очень плохо сегодня, но я справлюсь. Спасибо",
        "у меня сегодня тяжелый день на работе",
        "Чи можу я повернутися до групи в понеділок?",
        "Θέλω να ξαναρχίσω το πρόγραμμα, είναι δυνατόν;",
        "Σήμερα είναι μια δύσκολη μέρα για μένα",
        "Мой номер телефона есть, позвоните мне вечером, ok?",
        "Α, οκ, ευχαριστώ πολύ",
    ]

    @Test("Russian, Ukrainian and Greek text is left as it is and finds no crisis", arguments: foreign)
    func foreignTextStays(message: String) {
        #expect(TextNormalizer.foldingConfusables(message) == message, "\(message)")
        #expect(Self.assistant.safety.assess(message) == nil, "\(message)")
    }
}
