import ArgumentParser
import Foundation
import Synchronization
import OpenDoorKit
import OpenDoorTerminal

extension OpenDoor {
    /// `opendoor chat`: a conversation on standard input.
    struct Chat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chat with OpenDoor: the greeting, then one reply per line you type.",
            discussion: """
                Scripts can hold a whole conversation:
                  printf 'i want to come back\\nyes\\nskip\\n470 555 0123\\nevening\\nno\\nyes\\n' | opendoor chat --json --data /tmp/x
                """)

        @OptionGroup var options: KnowledgeOptions
        @OptionGroup var data: DataOptions
        @OptionGroup var logging: LogOptions
        @OptionGroup var notify: NotifyOptions

        @Flag(help: "Print one reply object per line as JSON.")
        var json = false

        @Flag(help: "For staff: after each reply, a dim line with intent, confidence, source and state.")
        var explain = false

        func run() async throws {
            let logger = logging.bootstrap(label: "opendoor.chat", defaultLevel: .error)
            let assistant = try options.loadAssistant()
            let notifier = try notify.notifier(logger: logger)
            let opened = try await data.openForService(logger: logger)
            let store = NotifyOptions.observe(opened, notifier: notifier)
            let delivering = Task { if let notifier { await notifier.run() } }
            defer { delivering.cancel() }
            let watching = Task { try? await StoreFileWatch(opened)?.run() }
            defer { watching.cancel() }
            let interactive = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 && !json
            // Stopped by a signal, the chat closes the store as at the end of input: the write-ahead log is
            // checkpointed, so callbacks.sqlite alone holds every saved request. (At a terminal, Ctrl-C only
            // clears the line being typed.)
            let stopping = StopSignals(interactive ? [SIGTERM, SIGHUP] : [SIGTERM, SIGINT, SIGHUP]) { signal in
                try? await store.close()
                if interactive { TerminalChat.restoreTerminal() }
                Glibc.exit(128 + signal)
            }
            defer { withExtendedLifetime(stopping) {} }
            if interactive {
                var configuration = TerminalChat.Configuration()
                configuration.explain = explain
                await TerminalChat(assistant: assistant, store: store, configuration: configuration, logger: logger).run()
                try? await store.close()
                await NotifyOptions.finish(notifier, delivering)
                return
            }
            // Piped or redirected, `--explain` prints the same line plainly (no terminal escapes) after each reply;
            // with `--json`, every object already carries intent, confidence, source and state (QA24 S3-1).
            let output = PlainChat(json: json, explain: explain)
            var conversation = assistant.makeConversation(channel: .terminal, logger: logger)
            output.show(conversation.start(store: store))
            while let line = readLine(strippingNewline: true) {
                let reply = await conversation.respond(to: line, store: store)
                output.show(reply)
            }
            try? await store.close()
            await NotifyOptions.finish(notifier, delivering)
        }
    }
}

/// The plain driver's output: text with numbered options and a blank line, or one JSON object per line.
struct PlainChat {
    var json: Bool
    /// A line with intent, confidence, source and state after each text reply (`--explain`).
    var explain = false

    func show(_ reply: Reply) {
        if json {
            print((try? ReplyJSON.encode(reply)) ?? "{}")
        } else {
            print(ReplyFormatter.plain(reply))
            if explain { print(reply.explanation) }
            print("")
        }
        fflush(nil)
    }
}

/// Catches stop signals for a command that must finish something (close its store) before it exits; `stop`
/// runs once, on the first of them, and should exit the process.
final class StopSignals {
    private let sources: [any DispatchSourceSignal]

    init(_ signals: [Int32], stop: @escaping @Sendable (Int32) async -> Void) {
        let once = Once()
        sources = signals.map { number in
            // A dispatch source sees the signal only once its default action (ending the process) is off.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                guard once.first() else { return }
                Task { await stop(number) }
            }
            source.resume()
            return source
        }
    }

    /// True the first time only.
    private final class Once: Sendable {
        private let done = Mutex(false)

        func first() -> Bool {
            done.withLock { done in
                defer { done = true }
                return !done
            }
        }
    }
}
