import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor eval FILE`: accuracy and confusions on a labeled file.
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the matcher on a labeled file of messages (label<TAB>message per line).",
            discussion: "Example: opendoor eval Knowledge/eval/visitors.tsv --min-accuracy 0.9")

        @OptionGroup var options: KnowledgeOptions

        @Argument(help: "The labeled file.")
        var file: String?

        @Flag(help: "Instead of a file, match each of the knowledge's own examples with a matcher built without it.")
        var leaveOneOut = false

        @Option(help: "Exit with status 1 when accuracy is below this (0 to 1).")
        var minAccuracy: Double?

        @Flag(help: "List every wrong decision.")
        var mistakes = false

        @Flag(help: "Print the overall figures only: no per-intent figures, confusions or messages (for a held-out set).")
        var totals = false

        @Flag(help: ArgumentHelp("Print one tab-separated line per message: line, label, decision, and the top intents with confidence and similarity (for tuning on a development set; never on a held-out one).", visibility: .hidden))
        var candidates = false

        @Option(help: "Try another answer threshold (0 to 1) instead of the default.")
        var answerThreshold: Double?

        @Option(help: "Try another clarify margin (0 to 1) instead of the default.")
        var clarifyMargin: Double?

        @Option(help: ArgumentHelp("Try another weight of the closest example against the centroid.", visibility: .hidden))
        var exampleWeight: Double?

        @Option(help: ArgumentHelp("Try another weight of the second-closest example.", visibility: .hidden))
        var secondWeight: Double?

        @Option(help: ArgumentHelp("Try another weight of word pairs.", visibility: .hidden))
        var bigramWeight: Double?

        @Option(help: ArgumentHelp("Try another weight of unknown words.", visibility: .hidden))
        var unknownWeight: Double?

        @Option(help: ArgumentHelp("Try another confidence floor.", visibility: .hidden))
        var confidenceFloor: Double?

        @Option(help: ArgumentHelp("Try another weight of the learned probability.", visibility: .hidden))
        var learnedWeight: Double?

        @Option(help: ArgumentHelp("Try another weight of the story around a question.", visibility: .hidden))
        var storyWeight: Double?

        @Option(help: ArgumentHelp("Try another share of a long story against its question.", visibility: .hidden))
        var storyShare: Double?

        @Option(help: ArgumentHelp("Try another answer threshold for long messages.", visibility: .hidden))
        var longAnswerThreshold: Double?

        @Option(help: ArgumentHelp("Try another similarity at which a long message's question leans to a topic the knowledge doesn't answer.", visibility: .hidden))
        var questionSupportSimilarity: Double?

        @Option(help: ArgumentHelp("Try another similarity below which a long message's question matches nothing.", visibility: .hidden))
        var unknownQuestionSimilarity: Double?

        @Option(help: ArgumentHelp("Try another share of a long message's request its answer must address (0 = off).", visibility: .hidden))
        var requestShare: Double?

        @Option(help: ArgumentHelp("Whether a request needs a word the knowledge has never seen to be found unaddressed (true/false).", visibility: .hidden))
        var requestNeedsUnknownWord: Bool?

        @Option(help: ArgumentHelp("Whether a wish to come back beside a question steps aside (true/false).", visibility: .hidden))
        var wishesStepAside: Bool?

        @Option(help: ArgumentHelp("Whether a question leaning to an unanswered topic outweighs vague ones (true/false).", visibility: .hidden))
        var topicOutweighsVague: Bool?

        @Option(help: ArgumentHelp("Try another confidence a question answered by another intent needs to support the answer.", visibility: .hidden))
        var otherAnswerConfidence: Double?

        @Option(help: ArgumentHelp("Try another number of content tokens at which an unmatched question stops supporting the answer.", visibility: .hidden))
        var unknownQuestionTokens: Int?

        @Option(help: ArgumentHelp("Train the learned weights again in another shuffled order (a seed).", visibility: .hidden))
        var trainingSeed: UInt64?

        func validate() throws {
            if totals && mistakes { throw ValidationError("--totals and --mistakes exclude each other.") }
            if (file == nil) == !leaveOneOut {
                throw ValidationError("Give a labeled file, or --leave-one-out (not both).")
            }
            if let minAccuracy, !(0...1).contains(minAccuracy) {
                throw ValidationError("--min-accuracy is a share between 0 and 1, e.g. 0.9.")
            }
        }

        func run() async throws {
            let knowledge = try options.load()
            var configuration = MatcherConfiguration()
            if let answerThreshold { configuration.answerThreshold = answerThreshold }
            if let clarifyMargin { configuration.clarifyMargin = clarifyMargin }
            if let exampleWeight { configuration.exampleWeight = exampleWeight }
            if let secondWeight { configuration.secondExampleWeight = secondWeight }
            if let bigramWeight { configuration.bigramWeight = bigramWeight }
            if let unknownWeight { configuration.unknownWeight = unknownWeight }
            if let confidenceFloor { configuration.confidenceFloor = confidenceFloor }
            if let learnedWeight { configuration.learnedWeight = learnedWeight }
            if let storyWeight { configuration.storyWeight = storyWeight }
            if let storyShare { configuration.storyShare = storyShare }
            if let longAnswerThreshold { configuration.longAnswerThreshold = longAnswerThreshold }
            if let questionSupportSimilarity { configuration.questionSupportSimilarity = questionSupportSimilarity }
            if let unknownQuestionSimilarity { configuration.unknownQuestionSimilarity = unknownQuestionSimilarity }
            if let requestShare { configuration.requestShare = requestShare }
            if let requestNeedsUnknownWord { configuration.requestNeedsUnknownWord = requestNeedsUnknownWord }
            if let wishesStepAside { configuration.wishesStepAside = wishesStepAside }
            if let topicOutweighsVague { configuration.topicOutweighsVague = topicOutweighsVague }
            if let otherAnswerConfidence { configuration.otherAnswerConfidence = otherAnswerConfidence }
            if let unknownQuestionTokens { configuration.unknownQuestionTokens = unknownQuestionTokens }
            if let trainingSeed { configuration.trainingSeed = trainingSeed }
            let evaluation: Evaluation
            if let file {
                let labels = Set(knowledge.intents.map(\.id) + [.fallback])
                do {
                    let set = try EvaluationSet.load(from: URL(fileURLWithPath: file), knownLabels: labels)
                    evaluation = Evaluation(matcher: Matcher(knowledge: knowledge, configuration: configuration), set: set)
                    let overlaps = set.overlaps(with: knowledge)
                    if totals && !overlaps.isEmpty {
                        printError("\(file): warning: \(overlaps.count) line(s) repeat a training example; replace them.")
                    }
                    for (item, example) in overlaps where !totals {
                        printError(
                            "\(file):\(item.line): warning: “\(item.text)” repeats the training example “\(example)”; "
                                + "a held-out line must be new to measure understanding. Replace it.")
                    }
                } catch {
                    printError(error.description)
                    throw ExitCode(1)
                }
            } else {
                evaluation = Evaluation(leaveOneOutOf: knowledge, configuration: configuration)
            }
            if candidates {
                // After the top intents: the message's word count, then what each asking part reads as alone.
                let matcher = Matcher(knowledge: knowledge, configuration: configuration)
                for outcome in evaluation.outcomes {
                    let extra =
                        [String(matcher.analyze(outcome.item.text).words.count)]
                        + matcher.questionReadings(of: outcome.item.text).map { "|Q " + $0 }
                    let top = outcome.candidates.map {
                        String(format: "%@:%.4f:%.4f", $0.intent.rawValue, $0.confidence, $0.similarity)
                    }
                    print(([String(outcome.item.line), outcome.item.label.rawValue, outcome.predicted.rawValue] + top + extra)
                        .joined(separator: "\t"))
                }
                return
            }
            print(EvaluationReport.render(evaluation, listMistakes: mistakes, totalsOnly: totals))
            if let minAccuracy, evaluation.accuracy < minAccuracy {
                printError(
                    String(format: "Accuracy %.3f is below the floor %.3f.", evaluation.accuracy, minAccuracy))
                throw ExitCode(1)
            }
        }
    }
}
