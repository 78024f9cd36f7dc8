import Foundation

/// HTML tags typed or pasted into a message (QA36 S3-7).
///
/// "<script>alert(1)</script><b>can i come back</b>" was read with "script" and "b" as words, and got the re-entry
/// tips instead of the answer to "can i come back". A tag of HTML's own names is no word of the visitor's: it is read
/// as a space, its content kept (a crisis said inside `<b>` is still read; only code between script or style tags is
/// left out). Anything else between "<" and ">" ("<3",
/// "i was <30 days clean", "<kill myself>") stays as typed, and so does a message with no letters outside its tags
/// (an `<img …>` typed as a name is still refused as a name).
extension Conversation {
    /// The message with its HTML tags read as spaces; the message as it is when it has none, or nothing but them.
    static func withoutMarkup(_ message: String) -> String {
        // No "<" byte, no tag: most messages, without walking them.
        guard message.utf8.contains(UInt8(ascii: "<")) else { return message }
        var read = ""
        var rest = message[...]
        var found = false
        // Closing tags looked for and not found: each is looked for once (a line of "<script>"s stays linear).
        var unclosed: Set<String> = []
        var closing: [String: String.Index] = [:]
        while let open = rest.firstIndex(of: "<") {
            read += rest[..<open]
            let after = rest[rest.index(after: open)...]
            // A tag ends before the next "<": the search stops there, so a line of "<"s is read once, not once per "<".
            let end = after.firstIndex { $0 == ">" || $0 == "<" }
            guard let close = end, after[close] == ">", isTag(after[..<close]) else {
                read.append("<")
                rest = after
                continue
            }
            found = true
            read.append(" ")
            rest = after[after.index(after: close)...]
            // "<script>alert(1)</script>": code between script or style tags is no one's words; words there are kept.
            let name = after[..<close].prefix { $0.isLetter }.lowercased()
            guard ["script", "style"].contains(name), !unclosed.contains(name) else { continue }
            // The closing tag found for an earlier opening one is still ahead: not looked for again.
            let ahead = closing[name].flatMap { $0 >= rest.startIndex ? $0 : nil }
            guard let end = ahead ?? rest.range(of: "</" + name, options: .caseInsensitive)?.lowerBound else {
                unclosed.insert(name)
                continue
            }
            closing[name] = end
            if rest[..<end].contains(where: { "(){};=".contains($0) }) { rest = rest[end...] }
        }
        read += rest
        guard found, read.contains(where: \.isLetter) else { return message }
        return trimmed(read)
    }

    /// Whether the text between "<" and ">" is an HTML tag: an opening, closing or self-closing tag of one of
    /// ``markupNames``, with attributes after a space.
    static func isTag(_ inside: Substring) -> Bool {
        var body = inside
        if body.first == "/" { body = body.dropFirst() }
        if body.last == "/" { body = body.dropLast() }
        let name = body.prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        guard !name.isEmpty, markupNames.contains(name.lowercased()) else { return false }
        let attributes = body.dropFirst(name.count)
        return attributes.isEmpty || attributes.first?.isWhitespace == true
    }

    /// The tag names read as markup: text formatting, blocks, links, images and scripts.
    static let markupNames: Set<String> = [
        "b", "i", "u", "s", "em", "strong", "strike", "del", "ins", "mark", "small", "big", "sub", "sup", "code", "pre",
        "font", "span", "div", "p", "br", "hr", "a", "img", "script", "style", "iframe", "svg", "h1", "h2", "h3", "h4",
        "h5", "h6", "ul", "ol", "li", "blockquote", "q", "html", "body", "head", "title", "table", "tr", "td", "th",
        "input", "button", "form", "textarea", "label", "center", "marquee", "blink", "tt", "kbd", "var", "cite",
        "abbr", "object", "embed", "video", "audio", "source", "meta", "link", "base", "noscript", "details",
        "summary", "section", "article", "header", "footer", "nav", "main",
    ]
}
