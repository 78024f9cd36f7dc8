import Foundation
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorServer
import OpenDoorTestSupport

/// The server of `withServer`, counting into a registry of its own (so tests run side by side), with its store
/// counted too; `scrape()` reads the metrics while it runs.
struct MeteredServer {
    var running: RunningServer
    var registry: MetricsRegistry

    var server: ChatServer { running.server }
    var store: InMemoryCallbackStore { running.store }
    func client() async throws -> TestClient { try await running.greetedJSONClient() }
    func ask(_ client: TestClient, _ text: String) async throws -> ServerLine { try await client.ask(text) }
    func scrape() throws -> PrometheusText { try PrometheusText(registry.text()) }
}

/// Runs a metered server for `body`, then shuts it down gracefully and returns the metrics as they ended.
@discardableResult
func withMeteredServer(
    _ configure: (inout ServerConfiguration) -> Void = { _ in },
    reloadAssistant: (@Sendable () throws -> Assistant)? = nil,
    _ body: (MeteredServer) async throws -> Void
) async throws -> PrometheusText {
    let registry = MetricsRegistry()
    var configuration = ServerConfiguration.forTests
    configure(&configuration)
    try await withServer(
        configuration, reloadAssistant: reloadAssistant, metrics: ServerMetrics(factory: registry.factory),
        observe: { ObservedCallbackStore($0, factory: registry.factory) }
    ) { running in
        try await body(MeteredServer(running: running, registry: registry))
    }
    return try PrometheusText(registry.text())
}
