/// Facts about the center (name, phone, location…) that replies name as `{center.KEY}`.
///
/// They live in one file, `center.yaml`, so another center changes one file and keeps the engine.
public struct CenterFacts: Sendable, Hashable {
    /// Every fact by its key.
    public var values: [String: String]

    /// The keys every center must define, because the engine's own replies use them.
    public static let requiredKeys: [String] = ["name", "phone"]

    /// Creates facts from their values.
    public init(values: [String: String]) {
        self.values = values
    }

    /// The center's name, e.g. "The Carter Treatment Center".
    public var name: String { values["name"] ?? "" }
    /// The center's phone number as people read it, e.g. "(470) 284-1834".
    public var phone: String { values["phone"] ?? "" }

    /// What is wrong with a fact's value, for the loader to report at its line; nil when nothing is.
    ///
    /// `phone` must read as a number a visitor can dial (the engine's own parsing, as for a callback number):
    /// it is in every crisis reply, and a typo there would send people nowhere.
    public static func problem(key: String, value: String) -> String? {
        guard key == "phone" else { return nil }
        let words = value.lowercased().split { !$0.isLetter }
        guard PhoneNumber.parse(value) != nil, words.allSatisfy({ ["ext", "x", "extension"].contains($0) }) else {
            return "`phone` must be a phone number people can dial, like `(470) 284-1834` "
                + "(or `(470) 284-1834 ext. 12`); replies give it to visitors, in a crisis too."
        }
        return nil
    }

    /// A fact's text with `{center.KEY}` filled in, or nil when center.yaml doesn't write it: for the server's
    /// own notices, which another center may leave out (the notice is then said without it).
    public func text(_ key: String) -> String? {
        values[key].map(fill)
    }

    /// Fills every `{center.KEY}` in a text, or names the keys that are not defined.
    public func render(_ template: String) -> Result<String, UndefinedFacts> {
        // Most texts name no fact at all; searching them for one costs more than this check.
        guard template.utf8.contains(UInt8(ascii: "{")) else { return .success(template) }
        var output = ""
        var missing: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{center.") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                output += rest[open.lowerBound...]
                rest = ""
                break
            }
            let key = String(rest[open.upperBound..<close])
            if let value = values[key] {
                output += value
            } else {
                missing.append(key)
            }
            rest = rest[rest.index(after: close)...]
        }
        output += rest
        return missing.isEmpty ? .success(output) : .failure(UndefinedFacts(keys: missing))
    }

    /// Fills every `{center.KEY}`, leaving unknown ones as they are (for text checked at load).
    public func fill(_ template: String) -> String {
        switch render(template) {
        case .success(let text): return text
        case .failure: return template
        }
    }
}

/// A text names center facts that `center.yaml` doesn't define.
public struct UndefinedFacts: Error, Sendable, Hashable {
    /// The keys that were named but not defined.
    public var keys: [String]
}
