/// Text made safe to put in an HTML page: every value from a store, a form or the knowledge goes through
/// ``escape(_:)`` before it is written, so a name like `<img src=x onerror=alert(1)>` shows as text.
enum HTML {
    /// `text` with `& < > " '` written as character references (safe in text and in quoted attributes).
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}

/// A piece of HTML already escaped where it needed to be: pages are put together from these, and a plain
/// `String` can only become one through ``HTML/escape(_:)`` (by interpolation) or ``Markup/raw(_:)``.
struct Markup: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    private(set) var html: String

    /// Markup written by this module's own code, never from a request or a store.
    static func raw(_ html: String) -> Markup { Markup(html: html) }

    private init(html: String) { self.html = html }

    init(stringLiteral value: String) { html = value }

    init(stringInterpolation: Interpolation) { html = stringInterpolation.html }

    var description: String { html }

    struct Interpolation: StringInterpolationProtocol {
        var html = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            html.reserveCapacity(literalCapacity * 2)
        }

        mutating func appendLiteral(_ literal: String) { html += literal }

        /// Text: escaped.
        mutating func appendInterpolation(_ text: String) { html += HTML.escape(text) }

        /// A number.
        mutating func appendInterpolation(_ number: Int) { html += String(number) }

        /// Markup: as it is.
        mutating func appendInterpolation(_ markup: Markup) { html += markup.html }

        /// Several pieces of markup, one after the other.
        mutating func appendInterpolation(_ parts: [Markup]) {
            for part in parts { html += part.html }
        }
    }
}
