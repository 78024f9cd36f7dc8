import Foundation
import Yams

/// Scripted conversations for staff: what the visitor says, and what must come back.
///
/// ```yaml
/// conversations:
///   - name: a question in the middle of the request
///     turns:
///       - say: i want to come back
///         expect: {intent: callback, state: callback_consent}
///       - say: wait, will it be the same group?
///         expect: {intent: faq_same_staff, state: callback_consent, text_contains: [Possibly]}
/// ```
/// Expectations: `intent`, `state`, `crisis`, `text_contains` (text or list), `text_excludes`,
/// `options_contain`, `options_exclude`, `stored` (how many callback requests are saved after the turn).
public struct ConversationScript: Sendable {
    /// One scripted conversation.
    public struct Case: Sendable {
        /// What it checks, in a few words.
        public var name: String
        /// Where it was written.
        public var location: SourceLocation
        /// The visitor's messages and the expectations.
        public var turns: [Turn]
        /// Expectations on the welcome, if any.
        public var welcome: Expectation?
    }

    /// One message and what must come back.
    public struct Turn: Sendable {
        /// What the visitor types.
        public var say: String
        /// What the reply must be.
        public var expect: Expectation
        /// Where it was written.
        public var line: Int?
    }

    /// What a reply must be; nil fields are not checked.
    public struct Expectation: Sendable {
        public var intent: IntentID?
        public var state: ConversationState?
        public var crisis: Bool?
        public var textContains: [String] = []
        public var textExcludes: [String] = []
        public var optionsContain: [String] = []
        public var optionsExclude: [String] = []
        public var stored: Int?
    }

    /// Every conversation in the file.
    public var cases: [Case]

    /// Parses a script file; problems name the file and line.
    public static func parse(_ text: String, file: String) throws(KnowledgeError) -> ConversationScript {
        var reader = YAMLReader(file: file)
        var cases: [Case] = []
        if let root = reader.parse(text),
            let fields = reader.mapping(root, allowedKeys: ["conversations"], what: "a conversation test file")
        {
            if let list = fields["conversations"]?.sequence {
                for entry in list {
                    if let parsed = parseCase(entry, reader: &reader) { cases.append(parsed) }
                }
            } else {
                reader.error(root, "Expected `conversations:` with a list of conversations.")
            }
        }
        if reader.diagnostics.contains(where: { $0.severity == .error }) {
            throw KnowledgeError(diagnostics: reader.diagnostics)
        }
        return ConversationScript(cases: cases)
    }

    /// Reads and parses a file.
    public static func load(from url: URL) throws(KnowledgeError) -> ConversationScript {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            throw KnowledgeError(diagnostics: [
                KnowledgeDiagnostic(.error, file: url.path, "The file is missing or not UTF-8 text.")
            ])
        }
        return try parse(text, file: url.path)
    }

    private static func parseCase(_ node: Node, reader: inout YAMLReader) -> Case? {
        guard let fields = reader.mapping(node, allowedKeys: ["name", "welcome", "turns"], what: "a conversation")
        else { return nil }
        let name = reader.text(fields["name"], key: "name", in: node, required: true) ?? "?"
        var turns: [Turn] = []
        guard let list = fields["turns"]?.sequence else {
            reader.error(node, "`turns` is missing: add a list of `- say: …` with `expect:`.")
            return nil
        }
        for turnNode in list {
            guard let turnFields = reader.mapping(turnNode, allowedKeys: ["say", "expect"], what: "a turn") else {
                continue
            }
            guard let sayNode = turnFields["say"], let say = sayNode.scalar?.string else {
                reader.error(turnNode, "Each turn needs `say:` with what the visitor types.")
                continue
            }
            let expect = turnFields["expect"].flatMap { parseExpectation($0, reader: &reader) } ?? Expectation()
            turns.append(Turn(say: say, expect: expect, line: turnNode.mark?.line))
        }
        let welcome = fields["welcome"].flatMap { parseExpectation($0, reader: &reader) }
        return Case(
            name: name, location: SourceLocation(file: reader.file, line: node.mark?.line), turns: turns,
            welcome: welcome)
    }

    private static func parseExpectation(_ node: Node, reader: inout YAMLReader) -> Expectation? {
        let allowed: Set<String> = [
            "intent", "state", "crisis", "text_contains", "text_excludes", "options_contain", "options_exclude",
            "stored",
        ]
        guard let fields = reader.mapping(node, allowedKeys: allowed, what: "`expect`") else { return nil }
        var expectation = Expectation()
        if let value = fields["intent"]?.string { expectation.intent = IntentID(rawValue: value) }
        if let value = fields["state"]?.string {
            if let state = ConversationState(rawValue: value) {
                expectation.state = state
            } else {
                let names = ConversationState.allCases.map(\.rawValue).joined(separator: ", ")
                reader.error(fields["state"], "Unknown state `\(value)`. Use one of: \(names).")
            }
        }
        if let value = fields["crisis"] {
            if let flag = value.bool { expectation.crisis = flag } else { reader.error(value, "`crisis` is true or false.") }
        }
        if let value = fields["stored"] {
            if let count = value.int { expectation.stored = count } else { reader.error(value, "`stored` is a number.") }
        }
        func texts(_ key: String) -> [String] {
            guard let value = fields[key] else { return [] }
            if let single = value.scalar?.string { return [single] }
            return reader.textList(value, key: key, in: node, required: false).map(\.text)
        }
        expectation.textContains = texts("text_contains")
        expectation.textExcludes = texts("text_excludes")
        expectation.optionsContain = texts("options_contain")
        expectation.optionsExclude = texts("options_exclude")
        return expectation
    }
}

