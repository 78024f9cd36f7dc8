import CReadline
import Foundation
import Logging
import OpenDoorKit

/// The chat for a person at a terminal, on GNU readline.
///
/// Line editing and arrow-key history come from readline; the history is kept in memory only and never
/// written to disk, because visitors are anonymous. Ctrl-C clears the line, Ctrl-D or "bye" ends the chat
/// with a kind goodbye. Replies wrap to the terminal's width and options are numbered.
public struct TerminalChat: Sendable {
    /// What the chat shows besides the replies.
    public struct Configuration: Sendable {
        /// After each reply, one dim line for staff: intent, confidence, source and state.
        public var explain = false
        /// The prompt in front of what the visitor types.
        public var prompt = "you › "

        /// The defaults.
        public init() {}
    }

    private let assistant: Assistant
    private let store: any CallbackStore
    private let configuration: Configuration
    private let logger: Logger

    /// Creates a chat.
    public init(assistant: Assistant, store: any CallbackStore, configuration: Configuration = Configuration(), logger: Logger) {
        self.assistant = assistant
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the chat until the visitor leaves.
    public func run() async {
        installInterruptHandler()
        var conversation = assistant.makeConversation(channel: .terminal, logger: logger)
        show(conversation.start(store: store))
        while true {
            guard let line = Self.readLine(prompt: configuration.prompt) else {
                // Ctrl-D.
                print("")
                show(Reply(text: assistant.knowledge.dialogue[.goodbye], intent: "goodbye", source: assistant.knowledge.dialogue.heading, state: .ended))
                return
            }
            if !line.allSatisfy(\.isWhitespace) { add_history(line) }
            let reply = await conversation.respond(to: line, store: store)
            show(reply)
            if reply.state == .ended { return }
        }
    }

    /// One line from readline, or nil at end of input. readline's memory is freed here.
    static func readLine(prompt: String) -> String? {
        guard let pointer = readline(prompt) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }

    private func show(_ reply: Reply) {
        let width = Self.terminalWidth()
        var lines: [String] = []
        for paragraph in reply.text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines += Self.wrap(String(paragraph), width: width)
        }
        for (number, option) in reply.options.enumerated() {
            lines += Self.wrap("  \(number + 1). \(option)", width: width, indent: "     ")
        }
        if configuration.explain {
            lines.append("\u{1B}[2m" + reply.explanation + "\u{1B}[0m")
        }
        print(lines.joined(separator: "\n"))
        print("")
        fflush(nil)
    }

    /// Words of a paragraph in lines no wider than `width` columns.
    static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
        guard width > 10, text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = indent + word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The terminal's width in columns (80 when unknown).
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 {
            return min(Int(size.ws_col), 100)
        }
        return 80
    }

    /// Gives the terminal back as it was before readline took it (for a chat ended by a signal).
    public static func restoreTerminal() {
        rl_deprep_terminal()
    }

    private func installInterruptHandler() {
        // Ctrl-C clears the line being typed instead of ending the chat. readline's own signal handling
        // is off and the handler is installed without SA_RESTART, so the waiting read() returns at once
        // and the line is cleared right away, not at the next key.
        opendoor_rl_disable_signal_handling()
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            write(STDOUT_FILENO, "\n", 1)
            rl_on_new_line()
            rl_replace_line("", 0)
            rl_redisplay()
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGINT, &action, nil)
    }
}
