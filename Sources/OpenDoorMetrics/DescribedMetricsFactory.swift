import CoreMetrics
import Prometheus

/// A swift-metrics backend on a Prometheus registry that gives OpenDoor's own metrics their `# HELP` line and the
/// reply time its buckets; any other label (a library's metric) goes to swift-prometheus' plain factory.
///
/// swift-prometheus' factory registers every metric with an empty help text; the registry refuses two help texts
/// for one name, so OpenDoor's metrics must be registered here, with theirs, from the first use on.
struct DescribedMetricsFactory: MetricsFactory {
    let base: PrometheusMetricsFactory

    init(registry: PrometheusCollectorRegistry) {
        base = PrometheusMetricsFactory(registry: registry)
    }

    private var registry: PrometheusCollectorRegistry { base.registry }

    private static func descriptor(_ name: MetricName) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name.rawValue, unitName: "", helpText: name.help)
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let name = MetricName(rawValue: label), name.kind == .counter else {
            return base.makeCounter(label: label, dimensions: dimensions)
        }
        return registry.makeCounter(descriptor: Self.descriptor(name), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        base.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard !aggregate, let name = MetricName(rawValue: label), name.kind == .gauge else {
            return base.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
        return registry.makeGauge(descriptor: Self.descriptor(name), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let name = MetricName(rawValue: label), name.kind == .gauge else {
            return base.makeMeter(label: label, dimensions: dimensions)
        }
        return registry.makeGauge(descriptor: Self.descriptor(name), labels: dimensions)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        guard let name = MetricName(rawValue: label), name.kind == .histogram else {
            return base.makeTimer(label: label, dimensions: dimensions)
        }
        return registry.makeDurationHistogram(
            descriptor: Self.descriptor(name), labels: dimensions, buckets: MetricName.replyDurationBuckets)
    }

    func destroyCounter(_ handler: any CounterHandler) { base.destroyCounter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        base.destroyFloatingPointCounter(handler)
    }
    func destroyRecorder(_ handler: any RecorderHandler) { base.destroyRecorder(handler) }
    func destroyMeter(_ handler: any MeterHandler) { base.destroyMeter(handler) }
    func destroyTimer(_ handler: any TimerHandler) { base.destroyTimer(handler) }
}
