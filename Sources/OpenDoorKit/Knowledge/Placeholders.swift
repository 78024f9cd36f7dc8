/// The `{name}` placeholders a reply names. OpenDoor fills only the ones it knows; any other would reach
/// a visitor as written (`{center.fone}` instead of the phone number), so the loaders reject them.
enum Placeholders {
    /// Every `{…}` in `text` whose inside looks like a placeholder (letters, digits, `_` and `.`), in order.
    static func names(in text: String) -> [String] {
        guard text.utf8.contains(UInt8(ascii: "{")) else { return [] }
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(where: { $0 == "}" || $0 == "{" || $0.isNewline }) else { break }
            let inside = rest[after..<close]
            if rest[close] == "}", let first = inside.first, first.isLetter || first == "_",
                inside.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") })
            {
                found.append(String(inside))
            }
            rest = rest[close...].dropFirst(rest[close] == "}" ? 1 : 0)
        }
        return found
    }

    /// Whether OpenDoor fills `name` in a center's reply: `center.KEY`, with KEY among `centerKeys` when known.
    static func isCenterFact(_ name: String, centerKeys: Set<String>?) -> Bool {
        guard name.hasPrefix("center.") else { return false }
        return centerKeys?.contains(String(name.dropFirst("center.".count))) ?? true
    }
}
