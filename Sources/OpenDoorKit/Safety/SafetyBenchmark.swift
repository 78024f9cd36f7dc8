import Foundation

/// Times the crisis check: per message on real messages and on worst-case long ones, and loading the rules.
public enum SafetyBenchmark {
    /// Per-message latency of `assess` over `messages`, each checked `rounds` times, in microseconds.
    public static func latency(detector: CrisisDetector, messages: [String], rounds: Int) -> MatcherBenchmark.Latency {
        var samples: [UInt64] = []
        samples.reserveCapacity(messages.count * rounds)
        var found = 0
        for _ in 0..<rounds {
            for message in messages {
                // Each check a reading of its own: a long message checked again is not answered from the last check.
                samples.append(
                    MatcherBenchmark.nanoseconds {
                        if ReadingScope.reading({ detector.assess(message) }) != nil { found += 1 }
                    })
            }
        }
        precondition(found >= 0)
        return MatcherBenchmark.latency(samples)
    }

    /// Messages as long as a line may be (4,000 bytes), written to be as costly as possible for the check.
    public static let worstCaseMessages: [String] = [
        String(repeating: "a", count: 4_000),  // one word, far past any word the rules name
        String(repeating: "pills ", count: 666),  // the same crisis word, over and over
        String(repeating: "i want to take all my pills ", count: 142),  // a run-on crisis sentence
        String(repeating: "kill ", count: 800),  // a short anchor word, 800 times
        String(repeating: "sucide ", count: 571),  // a typo that needs the typo search each time
        String(repeating: "😀", count: 1_000),  // emoji: four bytes each, no words
        String(repeating: "a ", count: 2_000),  // the most words a line can hold
        String(repeating: "1234567890 ", count: 363),  // numbers
    ]

    /// The median time to read, check and compile `safety.yaml`, in milliseconds: until the detector is ready (it is
    /// freed after the clock stops, as a server keeps it).
    public static func loadMilliseconds(url: URL, rounds: Int) throws -> Double {
        let yaml = try String(contentsOf: url, encoding: .utf8)
        var samples: [UInt64] = []
        for _ in 0..<rounds {
            var failure: (any Error)?
            var detector: CrisisDetector?
            samples.append(
                MatcherBenchmark.nanoseconds {
                    do {
                        detector = CrisisDetector(rules: try SafetyRules.parse(yaml: yaml, file: url.lastPathComponent))
                    } catch {
                        failure = error
                    }
                })
            if let failure { throw failure }
            precondition(detector != nil)
            detector = nil
        }
        return MatcherBenchmark.median(samples) / 1_000_000
    }
}
