import Foundation
import FuzzSupport
import OpenDoorKit

/// The knowledge loader on an intent file it has never seen: it loads or says what is wrong, never crashes.
private let folder: URL = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("opendoor-fuzz-\(getpid())")
    try? FileManager.default.removeItem(at: folder)
    do {
        try FileManager.default.copyItem(at: FuzzSupport.knowledgeDirectory, to: folder)
    } catch {
        fatalError("cannot copy the knowledge: \(error)")
    }
    return folder
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKnowledge(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let file = folder.appendingPathComponent("intents/zz-fuzz.yaml")
    do {
        try Data(bytes: data, count: count).write(to: file)
    } catch {
        fatalError("cannot write \(file.path): \(error)")
    }
    do {
        _ = try Knowledge.load(from: folder)
    } catch {
        // A broken file is reported with its place; that is the loader doing its job.
        precondition(!"\(error)".isEmpty)
    }
    return 0
}

@_cdecl("FuzzKnowledge_main")
public func fuzzKnowledgeMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzSupport.run(argc, argv, fuzzKnowledge)
}
