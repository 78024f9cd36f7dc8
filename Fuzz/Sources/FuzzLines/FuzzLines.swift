import FuzzSupport
import OpenDoorServer

/// Line framing and reading: the first byte picks the protocol and how the bytes are split into reads; the second,
/// when its top bit is set, where the input ends as a held connection's close ends it (its waiting bytes dropped).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLines(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 1 else { return 0 }
    let chatProtocol: ChatProtocol = data[0] & 1 == 0 ? .text : .jsonLines
    let chunk = Int(data[0] >> 1) + 1
    let bytes = UnsafeRawBufferPointer(start: data + 2, count: count - 2)
    let droppingFrom = data[1] & 0x80 == 0 ? nil : Int(data[1] & 0x7F) * bytes.count / 127
    FuzzSupport.withinFloor("reading lines") {
        _ = FuzzEntryPoints.readLines(
            bytes, chunk: chunk, as: chatProtocol, maximumLength: 256, droppingFrom: droppingFrom)
    }
    return 0
}

@_cdecl("FuzzLines_main")
public func fuzzLinesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run(argc, argv, fuzzLines)
}
