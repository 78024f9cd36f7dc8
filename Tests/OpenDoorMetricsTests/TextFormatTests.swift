import Foundation
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorTestSupport
import Testing

@Suite("The Prometheus text")
struct TextFormatTests {
    /// A registry with every metric recorded at least once.
    static func recordedRegistry() -> MetricsRegistry {
        let registry = MetricsRegistry()
        let metrics = ServerMetrics(factory: registry.factory)
        let finding = CrisisAssessment(category: .suicide, level: .crisis, ruleID: SafetyRuleID(rawValue: "test/rule"))
        metrics.replied(
            Reply(text: "…", intent: .crisis, source: "", crisis: true, safety: finding), latency: .microseconds(300))
        metrics.replied(Reply(text: "…", intent: .fallback, source: ""), latency: .milliseconds(3))
        metrics.connectionsOpen(2)
        metrics.connectionRefused()
        metrics.rateLimited()
        metrics.knowledgeReloaded(succeeded: true)
        return registry
    }

    @Test("Every line parses; every metric has its TYPE and HELP, from first use on")
    func parses() throws {
        let registry = MetricsRegistry()
        _ = ServerMetrics(factory: registry.factory)
        let fresh = try PrometheusText(registry.text())
        #expect(fresh.value("opendoor_fallbacks_total") == 0, "counters show 0 before the first visitor")
        #expect(fresh.value("opendoor_connections_open") == 0)

        let text = try PrometheusText(Self.recordedRegistry().text())
        let recorded: [MetricName] = [
            .replies, .replyDuration, .fallbacks, .crisisEvents, .connectionsOpen, .rateLimitRefusals,
        ]
        for name in recorded {
            #expect(text.types[name.rawValue] == name.kind.rawValue, "\(name)")
            #expect(text.help[name.rawValue] == name.help, "\(name)")
        }
        #expect(text.value("opendoor_connections_open") == 2)
        #expect(text.value("opendoor_crisis_events_total", ["category": "suicide", "level": "crisis"]) == 1)
    }

    @Test("The reply time is a histogram: cumulative buckets up to +Inf, a sum and a count")
    func histogram() throws {
        let text = try PrometheusText(Self.recordedRegistry().text())
        let buckets = text.samples.filter { $0.name == "opendoor_reply_duration_seconds_bucket" }
        let bounds = buckets.compactMap { $0.labels["le"] }
        #expect(bounds.count == MetricName.replyDurationBuckets.count + 1)
        #expect(bounds.last == "+Inf")
        let counts = buckets.map(\.value)
        #expect(counts == counts.sorted(), "cumulative")
        #expect(text.value("opendoor_reply_duration_seconds_bucket", ["le": "0.0005"]) == 1, "\(bounds)")
        #expect(counts.last == 2)
        #expect(text.value("opendoor_reply_duration_seconds_count") == 2)
        let sum = try #require(text.value("opendoor_reply_duration_seconds_sum"))
        #expect(abs(sum - 0.0033) < 1e-9)
    }

    @Test("docs/METRICS.md lists every metric with its type and labels")
    func documented() throws {
        let document = try String(contentsOf: RepositoryFiles.path("docs/METRICS.md"), encoding: .utf8)
        for name in MetricName.allCases {
            let row = document.split(separator: "\n").first { $0.hasPrefix("| `\(name.rawValue)`") }
            let line = try #require(row, "\(name.rawValue) has no row in docs/METRICS.md")
            #expect(line.contains("| \(name.kind.rawValue) |"), "\(line)")
            for label in name.labels { #expect(line.contains("`\(label)`"), "\(line)") }
        }
    }
}
