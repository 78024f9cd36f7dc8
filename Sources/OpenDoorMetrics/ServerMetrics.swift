import CoreMetrics
import Metrics
import OpenDoorKit
import OpenDoorServer

/// What the chat server counts: connections, replies by intent and their time, fallbacks, crisis events, refusals
/// and knowledge reloads (the names are ``MetricName``'s).
///
/// Recording never blocks and never fails. Every label value comes from a fixed set (intent ids of the loaded
/// knowledge, crisis categories and levels); nothing a visitor typed is ever a label.
public struct ServerMetrics: ChatServerMetrics {
    private let factory: any MetricsFactory
    private let connections: Gauge
    private let refusedConnections: Counter
    private let replyDuration: CoreMetrics.Timer
    private let fallbacks: Counter
    private let rateLimitRefusals: Counter

    /// Metrics recorded through `factory`: by default the process's swift-metrics backend (nothing at all until
    /// `main` bootstraps one); tests pass a ``MetricsRegistry``'s factory.
    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        // Made now, so that a scrape shows them at 0 before the first visitor.
        connections = Gauge(label: MetricName.connectionsOpen.rawValue, factory: factory)
        refusedConnections = Counter(label: MetricName.connectionsRefused.rawValue, factory: factory)
        replyDuration = CoreMetrics.Timer(label: MetricName.replyDuration.rawValue, factory: factory)
        fallbacks = Counter(label: MetricName.fallbacks.rawValue, factory: factory)
        rateLimitRefusals = Counter(label: MetricName.rateLimitRefusals.rawValue, factory: factory)
        connections.record(0)
    }

    /// How many chat connections are open now.
    public func connectionsOpen(_ count: Int) {
        connections.record(count)
    }

    /// A connection was turned away because the chat was full.
    public func connectionRefused() {
        refusedConnections.increment()
    }

    /// A reply to a visitor's message, written `latency` after the message was read.
    public func replied(_ reply: Reply, latency: Duration) {
        replyDuration.record(duration: latency)
        // The registry hands back the same counter for the same labels: one short locked lookup per reply.
        Counter(label: MetricName.replies.rawValue, dimensions: [("intent", reply.intent.rawValue)], factory: factory)
            .increment()
        if reply.intent == .fallback {
            fallbacks.increment()
        }
        if reply.crisis, let finding = reply.safety {
            crisisEvent(finding.category, level: finding.level)
        }
    }

    /// A crisis reply or safety check-in given.
    public func crisisEvent(_ category: CrisisCategory, level: SafetyLevel) {
        Counter(
            label: MetricName.crisisEvents.rawValue,
            dimensions: [("category", category.rawValue), ("level", level.rawValue)], factory: factory
        ).increment()
    }

    /// A line refused because its connection went over the message rate limit.
    public func rateLimited() {
        rateLimitRefusals.increment()
    }

    /// A knowledge reload was tried: it succeeded, or it failed and the old knowledge stayed.
    public func knowledgeReloaded(succeeded: Bool) {
        Counter(
            label: MetricName.knowledgeReloads.rawValue, dimensions: [("result", succeeded ? "ok" : "failed")],
            factory: factory
        ).increment()
    }
}
