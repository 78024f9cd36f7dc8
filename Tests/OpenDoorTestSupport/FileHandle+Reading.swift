import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension FileHandle {
    /// The bytes there are to read now (waiting until some arrive), empty at the end of the stream.
    ///
    /// Unlike `availableData`, a read interrupted by a signal (EINTR, e.g. a child process exiting while a
    /// test waits on a pipe) is tried again: Foundation stops the whole test process on it (seen once at
    /// 23812d3, "FileHandle.swift:231: Fatal error … Interrupted system call").
    @available(*, noasync, message: "blocks a thread of Swift's concurrency pool: read inside offThePool { }")
    public func nextChunk() -> Data {
        var bytes = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(bytes[0..<count]) }
            guard errno == EINTR else { return Data() }  // a failed read ends the stream for the test
        }
    }

    /// Everything until the end of the stream, read as ``nextChunk()`` does.
    @available(*, noasync, message: "blocks a thread of Swift's concurrency pool: read inside offThePool { }")
    public func readAllData() -> Data {
        var data = Data()
        while true {
            let chunk = nextChunk()
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }
}
