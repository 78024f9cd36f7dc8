/// A larger knowledge made from a real one, to measure how matching cost grows with the knowledge.
///
/// Each copy of each intent keeps some of its real words and swaps the rest for made-up words that are
/// consistent within the copy, as if another hundred topics had been written with their own vocabulary
/// and the usual shared words.
public enum SyntheticKnowledge {
    /// The knowledge with `factor` times as many intents and examples.
    public static func scaled(_ knowledge: Knowledge, factor: Int, keepRealWords: Double = 0.3, seed: UInt64 = 42)
        -> Knowledge
    {
        var generator = SplitMix64(seed: seed)
        var intents = knowledge.intents
        for copy in 1..<max(factor, 1) {
            var invented: [String: String] = [:]
            func rewrite(_ text: String) -> String {
                TextNormalizer.words(text).map { word in
                    if let made = invented[word] { return made }
                    let keep = Double(generator.next() % 1000) / 1000 < keepRealWords
                    let made = keep ? word : inventWord(&generator)
                    invented[word] = made
                    return made
                }.joined(separator: " ")
            }
            for intent in knowledge.intents {
                var clone = intent
                clone.id = IntentID(rawValue: "\(intent.id)_\(copy)")
                clone.heading = rewrite(intent.heading) + " \(copy)"
                clone.label = clone.heading
                clone.examples = intent.examples.map(rewrite)
                clone.exampleLocations = intent.exampleLocations
                clone.followUps = []
                intents.append(clone)
            }
        }
        return Knowledge(
            center: knowledge.center, intents: intents, vocabulary: knowledge.vocabulary,
            dialogue: knowledge.dialogue)
    }

    private static let consonants = Array("bcdfghjklmnprstvwz")
    private static let vowels = Array("aeiou")

    private static func inventWord(_ generator: inout SplitMix64) -> String {
        let syllables = 2 + Int(generator.next() % 2)
        var word = ""
        for _ in 0..<syllables {
            word.append(consonants[Int(generator.next() % UInt64(consonants.count))])
            word.append(vowels[Int(generator.next() % UInt64(vowels.count))])
        }
        word.append(consonants[Int(generator.next() % UInt64(consonants.count))])
        return word
    }
}

/// A small, fast, seeded random number generator, so synthetic data is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
