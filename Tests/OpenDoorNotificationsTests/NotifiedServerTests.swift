import Foundation
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorNotifications
import OpenDoorServer
import OpenDoorTestSupport
import Testing

/// What a visitor types to ask for a call, to the end.
let callbackConversation = ["i want to come back", "yes", "Zebulon", "(470) 555-0123", "evening", "no", "yes"]

@Suite("The webhook behind a real chat server")
struct NotifiedServerTests {
    /// Runs a chat server whose store tells `notifier` about each saved request, and the notifier beside it; after
    /// `body`, stops the server, then ends the notifier (cancelling it when `cancelling`, else letting it finish).
    func withNotifiedServer(
        _ notifier: CallbackNotifier, registry: MetricsRegistry, cancelling: Bool = false,
        _ body: (RunningServer) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await notifier.run() }
            try await withServer(
                observe: { ObservedCallbackStore($0, factory: registry.factory, onSave: notifier.notify) }, body)
            if cancelling { tasks.cancelAll() }
            notifier.finish()
            try await tasks.waitForAll()
        }
    }

    /// Asks for a call and returns the last reply, which carries the reference code.
    func requestCallback(_ server: RunningServer) async throws -> ServerLine {
        let client = try await server.greetedJSONClient()
        var last: ServerLine?
        for line in callbackConversation { last = try await client.ask(line) }
        await client.close()
        return try #require(last)
    }

    @Test("The visitor gets their reference while the receiver is still holding the notice")
    func visitorNeverWaits() async throws {
        let receiver = try await WebhookReceiver.start { _ in .hold }
        var configuration = try webhookConfiguration(receiver, attempts: 1)
        configuration.timeout = .seconds(300)
        let registry = MetricsRegistry()
        let notifier = CallbackNotifier(configuration: configuration, logger: quietLogger, factory: registry.factory)
        try await withNotifiedServer(notifier, registry: registry, cancelling: true) { server in
            let reply = try await requestCallback(server)
            let saved = try #require(try await server.store.list(status: nil).first)
            #expect(reply.text?.contains(saved.reference) == true, "\(reply)")
            // The notice reached the receiver, which has not answered and never will.
            var requests = receiver.requests.makeAsyncIterator()
            let held = await requests.next()
            #expect(held?.body.contains(saved.reference) == true)
        }
        await receiver.stop()
        #expect(registry.text().contains(#"opendoor_notifications_total{result="failed"} 1"#))
    }

    @Test("A failing receiver is tried again, then given up; the visitor has their reference all the same")
    func failingReceiver() async throws {
        let receiver = try await WebhookReceiver.start { _ in .status(.internalServerError) }
        let registry = MetricsRegistry()
        let logs = LogRecorder()
        let notifier = CallbackNotifier(
            configuration: try webhookConfiguration(receiver, attempts: 3), logger: logs.logger(),
            factory: registry.factory)
        var bodies: [String] = []
        try await withNotifiedServer(notifier, registry: registry) { server in
            let reply = try await requestCallback(server)
            let saved = try #require(try await server.store.list(status: nil).first)
            #expect(reply.text?.contains(saved.reference) == true, "\(reply)")
            for await request in receiver.requests {
                bodies.append(request.body)
                if bodies.count == 3 { break }
            }
        }
        await receiver.stop()
        #expect(bodies.count == 3)
        #expect(bodies.allSatisfy { !$0.mentionsPhone("4705550123") && !$0.contains("Zebulon") && $0.contains("\"socket\"") })
        let metrics = registry.text()
        #expect(metrics.contains(#"opendoor_notifications_total{result="failed"} 1"#), "\(metrics)")
        #expect(metrics.contains(#"opendoor_callbacks_saved_total{channel="socket"} 1"#), "\(metrics)")
        let logged = logs.all.joined(separator: "\n")
        #expect(logged.contains("given up") && !logged.mentionsPhone("4705550123") && !logged.contains("Zebulon"), "\(logged)")
    }
}
