import NIOCore

/// Telnet's commands in a line read on the text port, which README and PROTOCOL.md offer to `telnet`.
///
/// A telnet client sends commands inside the byte stream, each starting with IAC (0xFF, never a byte of UTF-8 text):
/// Ctrl-C is `IAC IP IAC DO TIMING-MARK`, and some clients open with `IAC WILL TTYPE` and the like. Read as text,
/// such a line was refused as not UTF-8, a crisis message after Ctrl-C too (QA19 O6). Here the commands are taken
/// out: an interrupt (`IP`), abort output (`AO`), break or erase line (`EL`) clear what the line held before it,
/// as Ctrl-C clears the line in the terminal chat; erase character (`EC`) erases the character before it; option
/// negotiations (`DO`, `DONT`, `WILL`, `WONT`) and subnegotiations (`SB` … `SE`) are refused (`WONT`, `DONT`) or
/// skipped; `IAC IAC` is a 0xFF byte of data. The refusal of `DO TIMING-MARK` also matters: a telnet client shows
/// nothing more after Ctrl-C until it is answered.
enum TelnetCommands {
    static let iac: UInt8 = 0xFF
    private static let se: UInt8 = 0xF0
    private static let breakCommand: UInt8 = 0xF3
    private static let interruptProcess: UInt8 = 0xF4
    private static let abortOutput: UInt8 = 0xF5
    private static let eraseCharacter: UInt8 = 0xF7
    private static let eraseLine: UInt8 = 0xF8
    private static let sb: UInt8 = 0xFA
    private static let will: UInt8 = 0xFB
    private static let wont: UInt8 = 0xFC
    private static let doOption: UInt8 = 0xFD
    private static let dont: UInt8 = 0xFE

    /// The line without telnet commands, and what the client is owed in answer to its negotiation (empty when
    /// nothing); nil when the line holds no IAC at all (most lines: read as they are).
    static func strip(_ line: ByteBuffer) -> (text: ByteBuffer, answer: [UInt8])? {
        let bytes = line.readableBytesView
        guard bytes.contains(iac) else { return nil }
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count)
        var answer: [UInt8] = []
        var index = bytes.startIndex
        func next() -> UInt8? {
            guard index < bytes.endIndex else { return nil }
            defer { index += 1 }
            return bytes[index]
        }
        while let byte = next() {
            guard byte == iac else {
                text.append(byte)
                continue
            }
            guard let command = next() else { break }
            switch command {
            case iac:
                text.append(iac)
            case interruptProcess, abortOutput, breakCommand, eraseLine:
                text.removeAll(keepingCapacity: true)
            case eraseCharacter:
                // The whole character: its UTF-8 continuation bytes, then its first byte.
                while let last = text.last, last & 0xC0 == 0x80 { text.removeLast() }
                if !text.isEmpty { text.removeLast() }
            case will, wont, doOption, dont:
                guard let option = next() else { break }
                // Refused: "I won't" to a DO, "don't" to a WILL; a WONT or DONT needs no answer.
                if command == doOption { answer += [iac, wont, option] }
                if command == will { answer += [iac, dont, option] }
            case sb:
                // Skipped to its IAC SE (or the end of the line).
                while let skipped = next() {
                    if skipped == iac, let end = next(), end == se { break }
                }
            default:
                // NOP, data mark, are-you-there, go-ahead, end of record …: nothing for the conversation.
                break
            }
        }
        return (ByteBuffer(bytes: text), answer)
    }
}
