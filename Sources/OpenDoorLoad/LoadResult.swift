/// What one run of ``LoadGenerator`` measured.
public struct LoadResult: Sendable {
    /// Connections that took part (greeted, then sent their messages).
    public var connections: Int
    /// Messages sent.
    public var sent: Int
    /// Answers received (replies and errors alike).
    public var answers: Int
    /// Answers that were JSON-lines `error` objects (e.g. `rate_limited`): a sign the run was misconfigured.
    public var errors: Int
    /// Connections that ended before they had all their answers (closed by the server, or the run timed out).
    public var failedConnections: Int
    /// From the start signal to the last answer.
    public var elapsed: Duration
    /// Time from each message's send time to its answer.
    ///
    /// Paced runs count from the time the message was *due*, not the time it went out, so a client that falls
    /// behind does not hide the server's delays (no coordinated omission).
    public var latency: LatencySummary
    /// Time from each confirming message's send (or due) time to the answer saying the request was saved:
    /// what a visitor waits for "saved", the store's commit included.
    public var saveLatency = LatencySummary(nanoseconds: [])
    /// Confirmations whose answer did not say the request was saved (the save failed, or the conversation
    /// went another way).
    public var savesNotConfirmed = 0
    /// Confirmations sent or due to be sent: one per request of every visitor who asks for calls. Those neither
    /// confirmed nor answered otherwise were not answered (a connection closed, or the run was cut short).
    public var savesExpected = 0

    /// Confirmations that got no answer at all.
    public var savesUnanswered: Int {
        max(0, savesExpected - saveLatency.samples - savesNotConfirmed)
    }

    /// Answers per second over the run.
    public var answersPerSecond: Double {
        let seconds = elapsed.inSeconds
        return seconds > 0 ? Double(answers) / seconds : 0
    }
}

/// Percentiles of a set of latencies, in milliseconds.
public struct LatencySummary: Sendable {
    /// How many latencies were measured.
    public var samples: Int
    /// The median.
    public var p50: Double
    /// The 99th percentile.
    public var p99: Double
    /// The 99.9th percentile.
    public var p999: Double
    /// The largest.
    public var max: Double

    /// Summarizes latencies given in nanoseconds.
    init(nanoseconds values: [UInt64]) {
        let sorted = values.sorted()
        func percentile(_ fraction: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)
            return Double(sorted[Swift.max(0, index)]) / 1e6
        }
        samples = sorted.count
        p50 = percentile(0.50)
        p99 = percentile(0.99)
        p999 = percentile(0.999)
        max = Double(sorted.last ?? 0) / 1e6
    }
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
