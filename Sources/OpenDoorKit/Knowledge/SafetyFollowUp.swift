/// A question a visitor asks about the situation a crisis reply was about ("should i let him sleep it off", "where
/// can i go tonight", "what should i say to her"), answered from `dialogue.yaml`'s `safety_follow_ups` with the
/// numbers again: never the program's copy, never "I don't have an answer".
public struct SafetyFollowUp: Sendable, Hashable {
    /// The situations it answers in.
    public var after: [SafetySituationKind]
    /// The phrases that pick it, normalized, looked for anywhere in a message.
    public var asks: [String]
    /// The reply, center facts filled in.
    public var reply: String
    /// Whether the reply closes the crisis told (`settles: true`: "he made it, hes home and resting" after someone
    /// else's overdose): the messages after it are read as usual, not as follow-ups of the emergency.
    public var settles: Bool

    /// Creates a follow-up.
    public init(after: [SafetySituationKind], asks: [String], reply: String, settles: Bool = false) {
        self.after = after
        self.asks = asks
        self.reply = reply
        self.settles = settles
    }
}

/// Which situations a follow-up answers in, as written under `after:`: a crisis category (`overdose`: whoever it
/// is about), the category about someone else (`overdose_someone_else`) or about the visitor (`overdose_self`), or
/// `someone_else` (any crisis about another person).
public struct SafetySituationKind: Sendable, Hashable, CustomStringConvertible {
    /// The category it is about; nil for any.
    public var category: CrisisCategory?
    /// Whether the crisis is someone else's (true), the visitor's own (false), or either (nil).
    public var someoneElse: Bool?

    /// Reads `overdose`, `overdose_someone_else`, `overdose_self` or `someone_else`; nil for anything else.
    public init?(_ text: String) {
        if text == "someone_else" {
            category = nil
            someoneElse = true
            return
        }
        for category in CrisisCategory.allCases {
            switch text {
            case category.rawValue: someoneElse = nil
            case category.rawValue + "_someone_else": someoneElse = true
            case category.rawValue + "_self": someoneElse = false
            default: continue
            }
            self.category = category
            return
        }
        return nil
    }

    /// Whether it covers a crisis of `category`, someone else's or the visitor's own.
    public func covers(_ category: CrisisCategory, someoneElse: Bool) -> Bool {
        (self.category == nil || self.category == category) && (self.someoneElse == nil || self.someoneElse == someoneElse)
    }

    /// The words every kind can be written as, for error messages.
    public static var spellings: [String] {
        ["someone_else"] + CrisisCategory.allCases.flatMap { [$0.rawValue, $0.rawValue + "_someone_else", $0.rawValue + "_self"] }
    }

    /// As written in dialogue.yaml.
    public var description: String {
        guard let category else { return "someone_else" }
        switch someoneElse {
        case nil: return category.rawValue
        case true?: return category.rawValue + "_someone_else"
        case false?: return category.rawValue + "_self"
        }
    }
}
