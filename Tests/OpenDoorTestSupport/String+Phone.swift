import Foundation

extension String {
    /// Whether this text holds the US phone number `digits` (ten digits) in any usual writing — 4705550123,
    /// (470) 555-0123, 470.555.0123, +1 470 555 0123 — or its last seven digits alone. A port, a temporary
    /// folder's UUID or a timing that happens to hold "555" or "470" does not count: checking for those alone made
    /// privacy tests fail when the system handed out port 45555.
    public func mentionsPhone(_ digits: String) -> Bool {
        let d = Array(digits)
        precondition(d.count == 10 && d.allSatisfy(\.isNumber), "ten digits, not \(digits)")
        let (area, exchange, line) = (String(d[0..<3]), String(d[3..<6]), String(d[6...]))
        // Not inside a longer run of letters or digits, its groups apart by at most two spaces or punctuation marks;
        // the country code and the area code may come first, or not.
        let gap = "[^0-9A-Za-z]{0,2}"
        let pattern =
            #"(?<![0-9A-Za-z])(?:(?:\+?1"# + gap + #")?\(?"# + area + #"\)?"# + gap + ")?" + exchange + gap + line
            + "(?![0-9A-Za-z])"
        return range(of: pattern, options: .regularExpression) != nil
    }
}
