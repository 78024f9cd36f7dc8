import FuzzSupport
import OpenDoorKit

/// The crisis check every message goes through first.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafety(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let message = FuzzSupport.text(data, count)
    let safety = FuzzSupport.assistant.safety
    FuzzSupport.withinFloor("crisis check") {
        _ = safety.assess(message)
        _ = safety.isDenial(message)
    }
    return 0
}

@_cdecl("FuzzSafety_main")
public func fuzzSafetyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run(argc, argv, fuzzSafety)
}
