import CoreMetrics
import Metrics
import OpenDoorKit
import OpenDoorServer
import Synchronization

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
    private let repliesByIntent: ReplyCounters

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
        repliesByIntent = ReplyCounters(factory: factory)
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
        repliesByIntent.counter(for: reply.intent).increment()
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

/// The replies counter of each intent, made once: asking the factory for it on every reply (the registry's
/// lookup by label and dimensions, under its lock) was 4% of the server's CPU under the paced load.
private final class ReplyCounters: Sendable {
    private let factory: any MetricsFactory
    private let counters = Mutex<[IntentID: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func counter(for intent: IntentID) -> Counter {
        if let counter = counters.withLock({ $0[intent] }) { return counter }
        // Made outside the lock: the factory takes its own. Two replies racing here get the same counter back.
        let counter = Counter(
            label: MetricName.replies.rawValue, dimensions: [("intent", intent.rawValue)], factory: factory)
        counters.withLock { $0[intent] = counter }
        return counter
    }
}
