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
        var file: String

        @Option(help: "Exit with status 1 when accuracy is below this (0 to 1).")
        var minAccuracy: Double?

        @Flag(help: "List every wrong decision.")
        var mistakes = false

        @Option(help: "Try another answer threshold (0 to 1) instead of the default.")
        var answerThreshold: Double?

        @Option(help: "Try another clarify margin (0 to 1) instead of the default.")
        var clarifyMargin: Double?

        func validate() throws {
            if let minAccuracy, !(0...1).contains(minAccuracy) {
                throw ValidationError("--min-accuracy is a share between 0 and 1, e.g. 0.9.")
            }
        }

        func run() async throws {
            let knowledge = try options.load()
            let labels = Set(knowledge.intents.map(\.id) + [.fallback])
            let set: EvaluationSet
            do {
                set = try EvaluationSet.load(from: URL(fileURLWithPath: file), knownLabels: labels)
            } catch {
                printError(error.description)
                throw ExitCode(1)
            }
            var configuration = MatcherConfiguration()
            if let answerThreshold { configuration.answerThreshold = answerThreshold }
            if let clarifyMargin { configuration.clarifyMargin = clarifyMargin }
            let evaluation = Evaluation(matcher: Matcher(knowledge: knowledge, configuration: configuration), set: set)
            print(EvaluationReport.render(evaluation, listMistakes: mistakes))
            if let minAccuracy, evaluation.accuracy < minAccuracy {
                printError(
                    String(format: "Accuracy %.3f is below the floor %.3f.", evaluation.accuracy, minAccuracy))
                throw ExitCode(1)
            }
        }
    }
}
