import CoreMetrics
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import OpenDoorKit
import OpenDoorMetrics
import ServiceLifecycle

/// Tells the center's own system, by webhook, that a callback request was saved, so that it can page someone.
///
/// ``notify(_:)`` only queues and returns at once: the visitor's reply never waits on the webhook. ``run()``
/// delivers each notice (``CallbackNotice``: reference, channel and time, never name or phone) as a JSON POST,
/// tries again with growing waits on a connection failure, a timeout, a 408, a 429 or a 5xx, and gives up after
/// ``WebhookConfiguration/attempts``. Every outcome is counted (``MetricName/notifications``) and failures are
/// logged with the reference code, so staff can look the request up; the request itself is safe in the store
/// either way.
///
/// Run it in the `ServiceGroup` before the chat server, so that graceful shutdown stops the server first; then it
/// delivers what is queued (until the group's shutdown time runs out).
public final class CallbackNotifier: Service, Sendable {
    /// Where and how persistently it delivers.
    public let configuration: WebhookConfiguration
    private let client: WebhookClient
    private let logger: Logger
    private let notices: AsyncStream<CallbackNotice>
    private let queue: AsyncStream<CallbackNotice>.Continuation
    private let delivered: Counter
    private let failed: Counter
    private let dropped: Counter
    private let retries: Counter

    /// A notifier for `configuration`, counting through `factory` (the process's swift-metrics backend by default).
    public init(
        configuration: WebhookConfiguration, logger: Logger, factory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.configuration = configuration
        self.client = WebhookClient(timeout: configuration.timeout)
        var logger = logger
        logger[metadataKey: "webhook"] = "\(configuration.url)"
        self.logger = logger
        (notices, queue) = AsyncStream.makeStream(
            of: CallbackNotice.self, bufferingPolicy: .bufferingOldest(max(configuration.queueLimit, 1)))
        let name = MetricName.notifications.rawValue
        delivered = Counter(label: name, dimensions: [("result", "delivered")], factory: factory)
        failed = Counter(label: name, dimensions: [("result", "failed")], factory: factory)
        dropped = Counter(label: name, dimensions: [("result", "dropped")], factory: factory)
        retries = Counter(label: MetricName.notificationRetries.rawValue, factory: factory)
    }

    /// Queues a notice of `request` and returns at once.
    public func notify(_ request: CallbackRequest) {
        let notice = CallbackNotice(request)
        switch queue.yield(notice) {
        case .enqueued:
            break
        case .dropped:
            dropped.increment()
            logger.error(
                "callback notification dropped: too many waiting; the request is saved",
                metadata: ["reference": "\(notice.reference)", "queue_limit": "\(configuration.queueLimit)"])
        case .terminated:
            dropped.increment()
            logger.error(
                "callback notification dropped: notifications have stopped; the request is saved",
                metadata: ["reference": "\(notice.reference)"])
        @unknown default:
            dropped.increment()
        }
    }

    /// Takes no more notices; ``run()`` returns once those queued and in flight are delivered or given up.
    public func finish() {
        queue.finish()
    }

    /// Delivers notices, several at once, until ``finish()`` or graceful shutdown and the queue is empty, or until
    /// cancelled (then the waits between attempts end early and what is left is given up).
    public func run() async {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await notice in notices {
                    group.addTask { await self.deliver(notice) }
                }
            }
        } onGracefulShutdown: {
            self.finish()
        }
    }

    /// Tries one notice until it is delivered, refused for good, or out of attempts.
    func deliver(_ notice: CallbackNotice) async {
        let body = ByteBuffer(bytes: notice.json())
        var problem = ""
        var attempt = 1
        while true {
            do {
                let status = try await client.post(body, to: configuration.url)
                if (200..<300).contains(status.code) {
                    delivered.increment()
                    logger.info(
                        "callback notification delivered",
                        metadata: ["reference": "\(notice.reference)", "attempts": "\(attempt)"])
                    return
                }
                problem = "HTTP \(status.code)"
                if !Self.isTemporary(status) { break }
            } catch {
                problem = "\(error)"
            }
            guard attempt < configuration.attempts, !Task.isCancelled else { break }
            let delay = configuration.delay(after: attempt)
            logger.debug(
                "callback notification failed; trying again",
                metadata: ["reference": "\(notice.reference)", "attempt": "\(attempt)", "problem": "\(problem)"])
            do {
                try await Task.sleep(for: delay)
            } catch {
                problem += "; stopped while waiting to try again"
                break
            }
            retries.increment()
            attempt += 1
        }
        failed.increment()
        logger.error(
            "callback notification given up; the request is saved, look it up in the callback list",
            metadata: ["reference": "\(notice.reference)", "attempts": "\(attempt)", "problem": "\(problem)"])
    }

    /// Whether the receiver may take the notice if asked again: it timed out, was overloaded or had a server error.
    private static func isTemporary(_ status: HTTPResponseStatus) -> Bool {
        status.code == 408 || status.code == 429 || status.code >= 500
    }
}
