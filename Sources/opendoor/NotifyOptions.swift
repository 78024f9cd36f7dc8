import ArgumentParser
import Logging
import OpenDoorKit
import OpenDoorMetrics
import OpenDoorNotifications

/// `--notify-url URL`, shared by `serve` and `chat`: the webhook told about every saved callback request.
struct NotifyOptions: ParsableArguments {
    @Option(
        name: .customLong("notify-url"),
        help: ArgumentHelp(
            "When a callback request is saved, POST {\"reference\",\"channel\",\"time\"} as JSON to this http:// URL "
                + "(never the name or phone), retried with growing waits; it never delays the visitor's reply.",
            valueName: "url"))
    var notifyURL: String?

    func validate() throws {
        guard let notifyURL else { return }
        do {
            _ = try WebhookURL(notifyURL)
        } catch {
            throw ValidationError("--notify-url: \(error)")
        }
    }

    /// The notifier for `--notify-url`, or nil without one.
    func notifier(logger: Logger) throws -> CallbackNotifier? {
        guard let notifyURL else { return nil }
        return CallbackNotifier(configuration: WebhookConfiguration(url: try WebhookURL(notifyURL)), logger: logger)
    }

    /// `store`, counted, and telling `notifier` (when there is one) about every request it saves.
    static func observe(_ store: any CallbackStore, notifier: CallbackNotifier?) -> ObservedCallbackStore {
        ObservedCallbackStore(store) { request in notifier?.notify(request) }
    }
}

extension NotifyOptions {
    /// How long a chat that ends waits for notifications still being delivered before giving them up.
    static let finishingTime = Duration.seconds(5)

    /// Ends the notifier of a chat that is over: what is queued is delivered within ``finishingTime``, the rest
    /// given up (logged and counted; the requests are saved all the same).
    static func finish(_ notifier: CallbackNotifier?, _ delivering: Task<Void, Never>) async {
        guard let notifier else { return }
        notifier.finish()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await delivering.value }
            group.addTask {
                try? await Task.sleep(for: finishingTime)
                delivering.cancel()
            }
            await group.next()
            group.cancelAll()
        }
        await delivering.value
    }
}
