import Foundation
import NIOHTTP1
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorNotifications
import OpenDoorTestSupport
import Testing

/// A saved request with a name and number that must never leave the store.
let savedRequest = CallbackRequest(
    id: 1, reference: "K7M-3QP", created: Date(timeIntervalSince1970: 1_796_448_600),
    draft: CallbackDraft(
        name: "Zebulon Quist", phone: PhoneNumber(e164: "+14705550123")!, bestTime: .evening, voicemailOK: true),
    channel: .socket)

/// Runs `notifier` while `body` runs, then lets it finish what is queued and returns.
func running(_ notifier: CallbackNotifier, _ body: () async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { await notifier.run() }
        do {
            try await body()
        } catch {
            tasks.cancelAll()
            throw error
        }
        notifier.finish()
        try await tasks.waitForAll()
    }
}

/// A webhook to `receiver` that tries `attempts` times with short waits.
func webhookConfiguration(_ receiver: WebhookReceiver, attempts: Int = 3) throws -> WebhookConfiguration {
    let url = try WebhookURL("http://127.0.0.1:\(receiver.port)/hooks/opendoor?token=s3cret")
    var configuration = WebhookConfiguration(url: url)
    configuration.attempts = attempts
    // A hang guard only: on a busy machine an attempt can take seconds, and a timed-out attempt is retried,
    // which would change what these tests count (a 404 answered after 10 s was once counted as a retry).
    configuration.timeout = .seconds(300)
    configuration.firstRetryDelay = .milliseconds(5)
    configuration.longestRetryDelay = .milliseconds(20)
    return configuration
}

@Suite("The callback webhook")
struct CallbackNotifierTests {
    @Test("A saved request is POSTed as JSON: reference, channel and time, nothing else")
    func delivers() async throws {
        let receiver = try await WebhookReceiver.start { _ in .status(.noContent) }
        let registry = MetricsRegistry()
        let logs = LogRecorder()
        let notifier = CallbackNotifier(
            configuration: try webhookConfiguration(receiver), logger: logs.logger(), factory: registry.factory)
        var received: WebhookReceiver.Request?
        try await running(notifier) {
            notifier.notify(savedRequest)
            var requests = receiver.requests.makeAsyncIterator()
            received = await requests.next()
        }
        await receiver.stop()
        let request = try #require(received)
        #expect(request.method == .POST)
        #expect(request.uri == "/hooks/opendoor?token=s3cret")
        #expect(request.headers["Content-Type"].first == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: String])
        let expected = ["reference": "K7M-3QP", "channel": "socket", "time": "2026-12-05T05:30:00Z"]
        #expect(object == expected, "\(request.body)")
        #expect(!request.body.mentionsPhone("4705550123") && !request.body.contains("Zebulon"))
        let metrics = registry.text()
        #expect(metrics.contains(#"opendoor_notifications_total{result="delivered"} 1"#), "\(metrics)")
        let logged = logs.all.joined(separator: "\n")
        #expect(
            !logged.contains("s3cret") && !logged.mentionsPhone("4705550123") && !logged.contains("Zebulon"), "\(logged)")
    }

    @Test("A receiver that fails for a while gets the notice again, with waits, until it takes it")
    func retries() async throws {
        let receiver = try await WebhookReceiver.start { number in
            number < 2 ? .status(.serviceUnavailable) : .status(.ok)
        }
        let registry = MetricsRegistry()
        let notifier = CallbackNotifier(
            configuration: try webhookConfiguration(receiver, attempts: 5), logger: quietLogger,
            factory: registry.factory)
        var count = 0
        try await running(notifier) {
            notifier.notify(savedRequest)
            for await _ in receiver.requests {
                count += 1
                if count == 3 { break }
            }
        }
        await receiver.stop()
        let metrics = registry.text()
        #expect(metrics.contains(#"opendoor_notifications_total{result="delivered"} 1"#), "\(metrics)")
        #expect(metrics.contains("opendoor_notification_retries_total 2"), "\(metrics)")
    }

    @Test("A receiver that refuses for good (4xx) is not asked again")
    func permanentRefusal() async throws {
        let receiver = try await WebhookReceiver.start { _ in .status(.notFound) }
        let registry = MetricsRegistry()
        let logs = LogRecorder()
        let notifier = CallbackNotifier(
            configuration: try webhookConfiguration(receiver, attempts: 5), logger: logs.logger(),
            factory: registry.factory)
        try await running(notifier) {
            notifier.notify(savedRequest)
            var requests = receiver.requests.makeAsyncIterator()
            _ = await requests.next()
        }
        await receiver.stop()
        let metrics = registry.text()
        #expect(metrics.contains(#"opendoor_notifications_total{result="failed"} 1"#), "\(metrics)")
        #expect(metrics.contains("opendoor_notification_retries_total 0"), "\(metrics)")
        let line = await logs.line(containing: "given up")
        #expect(line.contains("K7M-3QP") && line.contains("HTTP 404"), "\(line)")
    }

    @Test("Nothing listening: the attempts are spent, then it is given up and counted")
    func nobodyListening() async throws {
        // A bound port that never listens: a receiver stopped first freed its port, which a server of another test
        // running at the same time could be given (it answered once under CI's load, and nothing was given up).
        let refusing = try RefusingPort()
        var config = WebhookConfiguration(url: try WebhookURL("http://127.0.0.1:\(refusing.port)/hooks/opendoor"))
        config.attempts = 3
        config.timeout = .seconds(300)
        config.firstRetryDelay = .milliseconds(5)
        config.longestRetryDelay = .milliseconds(20)
        let registry = MetricsRegistry()
        let logs = LogRecorder()
        let notifier = CallbackNotifier(configuration: config, logger: logs.logger(), factory: registry.factory)
        try await running(notifier) { notifier.notify(savedRequest) }
        let metrics = registry.text()
        #expect(metrics.contains(#"opendoor_notifications_total{result="failed"} 1"#), "\(metrics)")
        #expect(metrics.contains("opendoor_notification_retries_total 2"), "\(metrics)")
        let line = await logs.line(containing: "given up")
        #expect(line.contains("attempts=3") || line.contains("attempts: 3") || line.contains("3"), "\(line)")
        withExtendedLifetime(refusing) {}
    }

    @Test("Webhook URLs: http only, with a host; logs name the host and port, never the path")
    func urls() throws {
        let url = try WebhookURL("http://intake.example:8080/hooks/abc?token=x")
        #expect(url.host == "intake.example" && url.port == 8080 && url.target == "/hooks/abc?token=x")
        #expect("\(url)" == "http://intake.example:8080")
        #expect(try WebhookURL("http://10.0.0.5").target == "/")
        #expect(throws: WebhookURLError.self) { try WebhookURL("https://intake.example/hook") }
        #expect(throws: WebhookURLError.self) { try WebhookURL("intake.example/hook") }
        #expect(throws: WebhookURLError.self) { try WebhookURL("http:///hook") }
        #expect(throws: WebhookURLError.self) { try WebhookURL("http://user:pw@intake.example/hook") }
    }
}
