/// Every metric OpenDoor exports, with its Prometheus type, labels and help line; docs/METRICS.md lists the same.
///
/// Label values come from fixed sets only (intent ids, crisis categories and levels, channels, results): never
/// anything a visitor typed, never a phone number.
public enum MetricName: String, CaseIterable, Sendable {
    case connectionsOpen = "opendoor_connections_open"
    case connectionsRefused = "opendoor_connections_refused_total"
    case replies = "opendoor_replies_total"
    case replyDuration = "opendoor_reply_duration_seconds"
    case fallbacks = "opendoor_fallbacks_total"
    case crisisEvents = "opendoor_crisis_events_total"
    case callbacksSaved = "opendoor_callbacks_saved_total"
    case callbackSaveFailures = "opendoor_callback_save_failures_total"
    case rateLimitRefusals = "opendoor_rate_limit_refusals_total"
    case knowledgeReloads = "opendoor_knowledge_reloads_total"
    case notifications = "opendoor_notifications_total"
    case notificationRetries = "opendoor_notification_retries_total"

    /// The Prometheus metric types OpenDoor uses.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// The type written on the metric's `# TYPE` line.
    public var kind: Kind {
        switch self {
        case .connectionsOpen: .gauge
        case .replyDuration: .histogram
        default: .counter
        }
    }

    /// The label names the metric carries (empty for an unlabeled metric).
    public var labels: [String] {
        switch self {
        case .replies: ["intent"]
        case .crisisEvents: ["category", "level"]
        case .callbacksSaved: ["channel"]
        case .knowledgeReloads, .notifications: ["result"]
        default: []
        }
    }

    /// The metric's `# HELP` line.
    public var help: String {
        switch self {
        case .connectionsOpen: "Chat connections open now, both protocols together."
        case .connectionsRefused: "Connections turned away because the chat was full."
        case .replies: "Replies to visitors' messages, by the intent answered."
        case .replyDuration: "Time from reading a visitor's message to writing the reply, in seconds."
        case .fallbacks: "Replies that said the knowledge has no answer."
        case .crisisEvents: "Crisis replies (level crisis) and safety check-ins (level check), by category."
        case .callbacksSaved: "Callback requests saved, by the channel they came from."
        case .callbackSaveFailures: "Callback requests the store could not save (the visitor got the center's number)."
        case .rateLimitRefusals: "Lines refused because a connection sent faster than the message rate limit."
        case .knowledgeReloads: "Knowledge reloads (SIGHUP), by result: ok or failed (the old knowledge stayed)."
        case .notifications: "Webhook notifications of saved callback requests, by result: delivered, failed, dropped."
        case .notificationRetries: "Webhook deliveries tried again after a failed attempt."
        }
    }

    /// The histogram buckets of the reply time, in seconds: most replies take well under a millisecond.
    public static let replyDurationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1),
    ]
}
