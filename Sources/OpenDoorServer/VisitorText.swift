import NIOCore

/// Turns the bytes of a visitor's line into text the conversation can take.
enum VisitorText {
    /// The line as a string, or nil when it is not valid UTF-8 (never repaired: the visitor is asked again).
    static func decode(_ line: ByteBuffer) -> String? {
        String(validating: line.readableBytesView, as: UTF8.self)
    }

    /// The text without control characters.
    ///
    /// Terminal escape sequences (arrow keys: `ESC [ A`) are removed whole; a backspace or delete erases
    /// the character before it, as a raw-mode terminal would have; tabs and line breaks inside a JSON
    /// string become spaces, as does NEL (U+0085); every other C0 or C1 control character is dropped.
    static func clean(_ text: String) -> String {
        guard hasControl(text) else { return text }
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar.value {
            case 0x1B:
                skipEscapeSequence(&scalars)
            case 0x08, 0x7F:
                if !result.isEmpty { result.removeLast() }
            case 0x09...0x0D, 0x85:
                // NEL (U+0085) is a line break too: a space, so that the words around it stay apart.
                result.append(" ")
            case 0x00...0x1F, 0x80...0x9F:
                continue
            default:
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Whether `text` has a C0 or C1 control character or DEL, read from its UTF-8 bytes: C0 and DEL are
    /// single bytes, and C1 (U+0080–U+009F) is `C2 80`–`C2 9F`.
    static func hasControl(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && (0x80...0x9F).contains(byte)) { return true }
            previous = byte
        }
        return false
    }

    /// Skips what follows an ESC: a CSI sequence (`[` … final byte), an SS3 key (`O` and one more),
    /// or a single character.
    private static func skipEscapeSequence(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let next = scalars.next() else { return }
        switch next {
        case "[":
            while let scalar = scalars.next(), !(0x40...0x7E).contains(scalar.value) {}
        case "O":
            _ = scalars.next()
        default:
            break
        }
    }
}
