import CoreMetrics
import Prometheus

/// Where OpenDoor's metrics are kept, and their Prometheus text for `/metrics`.
///
/// `main` makes one and calls ``bootstrap()`` once, so that everything recorded through swift-metrics lands here.
/// Tests make their own and hand ``factory`` to what they test, so that several run side by side.
///
/// ```swift
/// let metrics = MetricsRegistry()
/// metrics.bootstrap()
/// let server = ChatServer(assistant: assistant, store: store, logger: logger, metrics: ServerMetrics())
/// let scrape: @Sendable () async -> String = metrics.render
/// ```
public struct MetricsRegistry: Sendable {
    /// The Prometheus registry behind it.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics backend that records into ``registry``.
    public let factory: any MetricsFactory

    /// A new, empty registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        self.factory = DescribedMetricsFactory(registry: registry)
    }

    /// Makes this registry the process's swift-metrics backend. Call once, at start-up (`main` only).
    public func bootstrap() {
        MetricsSystem.bootstrap(factory)
    }

    /// Every metric recorded so far, in the Prometheus text exposition format (version 0.0.4).
    public func text() -> String {
        registry.emitToString()
    }

    /// ``text()`` as the closure an HTTP route takes.
    public var render: @Sendable () async -> String {
        { [registry] in registry.emitToString() }
    }

    /// The `Content-Type` of ``text()``.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
