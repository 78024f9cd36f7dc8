import FuzzSupport
import OpenDoorKit

/// A visitor's message through the normalizer, typo corrector, matcher and responder, as the chat answers it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMatcher(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let message = FuzzSupport.text(data, count)
    let assistant = FuzzSupport.assistant
    FuzzSupport.withinFloor("matching") {
        _ = TextNormalizer.normalize(message)
        _ = assistant.responder.respond(to: message)
    }
    return 0
}

@_cdecl("FuzzMatcher_main")
public func fuzzMatcherMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run(argc, argv, fuzzMatcher)
}
