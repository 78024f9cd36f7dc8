import FuzzSupport
import OpenDoorServer

/// Line framing and reading: the first byte picks the protocol and how the bytes are split into reads.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLines(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let chatProtocol: ChatProtocol = data[0] & 1 == 0 ? .text : .jsonLines
    let chunk = Int(data[0] >> 1) + 1
    let bytes = UnsafeRawBufferPointer(start: data + 1, count: count - 1)
    FuzzSupport.withinFloor("reading lines") {
        _ = FuzzEntryPoints.readLines(bytes, chunk: chunk, as: chatProtocol, maximumLength: 256)
    }
    return 0
}

@_cdecl("FuzzLines_main")
public func fuzzLinesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run(argc, argv, fuzzLines)
}
