import Foundation
import OpenDoorKit

/// What the fuzz targets share: the shipped knowledge, and the time floor every input must meet.
public enum FuzzSupport {
    /// The repository's Knowledge folder ($OPENDOOR_KNOWLEDGE, else found from this file).
    public static let knowledgeDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["OPENDOOR_KNOWLEDGE"] {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        var url = URL(fileURLWithPath: #filePath)
        // Fuzz/Sources/FuzzSupport/FuzzSupport.swift
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Knowledge", isDirectory: true)
    }()

    /// The assistant `opendoor serve` builds from the shipped knowledge, loaded once.
    public static let assistant: Assistant = {
        do {
            let knowledge = try Knowledge.load(from: knowledgeDirectory)
            let rules = try SafetyRules.load(from: knowledgeDirectory.appendingPathComponent("safety.yaml"))
            return Assistant(knowledge: knowledge, safety: CrisisDetector(rules: rules))
        } catch {
            fatalError("cannot load \(knowledgeDirectory.path): \(error)")
        }
    }()

    /// The most one input may take, in milliseconds ($OPENDOOR_FUZZ_FLOOR_MS, default 50). The server's
    /// floor is 5 ms per message in a release build (`opendoor load --phase worst`); the fuzz build is
    /// instrumented for coverage and address checks, several times slower, hence the larger default.
    public static let floorMilliseconds: Double = {
        ProcessInfo.processInfo.environment["OPENDOOR_FUZZ_FLOOR_MS"].flatMap(Double.init) ?? 50
    }()

    /// Runs `body` and traps (so libFuzzer saves the input) if it took longer than the floor twice running.
    ///
    /// Counted in this thread's CPU time, not wall-clock time, and retried once when over: on a busy machine
    /// the fuzzer can be descheduled, or the sanitizer's allocator can do a slow sweep, for longer than the
    /// floor, which says nothing about the input. A slow input is slow every time.
    public static func withinFloor(_ what: String, _ body: () -> Void) {
        func measure() -> Double {
            let start = threadCPUNanoseconds()
            body()
            return Double(threadCPUNanoseconds() - start) / 1e6
        }
        guard measure() > floorMilliseconds else { return }
        let again = measure()
        if again > floorMilliseconds {
            fatalError("\(what) took \(again) ms of CPU, over the \(floorMilliseconds) ms floor")
        }
    }

    private static func threadCPUNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// The input as text: valid UTF-8 kept, anything else repaired, as a visitor's message would be.
    public static func text(_ data: UnsafePointer<UInt8>, _ count: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    }

    /// A fuzz target's entry point (what libFuzzer calls with each input).
    public typealias Target = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

    /// Runs libFuzzer's driver on `target` with the command line. SwiftPM links an executable's entry point
    /// as `<Module>_main`, so each target defines that and hands over to libFuzzer from there.
    public static func run(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ target: Target
    ) -> CInt {
        var argc = argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&argc, &argv, target)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ target: FuzzSupport.Target
) -> CInt
