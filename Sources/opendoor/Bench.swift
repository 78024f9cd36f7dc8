import ArgumentParser
import Foundation
import OpenDoorKit
import OpenDoorLoad

extension OpenDoor {
    /// `opendoor bench`: load time, matching latency on the shipped and a 100× knowledge, peak memory.
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure load time, matching latency and memory (build with -c release).",
            discussion: "Example: swift run -c release opendoor bench")

        @OptionGroup var options: KnowledgeOptions

        @Option(help: "The messages to time (label<TAB>message). Default: the knowledge's eval/visitors.tsv.")
        var messages: String?

        @Option(help: "How many times each message is matched.")
        var rounds = 50

        @Option(help: "How much larger the synthetic knowledge is.")
        var scale = 100

        @Flag(help: "Time only the crisis check (its rules' load, and per message).")
        var safetyOnly = false

        @Flag(
            help: """
                Time only the conversation: the load benchmark's questions through Conversation.receive, in turn, \
                200 to a conversation (what the server spends on a message beside its sockets).
                """)
        var conversationOnly = false

        func validate() throws {
            if rounds < 1 { throw ValidationError("--rounds must be at least 1.") }
            if scale < 2 { throw ValidationError("--scale must be at least 2.") }
        }

        func run() async throws {
            let knowledge = try options.load()
            let file = messages.map { URL(fileURLWithPath: $0) }
                ?? options.directory.appendingPathComponent("eval/visitors.tsv")
            let labels = Set(knowledge.intents.map(\.id) + [.fallback])
            let set: EvaluationSet
            do {
                set = try EvaluationSet.load(from: file, knownLabels: labels)
            } catch {
                printError(error.description)
                throw ExitCode(1)
            }
            let texts = set.items.map(\.text)
            #if DEBUG
            print("note: this is a debug build; run `swift run -c release opendoor bench` for real figures.")
            #endif
            if safetyOnly {
                try Self.benchSafety(directory: options.directory, messages: texts, rounds: rounds)
                return
            }
            if conversationOnly {
                try benchConversation()
                return
            }
            let load = try MatcherBenchmark.loadMilliseconds(directory: options.directory, rounds: 20)
            print(
                String(
                    format: "load (read, check, index the knowledge): %.2f ms, of which reading and checking the files %.2f ms (median of 20)",
                    load.total, load.files))
            print(
                Matcher(knowledge: knowledge).usesStoredWeights
                    ? "the matcher's learned weights: read from \(StoredIntentWeights.fileName) (up to date)"
                    : "the matcher's learned weights: trained at load (\(StoredIntentWeights.fileName) missing or out of date)")
            let shipped = MatcherBenchmark.run(knowledge: knowledge, messages: texts, rounds: rounds)
            print(Self.describe("shipped knowledge", shipped))
            let large = SyntheticKnowledge.scaled(knowledge, factor: scale)
            let scaled = MatcherBenchmark.run(
                knowledge: large, messages: texts, rounds: max(1, rounds / 5), builds: 1)
            print(Self.describe("\(scale)x synthetic knowledge", scaled))
            print(
                String(
                    format: "growth at %dx: p50 %.1fx, p99 %.1fx", scale, scaled.latency.p50 / shipped.latency.p50,
                    scaled.latency.p99 / shipped.latency.p99))
            try Self.benchSafety(directory: options.directory, messages: texts, rounds: rounds)
            try benchConversation()
            if let peak = MatcherBenchmark.peakMemoryMiB() {
                print(String(format: "peak memory (VmHWM): %.1f MiB", peak))
            }
        }

        /// The crisis check: load time, per message on the visitor messages, and on worst-case long lines.
        static func benchSafety(directory: URL, messages: [String], rounds: Int) throws {
            let url = directory.appendingPathComponent("safety.yaml")
            let load = try SafetyBenchmark.loadMilliseconds(url: url, rounds: 20)
            print(String(format: "safety rules load (read, check, compile safety.yaml): %.2f ms (median of 20)", load))
            if let model = try SafetyBenchmark.modelLoadMilliseconds(besides: url, rounds: 20) {
                print(String(format: "safety model load (read, check, index safety-model.tsv): %.2f ms (median of 20)", model))
            }
            let rules = try SafetyRules.load(from: url)
            let detector = CrisisDetector(rules: rules)
            let rulesOnly = SafetyBenchmark.latency(
                detector: CrisisDetector(rules: rules.withoutModel()), messages: messages, rounds: rounds)
            print(
                String(
                    format: "safety check on the visitor messages, rules alone: per message p50 %.2f µs, p99 %.2f µs",
                    rulesOnly.p50, rulesOnly.p99))
            let ordinary = SafetyBenchmark.latency(detector: detector, messages: messages, rounds: rounds)
            print(
                String(
                    format: "safety check on the visitor messages: per message p50 %.2f µs, p99 %.2f µs (%d checks)",
                    ordinary.p50, ordinary.p99, ordinary.samples))
            let worst = SafetyBenchmark.latency(
                detector: detector, messages: SafetyBenchmark.worstCaseMessages, rounds: max(1, rounds / 10))
            print(
                String(
                    format: "safety check on worst-case 4,000-byte lines: p50 %.1f µs, p99 %.1f µs (%d checks)",
                    worst.p50, worst.p99, worst.samples))
        }

        /// The conversation per message, on the paced load's questions (``LoadGenerator/visitorQuestions``) sent in
        /// turn to one conversation, 200 to a conversation as `opendoor load --phase paced` sends them.
        func benchConversation() throws {
            let questions = LoadGenerator.visitorQuestions
            let run = ConversationBenchmark.run(
                assistant: try options.loadAssistant(), messages: questions, turns: 200, rounds: rounds)
            print(
                String(
                    format:
                        "conversation per message (the paced load's %d questions in turn, 200 to a conversation): mean %.2f µs, p50 %.2f µs, p99 %.2f µs (%d messages)",
                    questions.count, run.mean, run.latency.p50, run.latency.p99, run.latency.samples))
        }

        static func describe(_ name: String, _ run: MatcherBenchmark.Run) -> String {
            String(
                format: "%@: %d intents, %d examples, index built in %.2f ms; per message p50 %.2f µs, p99 %.2f µs (%d matches)",
                name, run.intents, run.examples, run.buildMilliseconds, run.latency.p50, run.latency.p99,
                run.latency.samples)
        }
    }
}
