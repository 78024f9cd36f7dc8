import FuzzSupport
import OpenDoorKit

/// Phone numbers read from an answer and found inside a message; a number found must read back the same.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPhone(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let text = FuzzSupport.text(data, count)
    FuzzSupport.withinFloor("phone search") {
        if let number = PhoneNumber.parse(text) {
            precondition(PhoneNumber.parse(number.display) == number, "a parsed number doesn't read back")
        }
        if let number = PhoneNumber.find(in: text) {
            precondition(PhoneNumber.parse(number.display) == number, "a found number doesn't read back")
        }
    }
    return 0
}

@_cdecl("FuzzPhone_main")
public func fuzzPhoneMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run(argc, argv, fuzzPhone)
}
