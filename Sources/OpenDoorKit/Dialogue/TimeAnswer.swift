/// A best time as the visitor said it: the words to read back and keep ("after 5 on weekdays"), and the
/// ``BestTime`` it falls in, for sorting.
struct TimeAnswer: Hashable {
    /// The longest answer kept as said, in characters.
    static let maximumLength = 60

    /// The part of the day, for sorting and filtering.
    var time: BestTime
    /// What the visitor said, when it says more than the part of the day ("after 5 on weekdays", not
    /// "evening" or an option's number).
    var said: String?

    /// Reads an answer; nil when it names no time.
    ///
    /// A part of the day is read by ``BestTime/parse(_:)``; "not before noon" is read as "after noon". Failing
    /// that, hours ("between 2 and 4", "mon-fri 9-5") give the part of the day they fall in (any time when they
    /// span more than one), and days or "as soon as possible" (`dialogue.yaml`'s `days` and `soon`) give any
    /// time; either way the answer is kept as said.
    init?(_ text: String, options: [String], words: StepAnswer? = nil) {
        guard let time = BestTime.parse(Self.turningNegations(text)) ?? words.flatMap({ Self.loosely(text, $0) })
        else { return nil }
        self.time = time
        let normalized = TextNormalizer.normalize(text)
        let plain = Set([time.displayName, time.rawValue] + options.map(TextNormalizer.normalize))
        if plain.contains(normalized) || normalized.allSatisfy({ $0.isNumber || $0 == " " }) {
            said = nil
        } else {
            said = CallbackDraft.normalizedName(text).map { String($0.prefix(Self.maximumLength)) }
        }
    }

    /// "not before noon" as "after noon", "not after 6" as "before 6".
    private static func turningNegations(_ text: String) -> String {
        let words = TextNormalizer.words(text)
        guard words.contains("before") || words.contains("after") else { return text }
        var turned: [String] = []
        for word in words {
            if let last = turned.last, ["not", "no", "never"].contains(last), word == "before" || word == "after" {
                turned[turned.count - 1] = word == "before" ? "after" : "before"
            } else {
                turned.append(word)
            }
        }
        return turned.joined(separator: " ")
    }

    /// Hours, days or "as soon as possible" when no part of the day is named.
    private static func loosely(_ text: String, _ words: StepAnswer) -> BestTime? {
        let hours = TextNormalizer.words(text).compactMap { Int($0) }.filter { (1...12).contains($0) }
        if !hours.isEmpty {
            let parts = Set(hours.compactMap { hour -> BestTime? in
                switch hour {
                case 7...11: .morning
                case 12, 1...4: .afternoon
                case 5...9: .evening
                default: nil
                }
            })
            // One hour alone could be a menu number; hours with days, or two of them, are times.
            if hours.count >= 2 || words.contains(text, .days) {
                return parts.count == 1 ? parts.first : .any
            }
        }
        if words.contains(text, .days) || words.contains(text, .soon) { return .any }
        return nil
    }

    /// How the request reads it back: the visitor's words with the part of the day, or the part alone.
    var display: String {
        guard let said else { return time.displayName }
        return TextNormalizer.normalize(said) == time.displayName ? said : "\(said) (\(time.displayName))"
    }
}