/// Runs scripted conversations and says what failed.
public struct ConversationTestRunner: Sendable {
    /// One conversation's outcome.
    public struct Outcome: Sendable {
        /// The conversation's name.
        public var name: String
        /// Where it was written.
        public var location: SourceLocation
        /// Why it failed, or empty when it passed.
        public var failures: [String]
        /// Whether every expectation held.
        public var passed: Bool { failures.isEmpty }
    }

    /// The assistant under test.
    public let assistant: Assistant

    /// Creates a runner.
    public init(assistant: Assistant) {
        self.assistant = assistant
    }

    /// Runs every conversation, each with its own empty in-memory store.
    public func run(_ script: ConversationScript) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for testCase in script.cases {
            outcomes.append(await run(testCase))
        }
        return outcomes
    }

    func run(_ testCase: ConversationScript.Case) async -> Outcome {
        let store = InMemoryCallbackStore()
        var conversation = assistant.makeConversation(channel: .terminal)
        var failures: [String] = []
        let welcome = conversation.start()
        if let expectation = testCase.welcome {
            failures += await check(welcome, against: expectation, store: store, turn: "welcome")
        }
        for (number, turn) in testCase.turns.enumerated() {
            let reply = await conversation.respond(to: turn.say, store: store)
            let place = "turn \(number + 1)" + (turn.line.map { " (line \($0))" } ?? "") + " “\(turn.say)”"
            failures += await check(reply, against: turn.expect, store: store, turn: place)
        }
        return Outcome(name: testCase.name, location: testCase.location, failures: failures)
    }

    private func check(
        _ reply: Reply, against expected: ConversationScript.Expectation, store: InMemoryCallbackStore, turn: String
    ) async -> [String] {
        var failures: [String] = []
        if let intent = expected.intent, reply.intent != intent {
            failures.append("\(turn): expected intent \(intent), got \(reply.intent)")
        }
        if let state = expected.state, reply.state != state {
            failures.append("\(turn): expected state \(state.rawValue), got \(reply.state.rawValue)")
        }
        if let crisis = expected.crisis, reply.crisis != crisis {
            failures.append("\(turn): expected crisis \(crisis), got \(reply.crisis)")
        }
        let text = reply.text.lowercased()
        for piece in expected.textContains where !text.contains(piece.lowercased()) {
            failures.append("\(turn): the reply doesn’t contain “\(piece)”")
        }
        for piece in expected.textExcludes where text.contains(piece.lowercased()) {
            failures.append("\(turn): the reply contains “\(piece)”")
        }
        for option in expected.optionsContain where !reply.options.contains(where: { $0.lowercased().contains(option.lowercased()) }) {
            failures.append("\(turn): no option like “\(option)” in \(reply.options)")
        }
        for option in expected.optionsExclude
        where reply.options.contains(where: { $0.lowercased().contains(option.lowercased()) }) {
            failures.append("\(turn): an option like “\(option)” in \(reply.options)")
        }
        if let stored = expected.stored {
            let count = await store.count
            if count != stored { failures.append("\(turn): expected \(stored) stored request(s), found \(count)") }
        }
        return failures
    }
}
