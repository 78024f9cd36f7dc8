import Foundation
import NIOCore

/// The server's untrusted-input paths as plain functions on bytes, for the libFuzzer targets in `Fuzz/`.
///
/// Each checks what must hold whatever the input (a line never passes the maximum, the strict JSON reader
/// never accepts what JSON doesn't mean the same) and traps when it doesn't, so the fuzzer reports it.
package enum FuzzEntryPoints {
    /// Frames `bytes` into lines, fed to the decoder in pieces of `chunk` bytes as reads would arrive, then
    /// reads each line as `chatProtocol` does; returns how many lines it read.
    package static func readLines(
        _ bytes: UnsafeRawBufferPointer, chunk: Int, as chatProtocol: ChatProtocol, maximumLength: Int
    ) -> Int {
        var decoder = LineFrameDecoder(maximumLength: maximumLength)
        var buffer = ByteBuffer()
        var lines = 0
        func take(_ frame: LineFrame) {
            lines += 1
            guard case .line(let line) = frame else { return }
            precondition(line.readableBytes <= maximumLength, "a line past the maximum got through")
            guard let text = VisitorText.decode(line) else { return }
            _ = ClientInput.parse(text, as: chatProtocol)
            if chatProtocol == .jsonLines { checkJSON(text) }
        }
        var offset = 0
        let step = max(1, chunk)
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            offset = end
            while let frame = try? decoder.decode(buffer: &buffer) { take(frame) }
        }
        while let frame = try? decoder.decodeLast(buffer: &buffer, seenEOF: true) { take(frame) }
        return lines
    }

    /// When the strict reader takes a line, Foundation must read the same `type` and `text` from it, and so must the
    /// reader's own two ways (all string fields, and only `type` and `text`).
    package static func checkJSON(_ line: String) {
        let read = JSONLineReader.typeAndText(line)
        let all = JSONLineReader.stringFields(line)
        precondition(
            (read == nil) == (all == nil) && read?.type == all?["type"] && read?.text == all?["text"],
            "the JSON reader's two ways of reading a line disagree")
        guard let fields = all,
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else { return }
        for key in ["type", "text"] {
            precondition(
                (object[key] as? String) == fields[key] || (object[key] != nil && !(object[key] is String)),
                "the strict JSON reader and Foundation disagree on \(key)")
        }
    }
}
