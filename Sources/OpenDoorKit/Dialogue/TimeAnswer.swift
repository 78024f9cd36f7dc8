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

    /// Reads an answer; nil when it names no time (see ``BestTime/parse(_:)``).
    init?(_ text: String, options: [String]) {
        guard let time = BestTime.parse(text) else { return nil }
        self.time = time
        let words = TextNormalizer.normalize(text)
        let plain = Set([time.displayName, time.rawValue] + options.map(TextNormalizer.normalize))
        if plain.contains(words) || words.allSatisfy({ $0.isNumber || $0 == " " }) {
            said = nil
        } else {
            said = CallbackDraft.normalizedName(text).map { String($0.prefix(Self.maximumLength)) }
        }
    }

    /// How the request reads it back: the visitor's words with the part of the day, or the part alone.
    var display: String {
        guard let said else { return time.displayName }
        return TextNormalizer.normalize(said) == time.displayName ? said : "\(said) (\(time.displayName))"
    }
}
