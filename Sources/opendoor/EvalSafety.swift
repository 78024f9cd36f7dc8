import ArgumentParser
import Foundation
import OpenDoorKit

extension OpenDoor {
    /// `opendoor eval-safety FILE…`: recall, levels and false alarms of the crisis check on labeled corpora.
    struct EvalSafety: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-safety",
            abstract: "Measure the crisis check on labeled files (LABEL<TAB>LEVEL<TAB>STYLE<TAB>message per line).",
            discussion: """
                Recall counts a crisis message as caught at either level (both replies give 988); the crisis-level
                figures count the full crisis reply only. Also measures false alarms on the ordinary visitor
                messages of eval/visitors.tsv (every line there is a non-crisis).
                Examples:
                  opendoor eval-safety Knowledge/eval/safety.tsv
                  opendoor eval-safety Knowledge/eval/safety-blind.tsv --hide-messages \\
                      --min-recall 0.98 --max-false-alarms 0.03 --require-crisis-level
                """)

        @OptionGroup var options: KnowledgeOptions

        @Argument(help: "The labeled files; each is reported and checked on its own.")
        var files: [String]

        @Flag(help: "List no message (for a blind corpus): aggregate figures only.")
        var hideMessages = false

        @Option(help: "Exit 1 when a file's recall (either level) is below this (0 to 1).")
        var minRecall: Double?

        @Option(help: "Exit 1 when a file's false-alarm rate on look-alikes is above this (0 to 1).")
        var maxFalseAlarms: Double?

        @Flag(help: "Exit 1 when an explicit or overdose crisis message gets less than the full crisis reply.")
        var requireCrisisLevel = false

        @Option(help: "The ordinary visitor messages (label<TAB>message). Default: the knowledge's eval/visitors.tsv.")
        var visitors: String?

        @Option(help: "Exit 1 when the false-alarm rate on the visitor messages is above this (0 to 1).")
        var maxVisitorFalseAlarms: Double?

        @Flag(help: "Measure the rules alone, without the learned model (safety-model.tsv).")
        var noModel = false

        @Option(help: "When the learned model may give the full crisis reply: never, evidence (the default: where the rules see a crisis component) or always (round 24).")
        var modelLift: String?

        @Option(help: "The word classes (lists: of safety.yaml, comma-separated) that back the model's full crisis reply.")
        var modelEvidence: String?

        func validate() throws {
            if files.isEmpty { throw ValidationError("Give at least one labeled file, e.g. Knowledge/eval/safety.tsv.") }
            for (name, value) in [
                ("--min-recall", minRecall), ("--max-false-alarms", maxFalseAlarms),
                ("--max-visitor-false-alarms", maxVisitorFalseAlarms),
            ] {
                if let value, !(0...1).contains(value) {
                    throw ValidationError("\(name) is a share between 0 and 1, e.g. 0.98.")
                }
            }
        }

        func run() async throws {
            let detector: CrisisDetector
            do {
                var rules = try SafetyRules.load(from: options.directory.appendingPathComponent("safety.yaml"))
                if modelLift != nil || modelEvidence != nil {
                    guard let lift = SafetyModel.CrisisLift(rawValue: modelLift ?? "evidence") else {
                        throw ValidationError("--model-lift is never, evidence or always.")
                    }
                    rules = rules.withModelLift(lift, evidence: modelEvidence?.split(separator: ",").map(String.init))
                }
                detector = CrisisDetector(rules: noModel ? rules.withoutModel() : rules)
                print(SafetyReport.describeModel(noModel ? nil : rules.model))
                if !noModel, let model = rules.model {
                    print("learned model's full crisis reply: \(model.crisisLift.rawValue)"
                        + (model.crisisLift == .withEvidence ? " (\(model.evidenceClasses.joined(separator: ", ")))" : ""))
                }
            } catch let error as KnowledgeError {
                printError(error.description)
                throw ExitCode(1)
            }
            var failures: [String] = []
            for file in files {
                let set: SafetyEvalSet
                do {
                    set = try SafetyEvalSet.load(from: URL(fileURLWithPath: file))
                } catch {
                    printError(error.description)
                    throw ExitCode(1)
                }
                let evaluation = SafetyEvaluation(detector: detector, set: set)
                print(SafetyReport.render(evaluation, name: file, listMessages: !hideMessages))
                print("")
                failures += SafetyReport.gate(
                    evaluation, name: file, minRecall: minRecall, maxFalseAlarms: maxFalseAlarms,
                    requireCrisisLevel: requireCrisisLevel)
            }
            let visitorFile = visitors.map { URL(fileURLWithPath: $0) }
                ?? options.directory.appendingPathComponent("eval/visitors.tsv")
            if let texts = Self.visitorMessages(visitorFile) {
                let evaluation = SafetyEvaluation(detector: detector, lookAlikes: texts)
                let alarms = evaluation.falseAlarms
                print(
                    "\(visitorFile.path): false alarms on ordinary visitor messages \(alarms)"
                        + (detector.usesModel ? ", of which by the learned model \(evaluation.falseAlarmsByModel)" : ""))
                if !hideMessages {
                    for outcome in evaluation.outcomes where outcome.isFalseAlarm {
                        print("  false alarm: \(outcome.finding!) | \(outcome.item.text)")
                    }
                }
                if let maxVisitorFalseAlarms, alarms.rate > maxVisitorFalseAlarms {
                    failures.append("\(visitorFile.lastPathComponent): false alarms \(alarms) above \(maxVisitorFalseAlarms)")
                }
            } else if visitors != nil || maxVisitorFalseAlarms != nil {
                printError("could not read \(visitorFile.path)")
                throw ExitCode(1)
            }
            if !failures.isEmpty {
                for failure in failures { printError("FAIL: \(failure)") }
                throw ExitCode(1)
            }
        }

        /// The messages of a `label<TAB>message` file, comments and blank lines left out.
        static func visitorMessages(_ url: URL) -> [String]? {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return nil }
            return text.split(separator: "\n").compactMap { line in
                guard !line.hasPrefix("#"), let tab = line.firstIndex(of: "\t") else { return nil }
                return String(line[line.index(after: tab)...])
            }
        }
    }
}

