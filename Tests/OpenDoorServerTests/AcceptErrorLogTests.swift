import Glibc
import NIOCore
import NIOEmbedded
import OpenDoorTestSupport
import Testing

@testable import OpenDoorServer

/// At the open file limit, failed accepts are logged as summaries and the recovery is said (QA19 O7: 132 visitors
/// waited 66 s and nothing was logged). Driven through an embedded server channel's pipeline: a real EMFILE would
/// need this whole test process's file limit lowered.
@Suite("Accept errors")
struct AcceptErrorLogTests {
    @Test("a run of EMFILE is one warning with its count; the next accepted connection says accepting works again")
    func summaries() throws {
        let logs = LogRecorder()
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(AcceptErrorLog(logger: logs.logger(), interval: .seconds(600)))
        for _ in 0..<500 { channel.pipeline.fireErrorCaught(IOError(errnoCode: EMFILE, reason: "accept")) }
        let warnings = logs.all.filter { $0.contains("can't be accepted") }
        #expect(warnings.count == 1, "\(logs.all)")
        #expect(warnings.first?.contains("the open file limit is reached") == true)
        try channel.writeInbound(EmbeddedChannel() as any Channel)
        let recovered = logs.all.filter { $0.contains("accepted again") }
        #expect(recovered.count == 1 && recovered.first?.contains("failed_accepts=500") == true, "\(logs.all)")
        // Another error passes on unchanged; the accepted channel too.
        #expect(throws: (any Error).self) {
            channel.pipeline.fireErrorCaught(IOError(errnoCode: ECONNREFUSED, reason: "x"))
            try channel.throwIfErrorCaught()
        }
        #expect(try channel.readInbound(as: (any Channel).self) != nil)
        #expect(logs.all.count == 2)
    }
}
