import Foundation
import NIOCore

/// The server's untrusted-input paths as plain functions on bytes, for the libFuzzer targets in `Fuzz/`.
///
/// Each checks what must hold whatever the input (a line never passes the maximum, the strict JSON reader
/// never accepts what JSON doesn't mean the same) and traps when it doesn't, so the fuzzer reports it.
package enum FuzzEntryPoints {
    /// Frames `bytes` into lines, fed to the decoder in reads of varied sizes (1 to `2 × chunk` bytes, from a fixed
    /// sequence seeded by `chunk`) as reads would arrive, then reads each line as `chatProtocol` does; returns how
    /// many lines it read. With `droppingFrom`, the input ends there as a held connection's close ends it
    /// (``LineFramingHandler``): the bytes waiting in the buffer are dropped and the decoder is given a new, empty
    /// buffer at the end of input (QA24 S1-1: that close trapped the whole server).
    package static func readLines(
        _ bytes: UnsafeRawBufferPointer, chunk: Int, as chatProtocol: ChatProtocol, maximumLength: Int,
        droppingFrom: Int? = nil
    ) -> Int {
        var decoder = LineFrameDecoder(maximumLength: maximumLength)
        var buffer = ByteBuffer()
        var lines = 0
        func take(_ frame: LineFrame) {
            lines += 1
            switch frame {
            case .line(let line):
                precondition(line.readableBytes <= maximumLength, "a line past the maximum got through")
                guard let text = VisitorText.decode(line) else { return }
                _ = ClientInput.parse(text, as: chatProtocol)
                if chatProtocol == .jsonLines { checkJSON(text) }
            case .tooLong(let head, let tail):
                precondition(
                    head.readableBytes == maximumLength && tail.readableBytes <= maximumLength,
                    "a too-long line's kept ends are not bounded")
            }
        }
        checkProxyHeader(bytes)
        let end = min(bytes.count, droppingFrom ?? bytes.count)
        var offset = 0
        var seed = UInt32(truncatingIfNeeded: max(1, chunk)) &* 2_654_435_761 | 1
        while offset < end {
            seed ^= seed << 13
            seed ^= seed >> 17
            seed ^= seed << 5
            let step = 1 + Int(seed % UInt32(2 * max(1, chunk)))
            let next = min(end, offset + step)
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[offset..<next]))
            offset = next
            while let frame = try? decoder.decode(buffer: &buffer) { take(frame) }
        }
        if droppingFrom != nil { buffer = ByteBuffer() }
        while let frame = try? decoder.decodeLast(buffer: &buffer, seenEOF: true) { take(frame) }
        return lines
    }

    /// A PROXY protocol header read from a trusted proxy's first bytes (``ProxyHeader``): a header found is never
    /// longer than the bytes given nor than the longest taken, and more bytes never turn it into something else.
    static func checkProxyHeader(_ bytes: UnsafeRawBufferPointer) {
        let buffer = ByteBuffer(bytes: bytes)
        let reading = ProxyHeader.read(buffer.readableBytesView)
        if case .header(let length, _) = reading {
            precondition(length <= bytes.count && length <= ProxyHeader.maximumV2Length, "a PROXY header past its bytes")
            var longer = buffer
            longer.writeBytes([0x0A, 0x0D, 0x00])
            precondition(ProxyHeader.read(longer.readableBytesView) == reading, "bytes after a PROXY header changed it")
        }
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
