import FuzzSupport
import OpenDoorServer

/// The strict JSON reader, checked against Foundation on every line it accepts.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let line = FuzzSupport.text(data, count)
    FuzzSupport.withinFloor("reading JSON") { FuzzEntryPoints.checkJSON(line) }
    return 0
}

@_cdecl("FuzzJSON_main")
public func fuzzJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run(argc, argv, fuzzJSON)
}
