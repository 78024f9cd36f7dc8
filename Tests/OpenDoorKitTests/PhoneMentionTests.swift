import OpenDoorTestSupport
import Testing

@Suite("The tests' phone-number check")
struct PhoneMentionTests {
    @Test("finds a number in any usual writing, not a port or a UUID that holds its digits")
    func mentions() {
        for text in ["4705550123", "(470) 555-0123", "470.555.0123", "+1 470 555 0123", "+14705550123",
                     "call 555-0123 later", "tel:+14705550123"] {
            #expect(text.mentionsPhone("4705550123"), "\(text)")
        }
        for text in ["webhook=http://127.0.0.1:45555", "/tmp/opendoor-test-4705A555-C0123F", "p99 0.555 ms",
                     "4705550124", "47055501234", "14705550123999"] {
            #expect(!text.mentionsPhone("4705550123"), "\(text)")
        }
    }
}
