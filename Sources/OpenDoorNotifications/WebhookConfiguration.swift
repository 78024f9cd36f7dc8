/// Where and how persistently the webhook delivers.
public struct WebhookConfiguration: Sendable, Hashable {
    /// Where notices are POSTed.
    public var url: WebhookURL
    /// Attempts per notice, the first included; after the last it is given up (logged and counted).
    public var attempts: Int = 6
    /// The wait before the second attempt; each later wait is twice the one before.
    public var firstRetryDelay: Duration = .seconds(1)
    /// The longest wait between two attempts.
    public var longestRetryDelay: Duration = .seconds(30)
    /// How long one attempt may take, connecting included.
    public var timeout: Duration = .seconds(10)
    /// Notices waiting to be sent at most; past that a new one is dropped (logged and counted).
    public var queueLimit: Int = 1000

    /// The defaults, for `url`: six attempts over about 31 s (waits of 1, 2, 4, 8 and 16 s).
    public init(url: WebhookURL) {
        self.url = url
    }

    /// The wait after failed attempt `attempt` (1 for the first).
    func delay(after attempt: Int) -> Duration {
        var delay = firstRetryDelay
        for _ in 1..<max(attempt, 1) {
            delay *= 2
            if delay >= longestRetryDelay { return longestRetryDelay }
        }
        return min(delay, longestRetryDelay)
    }
}
