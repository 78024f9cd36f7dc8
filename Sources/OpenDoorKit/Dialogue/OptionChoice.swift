/// A typed number read against the options last shown: "2" picks the second, "5" of two is out of range.
enum OptionChoice: Equatable {
    /// The option picked.
    case picked(String)
    /// A number, but not one of the options': the visitor is asked to pick one of those shown.
    case outOfRange

    /// The choice a message makes, or nil when it is not a bare number ("2", "#2", "2.") or nothing was offered.
    init?(_ message: String, options: [String]) {
        // Cheap checks first: this runs on every message.
        guard !options.isEmpty, message.utf8.count <= 4,
            let number = Int(String(message.filter { !$0.isOne(of: ".)# ") }))
        else { return nil }
        self = (1...options.count).contains(number) ? .picked(options[number - 1]) : .outOfRange
    }

    /// The option picked, if one was.
    var picked: String? {
        if case .picked(let option) = self { option } else { nil }
    }

    /// The numbers on offer in words, like "1 or 2" or "1, 2, 3 or 4" (`or` from the knowledge).
    static func numbers(_ count: Int, or: String) -> String {
        guard count > 1 else { return "1" }
        return (1..<count).map(String.init).joined(separator: ", ") + " \(or) \(count)"
    }
}