/// What `opendoor eval-safety` prints, and its gates.
enum SafetyReport {
    static func render(_ evaluation: SafetyEvaluation, name: String, listMessages: Bool) -> String {
        var lines: [String] = []
        lines.append("\(name): \(evaluation.crises.count) crisis messages, \(evaluation.lookAlikes.count) look-alikes")
        lines.append("recall (check-in or crisis reply): \(evaluation.recall)")
        lines.append("full crisis reply where the label requires it: \(evaluation.crisisLevelRecall)")
        lines.append("explicit and overdose messages with the full crisis reply: \(evaluation.explicitAndOverdoseAtCrisisLevel)")
        lines.append("by category (caught / at crisis level):")
        for group in evaluation.recall(by: { $0.category?.rawValue ?? "none" }) {
            lines.append("  \(pad(group.group)) \(pad(group.caught.description, 20)) \(group.atCrisis)")
        }
        lines.append("by labeled level (caught / at crisis level):")
        for group in evaluation.recall(by: { $0.level?.rawValue ?? "none" }) {
            lines.append("  \(pad(group.group)) \(pad(group.caught.description, 20)) \(group.atCrisis)")
        }
        lines.append("by style (caught / at crisis level):")
        for group in evaluation.recall(by: \.style) {
            lines.append("  \(pad(group.group)) \(pad(group.caught.description, 20)) \(group.atCrisis)")
        }
        lines.append(
            "false alarms on look-alikes: \(evaluation.falseAlarms) — crisis reply \(evaluation.falseAlarms(at: .crisis)), "
                + "check-in \(evaluation.falseAlarms(at: .check))")
        if evaluation.caughtByModel + evaluation.falseAlarmsByModel + evaluation.raisedByModel > 0 {
            lines.append(
                "by the learned model (the rules found nothing): \(evaluation.caughtByModel) crisis message(s) caught "
                    + "(\(evaluation.caughtByModelAtCrisisLevel) with the crisis reply), "
                    + "\(evaluation.falseAlarmsByModel) false alarm(s); a rule's check-in raised to the crisis reply: "
                    + "\(evaluation.raisedByModel) crisis message(s)")
        }
        lines.append("false alarms by style:")
        for group in evaluation.falseAlarmsByStyle() {
            lines.append("  \(pad(group.style)) \(group.alarms)")
        }
        if listMessages {
            for outcome in evaluation.outcomes where outcome.isMiss {
                let item = outcome.item
                lines.append("  miss (line \(item.line), \(item.category!)/\(item.style)): \(item.text)")
            }
            for outcome in evaluation.outcomes where outcome.isUnderLevel && !outcome.isMiss {
                let item = outcome.item
                lines.append("  check-in only (line \(item.line), \(item.category!)/\(item.style)): \(item.text)")
            }
            for outcome in evaluation.outcomes where outcome.isFalseAlarm {
                let item = outcome.item
                lines.append("  false alarm (line \(item.line), \(item.style)): \(outcome.finding!) | \(item.text)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func describeModel(_ model: SafetyModel?) -> String {
        guard let model else { return "learned model: not used (the rules alone)" }
        guard model.isEnabled else { return "learned model: \(model.file) is switched off (enabled no)" }
        let raised = model.raiseThreshold.flatMap {
            $0 == model.crisisThreshold ? nil : String(format: ", a rule's check-in raised at %.3f or more", $0)
        }
        return String(
            format: "learned model: %@, %d features, check-in at a score of %.3f or more%@", model.file,
            model.featureCount, model.threshold,
            model.crisisThreshold.map { String(format: ", crisis reply at %.3f or more", $0) } ?? "") + (raised ?? "")
    }

    static func gate(
        _ evaluation: SafetyEvaluation, name: String, minRecall: Double?, maxFalseAlarms: Double?,
        requireCrisisLevel: Bool
    ) -> [String] {
        var failures: [String] = []
        if let minRecall, evaluation.recall.rate < minRecall {
            failures.append("\(name): recall \(evaluation.recall) below \(minRecall)")
        }
        if let maxFalseAlarms, evaluation.falseAlarms.rate > maxFalseAlarms {
            failures.append("\(name): false alarms \(evaluation.falseAlarms) above \(maxFalseAlarms)")
        }
        let required = evaluation.explicitAndOverdoseAtCrisisLevel
        if requireCrisisLevel && required.count < required.total {
            failures.append("\(name): explicit and overdose messages with the full crisis reply \(required), not all")
        }
        return failures
    }

    private static func pad(_ text: String, _ width: Int = 14) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
